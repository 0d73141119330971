import 'reflect-metadata';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject, injectable } from 'tsyringe';
import { selectBackend } from '../backend/select-backend.ts';
import { canonicalJson } from '../config/cell-id.ts';
import { ConfigError } from '../config/config-error.ts';
import type { ExperimentConfig } from '../config/experiment-config.ts';
import type { Dataset, DataInfo } from '../contracts/dataset.ts';
import type { GenerativeModel, ModelEnv, ModelPlugin } from '../contracts/model.ts';
import type { Metric } from '../contracts/metric.ts';
import type { RunContext } from '../contracts/run-context.ts';
import type { MixingSchedule } from '../contracts/schedule.ts';
import type { MetricRow, Tracker } from '../contracts/tracker.ts';
import { PluginRegistry } from '../registry/plugin-registry.ts';
import { Rng } from '../rng/rng.ts';
import { commitDir, writeJsonAtomic } from '../store/atomic-write.ts';
import { SampleStore } from '../store/sample-store.ts';
import { TrainingSet } from '../store/training-set.ts';
import { writeTrainingSetManifest } from '../store/training-set-manifest.ts';
import { TrackerGroup } from '../trackers/tracker-group.ts';
import { RunFolder } from './run-folder.ts';
import { samplePreview } from './sample-preview.ts';
import { writeSplit } from './write-split.ts';

export interface RunOptions {
  /** Continue after the last committed generation instead of refusing a non-empty folder. */
  readonly resume?: boolean;
  /** Show live progress (a TTY); plain lines otherwise. */
  readonly interactive?: boolean;
  /** Trackers added to the config's, e.g. a test's recorder. */
  readonly extraTrackers?: readonly Tracker[];
  /** Aborting stops the run at the next safe point; committed generations stay, resume goes on. */
  readonly signal?: AbortSignal;
}

/** Thrown when a run stops because its signal was aborted. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
  constructor(
    readonly dir: string,
    readonly generation: number,
  ) {
    super(`interrupted during generation ${generation}; generations before it are committed; continue with 'ouro resume ${dir}'`);
  }
}

export interface RunResult {
  readonly dir: string;
  readonly history: MetricRow[];
}

/** The plugins a config names, built for one run. */
interface RunParts {
  dataset: Dataset;
  modelPlugin: ModelPlugin;
  modelOptions: unknown;
  schedule: MixingSchedule;
  metrics: Array<{ id: string; metric: Metric }>;
  trackers: TrackerGroup;
}

/** What every generation of one run shares. */
interface RunState {
  readonly config: ExperimentConfig;
  readonly folder: RunFolder;
  readonly parts: RunParts;
  readonly root: Rng;
  readonly real: SampleStore;
  readonly test: SampleStore;
  /** `synthetic[k]`: generation k's committed samples; grows as generations commit. */
  readonly synthetic: SampleStore[];
  readonly sampleCount: number;
  readonly backend: string;
  readonly signal: AbortSignal | undefined;
}

/**
 * The self-consuming loop: generation 0 trains on real data; generation t trains on the mixing
 * schedule's set, samples, is evaluated against held-out real data and is committed atomically.
 * Every random draw is forked from the seed by (purpose, generation), so resuming after
 * generation k gives exactly the numbers of an uninterrupted run.
 */
@injectable()
export class RetrainingEngine {
  constructor(@inject(PluginRegistry) private readonly registry: PluginRegistry) {}

