import 'reflect-metadata';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { inject, injectable } from 'tsyringe';
import { cellId } from '../config/cell-id.ts';
import { ConfigError } from '../config/config-error.ts';
import type { BudgetConfig, ExperimentConfig } from '../config/experiment-config.ts';
import { pluginVersions, type ResolvedExperiment } from '../config/load-config.ts';
import type { DataSplit } from '../contracts/dataset.ts';
import type { MetricInput } from '../contracts/metric.ts';
import type { FitReport, GenerativeModel, ModelEnv, TrainBudget } from '../contracts/model.ts';
import type { RunContext } from '../contracts/run-context.ts';
import { TensorBackend, type ActiveBackend } from '../contracts/tensor-backend.ts';
import type { MetricRow, Tracker } from '../contracts/tracker.ts';
import { Rng } from '../rng/rng.ts';
import { commitDir, writeFileAtomic, writeJsonAtomic } from '../store/atomic-write.ts';
import { checkpointStore, DamagedCheckpoint } from '../store/checkpoint-store.ts';
import { linkTree } from '../store/link-tree.ts';
import { SampleJournal } from '../store/sample-journal.ts';
import { SampleStore } from '../store/sample-store.ts';
import { TrainingSet } from '../store/training-set.ts';
import { writeTrainingSetManifest } from '../store/training-set-manifest.ts';
import { CURATED_DIR, CURATION_FILE, curateSamples, type CurationRecord } from './curate-samples.ts';
import { writeChunks } from '../store/write-chunks.ts';
import { writeSharedSplit } from './shared-real-data.ts';
import { FeatureCache } from './feature-cache.ts';
import { checkFiniteValues, checkSampleChunk } from './finite-values.ts';
import { writeChecksums } from './generation-checksums.ts';
import { checkDiskRoom } from './disk-needs.ts';
import { prepareRunDir } from './out-dir.ts';
import { discardDamagedCheckpoints } from './run-checkpoints.ts';
import { RunLock } from './run-lock.ts';
import { verifyRun } from './verify-run.ts';
import { guardRunFolder } from './folder-guard.ts';
import { runContext, StepLog } from './generation-context.ts';
import { RunFiles } from './run-files.ts';
import { RunFolder } from './run-folder.ts';
import { RunInterrupted, yieldToEventLoop } from './run-interrupted.ts';
import { buildRunParts, type RunParts } from './run-parts.ts';
import { buildFirstModel, checkRunPlan, modelEnv, sampleCount } from './run-checks.ts';
import { MetricValues } from './metric-values.ts';
import { samplePreview } from './sample-preview.ts';

export interface RunOptions {
  /** Continue after the last committed generation instead of refusing a folder that holds some. */
  readonly resume?: boolean;
  /** Show live progress (a TTY); plain lines otherwise. */
  readonly interactive?: boolean;
  /** Trackers added to the config's, e.g. a test's recorder. */
  readonly extraTrackers?: readonly Tracker[];
  /** Aborting stops the run at the next safe point (reason 'SIGTERM' exits 143, else 130); resume goes on. */
  readonly signal?: AbortSignal;
  /** The sweep this run belongs to, for trackers. */
  readonly group?: string;
  /** Where real splits are stored once for all runs beside this one; default `<parent of the run folder>/.ouroboros-data`. */
  readonly dataCache?: string;
  /** How long a tracker's start/finish may take; default 30 s. */
  readonly trackerTimeoutMs?: number;
  /** Start again in a folder holding a failed or empty run (of any config). */
  readonly overwrite?: boolean;
}

export interface RunResult {
  readonly dir: string;
  readonly history: MetricRow[];
}

/** What every generation of one run shares. */
interface RunState {
  readonly config: ExperimentConfig;
  readonly resolved: ResolvedExperiment;
  readonly folder: RunFolder;
  readonly files: RunFiles;
  readonly parts: RunParts;
  readonly features: FeatureCache;
  readonly root: Rng;
  readonly real: Record<DataSplit, SampleStore>;
  /** `synthetic[k]`: generation k's committed samples; grows as generations commit. */
  readonly synthetic: SampleStore[];
  readonly sampleCount: number;
  readonly backend: string;
  readonly signal: AbortSignal;
  /** Generation 0's model, built before the folder was touched (see buildFirstModel), until it is taken. */
  readonly first: { model: GenerativeModel | null };
}

/** What `run` has checked and prepared before the loop: the folder is ours, the backend chosen. */
interface PreparedRun {
  readonly resolved: ResolvedExperiment;
  readonly folder: RunFolder;
  readonly files: RunFiles;
  readonly parts: RunParts;
  readonly committed: number[];
  readonly dataCache: string;
  readonly runId: string;
  readonly backend: ActiveBackend;
  readonly root: Rng;
  readonly first: { model: GenerativeModel | null };
}

/**
 * The self-consuming loop: generation 0 trains on real data; generation t trains on the mixing
 * schedule's set, samples, is evaluated against real reference data and is committed atomically.
 * The engine owns the run folder (run.json, config.json, history.jsonl, summary.json, generations);
 * trackers only mirror. Every random draw is forked from the seed by (purpose, generation, ...), so
 * resuming, after a generation or from a mid-fit checkpoint, gives exactly the uninterrupted numbers.
 */
@injectable()
export class RetrainingEngine {
  constructor(@inject(TensorBackend) private readonly tensorBackend: TensorBackend) {}

  async run(resolved: ResolvedExperiment, runDir: string, options: RunOptions = {}): Promise<RunResult> {
    const { config } = resolved;
    const folder = new RunFolder(runDir);
    const files = new RunFiles(folder);
    const runId = cellId(resolved.config);
    const dataCache = options.dataCache ?? join(dirname(resolve(runDir)), '.ouroboros-data');
    // Everything that can be checked before the run folder is touched is checked here.
    const parts = buildRunParts(resolved, {
      runDir,
      interactive: options.interactive ?? false,
      cacheDir: join(dataCache, 'datasets'),
      extraTrackers: options.extraTrackers ?? [],
      ...(options.trackerTimeoutMs !== undefined ? { trackerTimeoutMs: options.trackerTimeoutMs } : {}),
    });
    const generatedCount = checkRunPlan(config, parts);
    checkDiskRoom({ data: parts.dataset.info, sampleCount: generatedCount, generations: config.generations }, runDir);
    const backend = await this.tensorBackend.select(config.backend, { threads: config.threads });
    const root = Rng.from(config.seed, 'experiment');
    const first = { model: buildFirstModel(resolved, parts.dataset.info, root) };
    try {
      prepareRunDir(runDir, folder.markerPath);
      const lock = RunLock.acquire(runDir);
      try {
        const identity = { runId, name: config.name, user: resolved.user, plugins: pluginVersions(resolved), generations: config.generations };
        const committed = guardRunFolder(folder, files, identity, { resume: options.resume ?? false, overwrite: options.overwrite ?? false });
        // Damaged checkpoints are not fatal: each generation discards its own and computes them again.
        const problems = verifyRun(runDir, { checkpoints: false });
        if (problems.length > 0) throw new Error(`${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}; run 'ouro verify ${runDir}' for the list`);
        // Generation 0 is committed or its fit kept: it will not start from the model built for the check.
        if (committed.length > 0 || keptFit(folder, 0)) {
          first.model?.dispose();
          first.model = null;
        }
        return await this.runIn({ resolved, folder, files, parts, committed, dataCache, runId, backend, root, first }, options);
      } finally {
        lock.release();
      }
    } finally {
      first.model?.dispose();
    }
  }