  async run(config: ExperimentConfig, runDir: string, options: RunOptions = {}): Promise<RunResult> {
    const folder = new RunFolder(runDir);
    const committed = this.checkFolder(folder, config, options.resume ?? false);
    const backend = await selectBackend(config.backend);
    const root = Rng.from(config.seed, 'experiment');
    const parts = this.build(config, runDir, options);
    const start = committed.length;
    const history: MetricRow[] = committed.map((t) => folder.readMetrics(t));
    const modelEnv = (t: number): ModelEnv => ({ data: parts.dataset.info, rng: root.fork('model-init', t) });

    folder.ensure();
    folder.removePartials();
    await parts.trackers.start({
      name: config.name,
      dir: runDir,
      config: JSON.parse(canonicalJson(config)) as Record<string, unknown>,
      generations: config.generations,
      startGeneration: start,
      backend: backend.tfBackend,
    });
    let model: GenerativeModel | null = null;
    let exitCode = 1;
    try {
      const real = await this.realStore(folder.realTrainDir, parts.dataset, 'train', root);
      const test = await this.realStore(folder.realTestDir, parts.dataset, 'test', root);
      const sampleCount = this.sampleCount(config, parts.schedule, real.count);
      const synthetic = committed.map((t) => SampleStore.open(join(folder.generationDir(t), 'samples')));
      if (start > config.generations) {
        parts.trackers.note(`all ${config.generations + 1} generations are already committed; nothing to do`);
      } else if (start > 0) {
        model = await parts.modelPlugin.load(join(folder.generationDir(start - 1), 'model'), parts.modelOptions, modelEnv(start));
        parts.trackers.note(`resuming after generation ${start - 1}`);
      }

      const run: RunState = { config, folder, parts, root, real, test, synthetic, sampleCount, backend: backend.tfBackend, signal: options.signal };
      for (let t = start; t <= config.generations; t++) {
        if (model === null || !config.train.warmStart) {
          model?.dispose();
          model = parts.modelPlugin.create(parts.modelOptions, modelEnv(t));
        }
        history.push(await this.generation(t, model, run));
      }
      exitCode = 0;
      return { dir: runDir, history };
    } catch (error) {
      if (error instanceof RunInterrupted) exitCode = 130;
      throw error;
    } finally {
      model?.dispose();
      await parts.trackers.finish(exitCode);
    }
  }

  /** Generation t: compose, fit, save, sample, evaluate, commit, log. Returns its history row. */
  private async generation(t: number, model: GenerativeModel, run: RunState): Promise<MetricRow> {
    const { config, folder, parts } = run;
    // Yielding a macrotask lets signal handlers (Ctrl-C) run even when every await resolved at once.
    const stopIfAborted = async () => {
      await yieldToEventLoop();
      if (run.signal?.aborted) throw new RunInterrupted(folder.root, t);
    };
    await stopIfAborted();
    const began = performance.now();
    const rng = run.root.fork('generation', t);
    const partial = folder.partialGenerationDir(t);
    const ctx = (phase: string): RunContext => ({
      generation: t,
      rng: rng.fork(phase),
      backend: run.backend,
      progress: (fraction, detail) => parts.trackers.progress(t, phase, fraction, detail),
      ...(run.signal ? { signal: run.signal } : {}),
    });

    const train =
      t === 0
        ? new TrainingSet([{ label: 'real', store: run.real }])
        : await parts.schedule.compose({
            generation: t,
            real: run.real,
            synthetic: run.synthetic,
            rng: rng.fork('mix'),
            drawFreshReal: (n) => writeSplit(join(partial, 'fresh-real'), parts.dataset.info, parts.dataset.fresh!(n, rng.fork('fresh-real'))),
          });
    mkdirSync(partial, { recursive: true });
    writeTrainingSetManifest(partial, train, folder.root, (dir) => dir.replace(partial, folder.generationDir(t)));

    const fit = await model.fit(train, config.train, ctx('fit'));
    await stopIfAborted();
    await model.save(join(partial, 'model'));

    const samples = await this.sample(model, run.sampleCount, join(partial, 'samples'), parts.dataset.info, ctx('sample'));
    await stopIfAborted();
    const preview = await samplePreview(run.test, samples, parts.dataset.info);
    if (preview) writeFileSync(join(partial, 'samples.png'), preview);
    const row: MetricRow = { generation: t };
    for (const { id, metric } of parts.metrics) {
      const input = { real: run.test, generated: samples, model, modelId: config.model.id, data: parts.dataset.info };
      Object.assign(row, await metric.compute(input, ctx(`metric-${id}`)));
    }
    if (fit.trainLoss !== undefined) row.train_loss = fit.trainLoss;
    row.seconds = (performance.now() - began) / 1000;
    writeJsonAtomic(join(partial, 'metrics.json'), row);

    commitDir(partial, folder.generationDir(t));
    run.synthetic[t] = SampleStore.open(join(folder.generationDir(t), 'samples'));
    parts.trackers.log(row, t);
    if (preview) parts.trackers.logImage('samples', preview, t);
    return row;
  }