  /** The loop over generations, once the folder is ours and checked. */
  private async runIn(prepared: PreparedRun, options: RunOptions): Promise<RunResult> {
    const { resolved, folder, files, parts, committed, dataCache, runId, backend, root } = prepared;
    const { config } = resolved;
    const runDir = folder.root;
    const signal = options.signal ?? new AbortController().signal;
    const start = committed.length;
    files.writeConfig(config);
    const history = files.startHistory(start);
    folder.removeLeftovers(start);

    await parts.trackers.start({
      runId,
      ...(options.group !== undefined ? { group: options.group } : {}),
      name: config.name,
      dir: runDir,
      createdAt: files.readMarker()!.createdAt,
      config: config as unknown as Record<string, unknown>,
      generations: config.generations,
      startGeneration: start,
      backend: backend.name,
    });
    if (backend.summary) parts.trackers.note(backend.summary);
    let model: GenerativeModel | null = null;
    let exitCode = 1;
    let failure: string | undefined;
    try {
      const layout = { ...parts.dataset.info, labelled: parts.dataset.info.classes !== undefined };
      const split = (s: DataSplit) => writeSharedSplit(folder.realDir(s), join(dataCache, 'splits'), layout, parts.dataset.split(s, root.fork('dataset', s)), (line) => parts.trackers.note(line));
      const real = { train: await split('train'), test: await split('test') };
      const run: RunState = {
        config,
        resolved,
        folder,
        files,
        parts,
        features: new FeatureCache(folder, { train: real.train, cacheDir: join(dataCache, 'features'), seed: config.seed, note: (line) => parts.trackers.note(line) }),
        root,
        real,
        synthetic: committed.map((t) => trainingSamples(folder.generationDir(t))),
        sampleCount: sampleCount(config, parts, real.train.count),
        backend: backend.tfBackend,
        signal,
        first: prepared.first,
      };
      if (start > config.generations) parts.trackers.note(`all ${config.generations + 1} generations are already committed; nothing to do`);
      else if (start > 0) parts.trackers.note(`resuming after generation ${start - 1}`);
      for (let t = start; t <= config.generations; t++) {
        const fitted = t === start ? keptFit(folder, t) : null;
        model = fitted ? await this.loadKeptFit(t, fitted, run) : await this.modelFor(t, start, model, run);
        history.push(await this.generation(t, model, run, fitted?.report ?? null));
      }
      exitCode = 0;
      return { dir: runDir, history };
    } catch (error) {
      if (error instanceof RunInterrupted) exitCode = error.exitCode;
      else failure = String(error instanceof Error ? error.message : error).split('\n')[0];
      throw error;
    } finally {
      model?.dispose();
      for (const { extractor } of parts.extractors) extractor.dispose?.();
      let unwritten: unknown = null;
      try {
        files.writeSummary({ name: config.name, runId, exitCode, generations: config.generations, backend, ...(failure ? { error: failure } : {}) });
      } catch (error) {
        // It fails a run that had succeeded; an earlier failure or a stop keeps its own error and exit code.
        if (exitCode === 0) unwritten = error;
        else parts.trackers.note(String((error as Error).message));
      }
      await parts.trackers.finish(unwritten ? 1 : exitCode);
      if (unwritten) throw unwritten;
    }
  }

  /**
   * The model generation t starts from: model t-1 when warm-starting (loaded from its folder when
   * this process starts at t), else a new one; generation 0 starts from `model.init` when given.
   */
  private async modelFor(t: number, start: number, previous: GenerativeModel | null, run: RunState): Promise<GenerativeModel> {
    const { config, resolved, folder } = run;
    const env = (g: number): ModelEnv => modelEnv(run.parts.dataset.info, run.root, g);
    if (t === 0 && run.first.model) {
      const built = run.first.model;
      run.first.model = null;
      return built;
    }
    if (t > 0 && config.train.warmStart) {
      return previous ?? (await resolved.model.load(join(folder.generationDir(t - 1), 'model'), env(t)));
    }
    previous?.dispose();
    if (t === 0 && config.model.init !== undefined) {
      return resolved.model.load(config.model.init, env(0));
    }
    return resolved.model.create(env(t));
  }

  /** The model a stopped run's finished fit of generation t left in its checkpoint folder (see keptFit). */
  private async loadKeptFit(t: number, fitted: KeptFit, run: RunState): Promise<GenerativeModel> {
    run.parts.trackers.note(`generation ${t}: its fit finished before the run stopped; sampling from the kept model`);
    return run.resolved.model.load(fitted.modelDir, modelEnv(run.parts.dataset.info, run.root, t));
  }

  /**
   * Generation t: compose, fit, sample, evaluate, commit, log. Returns its history row. What it
   * finishes is kept in its checkpoint folder until it commits, so a stopped run goes on from
   * there: the fitted model (`fitted`, its report then given as `keptReport`), every sample batch
   * (a journal), every metric's values. Any failure once a stop is requested is the stop.
   */
  private async generation(t: number, model: GenerativeModel, run: RunState, keptReport: FitReport | null): Promise<MetricRow> {
    try {
      return await this.generationSteps(t, model, run, keptReport);
    } catch (error) {
      if (run.signal.aborted && !(error instanceof RunInterrupted)) throw new RunInterrupted(run.folder.root, t, run.signal.reason);
      throw error;
    }
  }

  private async generationSteps(t: number, model: GenerativeModel, run: RunState, keptReport: FitReport | null): Promise<MetricRow> {
    const { config, folder, parts } = run;
    const stopIfAborted = async () => {
      // Yielding a macrotask lets signal handlers run even when every await resolved at once.
      await yieldToEventLoop();
      if (run.signal.aborted) throw new RunInterrupted(folder.root, t, run.signal.reason);
    };
    await stopIfAborted();
    const began = performance.now();
    const rng = run.root.fork('generation', t);
    const partial = folder.partialGenerationDir(t);
    const work = folder.checkpointDir(t);
    mkdirSync(partial, { recursive: true });
    mkdirSync(work, { recursive: true });
    discardDamagedCheckpoints(folder.root, work, t, (line) => parts.trackers.note(line));
    const steps = new StepLog(join(work, 'steps.jsonl'));
    const ctx = (phase: string): RunContext =>
      runContext({
        generation: t,
        rng: rng.fork(phase),
        backend: run.backend,
        signal: run.signal,
        checkpointDir: join(work, phase),
        ...(t > 0 && { previousModelDir: join(folder.generationDir(t - 1), 'model') }),
        progress: (fraction, detail) => parts.trackers.progress(t, phase, fraction, detail),
        log: (scalars, step) => {
          steps.append(step, scalars);
          parts.trackers.logSteps(t, step, scalars);
        },
      });

    const train = t === 0 ? new TrainingSet([{ name: 'real', store: run.real.train }]) : await this.compose(t, rng, partial, run);
    writeTrainingSetManifest(partial, train, folder.root, (dir) => dir.replace(partial, folder.generationDir(t)));

    let fit = keptReport;
    if (!fit) {
      const budget = budgetFor(t, config.train);
      const report = budget.steps === 0 ? {} : await model.fit(train, budget, ctx('fit'));
      await stopIfAborted();
      await checkpointStore.save(join(work, FITTED), 0, report, (dir) => model.save(dir));
      fit = report;
    }

    const samples = await this.sample(model, run, work, ctx('sample'), stopIfAborted);
    const preview = await samplePreview(run.real.test, samples, parts.dataset.info, t);
    if (preview) writeFileAtomic(join(partial, 'samples.png'), preview);

    const row: MetricRow = { generation: t };
    const metricValues = new MetricValues(join(work, 'metric-values.json'));
    for (const [i, { id, entry, metric, extractor }] of parts.metrics.entries()) {
      if (t % entry.every !== 0 && t !== config.generations) continue;
      const key = `${i}:${id}`;
      const kept = metricValues.get(key);
      if (kept) {
        Object.assign(row, kept);
        continue;
      }
      const phase = `metric-${id}`;
      const reference = run.real[entry.reference];
      const input: MetricInput = {
        reference,
        referenceSplit: entry.reference,
        generated: samples,
        model,
        modelId: config.model.id,
        data: parts.dataset.info,
        features: async () => ({
          extractor: extractor.id,
          reference: await run.features.reference(extractor, entry.reference, reference, ctx(phase)),
          generated: await run.features.ofGeneration(extractor, t, samples, work, ctx(phase)),
        }),
      };
      const values = await metric.compute(input, ctx(phase));
      await stopIfAborted();
      checkFiniteValues(values, { generation: t, source: `metric ${id}`, experiment: run.resolved });
      metricValues.keep(key, values);
      Object.assign(row, values);
    }
    if (fit.trainLoss !== undefined) {
      checkFiniteValues({ train_loss: fit.trainLoss }, { generation: t, source: 'the fit', experiment: run.resolved });
      row.train_loss = fit.trainLoss;
    }
    const curation = await this.curate(t, model, run, samples, work, ctx('curate'));
    await stopIfAborted();
    if (curation) {
      parts.trackers.note(`generation ${t}: curator ${curation.curator} ${curation.reason}`);
      row.curated_fraction = curation.kept / curation.drawn;
      for (const [key, value] of Object.entries(curation.stats)) row[`curator_${key}`] = value;
      checkFiniteValues(row, { generation: t, source: `curator ${curation.curator}`, experiment: run.resolved });
    }
    row.seconds = (performance.now() - began) / 1000;
    // The checkpoint folder keeps every part until the commit: a failure from here on (a full disk,
    // a kill) loses nothing, and resume assembles the generation again.
    writeJsonAtomic(join(partial, 'metrics.json'), row);
    linkTree(keptFit(folder, t)!.modelDir, join(partial, 'model'));
    linkTree(samples.dir, join(partial, 'samples'));
    if (curation) {
      linkTree(join(work, CURATED_DIR), join(partial, CURATED_DIR));
      linkTree(join(work, CURATION_FILE), join(partial, CURATION_FILE));
    }
    if (existsSync(steps.path)) linkTree(steps.path, join(partial, 'steps.jsonl'));
    writeChecksums(partial);
    commitDir(partial, folder.generationDir(t));
    folder.removeCheckpoint(t);
    run.synthetic[t] = trainingSamples(folder.generationDir(t));
    run.files.appendHistory(row);
    parts.trackers.log(row, t);
    if (preview) parts.trackers.logImage('samples', preview, t);
    return row;
  }