  /** Refuses a folder that holds another config's run; returns the generations already committed. */
  private checkFolder(folder: RunFolder, config: ExperimentConfig, resume: boolean): number[] {
    const committed = folder.committedGenerations();
    if (!existsSync(folder.configPath)) {
      if (committed.length > 0) throw new ConfigError(`${folder.root}: holds generations but no config.json; expected a run folder written by ouro`);
      return [];
    }
    const saved = readFileSync(folder.configPath, 'utf8');
    if (canonicalJson(JSON.parse(saved)) !== canonicalJson(config)) {
      throw new ConfigError(`${folder.root}: already holds a run of a different config; expected an empty folder, or 'ouro resume ${folder.root}'`);
    }
    if (committed.length > config.generations && !resume) {
      throw new ConfigError(`${folder.root}: already holds this config's finished run (generations 0..${config.generations}); expected an empty folder: choose another --out`);
    }
    if (committed.length > 0 && !resume) {
      throw new ConfigError(`${folder.root}: already holds ${committed.length} committed generation(s) of this config; continue it with 'ouro resume ${folder.root}'`);
    }
    return committed.filter((t) => t <= config.generations);
  }

  private build(config: ExperimentConfig, runDir: string, options: RunOptions): RunParts {
    const { dataset: datasetEntry, model: modelEntry, schedule: scheduleEntry } = config;
    const resolvedDataset = this.registry.resolve('dataset', datasetEntry, 'dataset');
    const dataset = resolvedDataset.plugin.create(resolvedDataset.options, { baseDir: process.cwd() });
    const resolvedModel = this.registry.resolve('model', modelEntry, 'model');
    const resolvedSchedule = this.registry.resolve('schedule', scheduleEntry, 'schedule');
    const schedule = resolvedSchedule.plugin.create(resolvedSchedule.options, { canDrawFresh: typeof dataset.fresh === 'function' });
    const trackers = config.trackers.map((entry, i) => {
      const resolved = this.registry.resolve('tracker', entry, `trackers.${i}`);
      return { id: entry.id, tracker: resolved.plugin.create(resolved.options, { runDir, interactive: options.interactive ?? false }) };
    });
    for (const [i, tracker] of (options.extraTrackers ?? []).entries()) trackers.push({ id: `extra-${i}`, tracker });
    const group = new TrackerGroup(trackers);
    const metrics = config.metrics.map((entry, i) => {
      const resolved = this.registry.resolve('metric', entry, `metrics.${i}`);
      return { id: entry.id, metric: resolved.plugin.create(resolved.options, { data: dataset.info, note: (m: string) => group.note(m) }) };
    });
    return { dataset, modelPlugin: resolvedModel.plugin, modelOptions: resolvedModel.options, schedule, metrics, trackers: group };
  }

  private sampleCount(config: ExperimentConfig, schedule: MixingSchedule, realCount: number): number {
    const needed = schedule.samplesNeeded(realCount);
    const count = config.sampling.count ?? Math.max(realCount, needed);
    if (count < needed) {
      throw new ConfigError(`sampling.count = ${count}: the schedule draws ${needed} samples per generation; expected at least ${needed}`);
    }
    return count;
  }

  /** The real split, written once into the run folder so every generation reads the same data. */
  private async realStore(dir: string, dataset: Dataset, split: 'train' | 'test', root: Rng): Promise<SampleStore> {
    if (SampleStore.exists(dir)) return SampleStore.open(dir);
    return writeSplit(dir, dataset.info, dataset.split(split, root.fork('dataset', split)));
  }

  private async sample(model: GenerativeModel, count: number, dir: string, data: DataInfo, ctx: RunContext): Promise<SampleStore> {
    const writer = SampleStore.create(dir, { dtype: 'float32', sampleShape: data.sampleShape });
    for await (const batch of model.sample(count, ctx)) {
      const values = await batch.data();
      batch.dispose();
      writer.append(values instanceof Float32Array ? values : Float32Array.from(values));
      ctx.progress(writer.written / count, `${writer.written}/${count} samples`);
    }
    if (writer.written !== count) throw new Error(`model.sample(${count}) produced ${writer.written} samples`);
    return writer.close();
  }
}

/** Resolves after pending I/O and signal callbacks have had their turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