  /** The curator's pass over generation t's samples (generation 0's model is the verifier); null when it leaves them as drawn. */
  private async curate(t: number, model: GenerativeModel, run: RunState, samples: SampleStore, work: string, ctx: RunContext): Promise<CurationRecord | null> {
    const { curator, codec, schedule } = run.parts;
    const loaded: { verifier?: GenerativeModel } = {};
    try {
      return await curateSamples(run.resolved.curator.id, curator, {
        generation: t,
        samples,
        needed: schedule.samplesNeeded(run.real.train.count),
        real: run.real.train,
        verifier: async () => {
          if (t === 0) return model;
          loaded.verifier ??= await run.resolved.model.load(join(run.folder.generationDir(0), 'model'), modelEnv(run.parts.dataset.info, run.root, 0));
          return loaded.verifier;
        },
        codec,
        ctx,
      }, work);
    } finally {
      loaded.verifier?.dispose();
    }
  }

  private compose(t: number, rng: Rng, partial: string, run: RunState): Promise<TrainingSet> {
    const { dataset } = run.parts;
    return run.parts.schedule.compose({
      generation: t,
      real: run.real.train,
      synthetic: run.synthetic,
      rng: rng.fork('mix'),
      drawFreshReal: (n) =>
        writeChunks(join(partial, 'fresh-real'), { ...dataset.info, labelled: dataset.info.classes !== undefined }, dataset.fresh!(n, rng.fork('fresh-real'))),
    });
  }

  /**
   * Draws this generation's samples into a store of the dataset's storage dtype (the codec
   * decodes model space), so real and generated segments always mix. A class-conditional model on
   * labelled data gets labels drawn from the real training labels, stored with the samples.
   */
  private async sample(model: GenerativeModel, run: RunState, work: string, ctx: RunContext, stopIfAborted: () => Promise<void>): Promise<SampleStore> {
    const { codec, dataset } = run.parts;
    const count = run.sampleCount;
    const dir = join(work, 'samples');
    if (SampleStore.exists(dir) && SampleStore.open(dir).count === count) return SampleStore.open(dir);
    const labels = model.conditional && run.real.train.labelled ? await drawLabels(run.real.train, count, ctx.rng.fork('labels')) : undefined;
    const writer = SampleJournal.open(dir, join(work, 'samples-journal.json'), { ...dataset.info, labelled: labels !== undefined }, (line) => run.parts.trackers.note(line));
    const kept = writer.written;
    const fromKept = model.samplesFrom === true && kept > 0;
    if (kept > 0) run.parts.trackers.note(`generation ${ctx.generation}: ${kept} of ${count} samples were kept when the run stopped; drawing the rest`);
    // Samples the model yields from `position` on; those below `kept` are already in the store.
    let position = fromKept ? kept : 0;
    for await (const batch of model.sample(count, ctx, { ...(labels ? { labels } : {}), ...(fromKept ? { from: kept } : {}) })) {
      let values;
      try {
        values = await codec.decode(batch);
        checkSampleChunk(codec.discrete ? await batch.data() : values, { generation: ctx.generation, from: position, dims: codec.dims, experiment: run.resolved });
      } finally {
        batch.dispose();
      }
      const start = position;
      position += values.length / codec.dims;
      if (position > writer.written) {
        const from = writer.written;
        writer.append(start < from ? values.subarray((from - start) * codec.dims) : values, labels?.subarray(from, position));
        ctx.progress(writer.written / count, `${writer.written}/${count} samples`);
      }
      await stopIfAborted();
    }
    if (writer.written !== count) throw new Error(`model.sample(${count}) produced ${writer.written} samples`);
    return writer.close();
  }
}

/** Labels for `count` samples, drawn with replacement from the real training set's labels. */
async function drawLabels(real: SampleStore, count: number, rng: Rng): Promise<Int32Array> {
  const all = await real.readLabels(0, real.count);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = all[rng.int(all.length)]!;
  return out;
}

/** Generation t's budget: `train.initial` (t = 0) or `train.retrain` over the shared fields; a length given there replaces the shared one. */
export function budgetFor(t: number, train: ExperimentConfig['train']): TrainBudget {
  const { warmStart: _warmStart, initial, retrain, checkpointEvery, ...shared } = train;
  const own: BudgetConfig = (t === 0 ? initial : retrain) ?? {};
  const length = own.steps !== undefined || own.epochs !== undefined ? { steps: own.steps, epochs: own.epochs } : { steps: shared.steps, epochs: shared.epochs };
  const batchSize = own.batchSize ?? shared.batchSize;
  return {
    ...(length.steps !== undefined ? { steps: length.steps } : {}),
    ...(length.epochs !== undefined ? { epochs: length.epochs } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    checkpointEvery,
  };
}

/** Where a generation's finished fit is kept (a checkpoint store: the saved model and the fit's report, with checksums). */
const FITTED = 'fitted';

interface KeptFit {
  readonly modelDir: string;
  readonly report: FitReport;
}

/** The finished fit generation t's checkpoint folder keeps, or null (none, or damaged: discarded and fitted again). */
function keptFit(folder: RunFolder, t: number): KeptFit | null {
  try {
    const latest = checkpointStore.latest<FitReport>(join(folder.checkpointDir(t), FITTED));
    return latest ? { modelDir: latest.stateDir, report: latest.position } : null;
  } catch (error) {
    if (error instanceof DamagedCheckpoint) return null;
    throw error;
  }
}

/** The samples later generations train on: the curated ones when the generation was curated. */
function trainingSamples(generationDir: string): SampleStore {
  const curated = join(generationDir, CURATED_DIR);
  return SampleStore.open(existsSync(curated) ? curated : join(generationDir, 'samples'));
}
