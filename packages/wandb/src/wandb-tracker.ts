import { formatRow, RunFolder, type MetricRow, type RunInfo, type Tracker } from '@ouroboros/core';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { imageFile } from './image-file.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
import { wandbRunId } from './run-id.ts';
import type { WandbSettings } from './settings.ts';
import { Spool, SPOOL_DIR, SPOOL_JOURNAL, type RunDescription, type SpoolFile, type SpoolRecord } from './spool.ts';
import { SpoolSender } from './spool-sender.ts';
import { StepClock } from './step-clock.ts';
import { WandbApi } from './wandb-api.ts';

/** The tracker's timing and upload choices, in milliseconds. */
export interface WandbTrackerTimings {
  readonly stepEvery: number;
  readonly stepIntervalMs: number;
  readonly flushMs: number;
  readonly heartbeatMs: number;
  readonly requestTimeoutMs: number;
  readonly finishTimeoutMs: number;
  readonly uploadCheckpoint: boolean;
}

export interface WandbTrackerDeps {
  /** One-line messages for the user; default `wandb: ...` on stderr. */
  readonly log?: (message: string) => void;
  /** Default: W&B's backoff, retried until the run's finish timeout. */
  readonly retry?: RetryPolicy;
  /** Milliseconds since the epoch, for `_runtime`, `_timestamp` and the step rate limit. */
  readonly now?: () => number;
}

/** A generation's row, held until the end of the tick so the sample image the engine logs right after it joins it. */
interface OpenRow {
  readonly generation: number;
  readonly step: number;
  readonly row: Record<string, unknown>;
  readonly files: SpoolFile[];
}

/**
 * Mirrors a run to Weights & Biases. Every call writes to the run's spool (`DIR/wandb/`) at once
 * and returns; in online mode a SpoolSender sends the spool in the background, so a slow or dead
 * server never holds training up: what it cannot take stays spooled and goes out, in order, with
 * the next successful send, or with `ouro wandb sync DIR`. Offline mode only spools.
 */
export class WandbTracker implements Tracker {
  private readonly clock = new StepClock();
  private readonly say: (message: string) => void;
  private readonly now: () => number;
  private spool: Spool | null = null;
  private sender: SpoolSender | null = null;
  private run: RunInfo | null = null;
  private open: OpenRow | null = null;
  private sessionStart = 0;
  private runtimeBase = 0;
  private lastTrainRowAt = -Infinity;
  /** generation -> the last training step sent as a row (restored from the journal). */
  private readonly lastTrainRow = new Map<number, number>();
  /** Set once a write to the spool failed (a full disk): from then on nothing more is spooled. */
  private unwritable = false;

  constructor(
    private readonly settings: WandbSettings,
    private readonly timings: WandbTrackerTimings,
    private readonly deps: WandbTrackerDeps = {},
  ) {
    this.say = deps.log ?? ((message) => process.stderr.write(`wandb: ${message}\n`));
    this.now = deps.now ?? Date.now;
  }

  async start(run: RunInfo): Promise<void> {
    if (this.settings.mode === 'disabled') return;
    this.run = run;
    let records: SpoolRecord[] = [];
    let spool = Spool.open(run.dir, (record) => records.push(record));
    const first = records.find((record) => record.kind === 'start');
    if (first?.createdAt !== undefined && first.createdAt !== run.createdAt) {
      // The journal of the run this folder held before --overwrite: its W&B run is not this run's.
      if (!spool.lock()) return this.say(`${spool.dir}: another process is sending the W&B run ${first.run.name} of the run this folder held before (ouro wandb sync?); this run is not mirrored to W&B`);
      this.say(`${spool.dir}: W&B run ${first.run.name} belonged to the run this folder held before --overwrite (${spool.pending.length} records of it never sent, dropped); this run gets a W&B run of its own`);
      spool.discard();
      spool = Spool.open(run.dir);
      records = [];
    }
    let recorded: RunDescription | undefined;
    for (const record of records) {
      this.clock.restore(record);
      if (record.kind === 'history' && record.role === 'train') this.lastTrainRow.set(record.generation, Number(record.row['train/step']));
      if (record.kind === 'history') this.runtimeBase = Math.max(this.runtimeBase, Number(record.row._runtime ?? 0));
      if (record.kind === 'start') recorded ??= record.run;
    }
    this.spool = spool;
    this.sessionStart = this.now();
    const description = this.describe(run, recorded);
    this.append({ kind: 'start', run: description, baseUrl: this.settings.baseUrl, createdAt: run.createdAt });
    if (this.unwritable) return;
    const name = description.name;
    const resumed = run.startGeneration > 0 ? `, resuming at generation ${run.startGeneration}` : '';
    this.output(`run ${run.name} (cell ${run.runId}): generations 0..${run.generations} on ${run.backend}${resumed}`);
    this.backfill(run.startGeneration);

    const sync = `upload it later with 'ouro wandb sync ${run.dir}'`;
    if (this.settings.mode === 'offline') return this.say(`offline: spooling run ${name} to ${spool.dir}; ${sync}`);
    if (!this.settings.apiKey) return this.say(`no API key (set WANDB_API_KEY or run 'wandb login'): spooling run ${name} to ${spool.dir}; ${sync}`);
    if (!spool.lock()) return this.say(`another process is sending ${spool.dir} (ouro wandb sync?): only spooling`);
    this.sender = new SpoolSender(spool, new WandbApi(this.settings, this.timings.requestTimeoutMs), {
      flushMs: this.timings.flushMs,
      heartbeatMs: this.timings.heartbeatMs,
      retry: this.deps.retry ?? { ...defaultRetryPolicy, maxAttempts: Infinity },
      log: this.say,
    });
    this.sender.start();
  }

  log(row: MetricRow, generation: number): void {
    if (!this.spool || !this.run) return;
    this.closeRow();
    this.open = { generation, step: this.clock.generationRow(generation), row: { ...row }, files: [] };
    setImmediate(() => this.closeRow());
    this.output(`gen ${generation}/${this.run.generations} ${formatRow(row)}`);
  }

  logSteps(generation: number, step: number, scalars: Record<string, number>): void {
    if (!this.spool) return;
    this.closeRow();
    const wandbStep = this.clock.trainStep(generation, step);
    if (wandbStep === null || !nextStride(step, this.lastTrainRow.get(generation) ?? -1, this.timings.stepEvery)) return;
    const now = this.now();
    if (step !== 0 && now - this.lastTrainRowAt < this.timings.stepIntervalMs) return;
    this.lastTrainRowAt = now;
    this.lastTrainRow.set(generation, step);
    this.clock.take(wandbStep);
    const row: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(scalars)) row[`train/${key}`] = value;
    this.append({ kind: 'history', role: 'train', generation, step: wandbStep, row: { ...row, 'train/step': step, generation, ...this.times() } });
  }

  logImage(key: string, png: Uint8Array, generation: number): void {
    if (!this.spool) return;
    const own = this.open?.generation === generation ? this.open : null;
    if (!own) this.closeRow();
    const step = own?.step ?? this.clock.extraRow();
    let value;
    try {
      value = imageFile(key, step, png);
    } catch (error) {
      return this.say(`image '${key}' of generation ${generation} not logged: ${(error as Error).message}`);
    }
    const path = join(this.spool.dir, value.path);
    if (!this.spooling(path, () => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, png);
    })) return;
    const file = { name: value.path, source: `${SPOOL_DIR}/${value.path}` };
    if (own) {
      own.row[key] = value;
      own.files.push(file);
    } else {
      this.append({ kind: 'history', role: 'media', generation, step, row: { [key]: value, generation, ...this.times() }, files: [file] });
    }
  }

  note(message: string): void {
    if (!this.spool) return;
    this.closeRow();
    this.output(`note: ${message}`);
  }

  async finish(exitCode: number): Promise<void> {
    const spool = this.spool;
    if (!spool || !this.run) return;
    this.closeRow();
    if (this.timings.uploadCheckpoint && exitCode === 0) this.spoolCheckpoint(this.run.generations);
    this.output(exitCode === 0 ? 'finished' : `stopped with exit code ${exitCode}`);
    this.append({ kind: 'finish', exitCode });
    this.spool = null;
    try {
      if (!this.sender) return;
      const left = await this.sender.drain(this.timings.finishTimeoutMs);
      if (left > 0 && !this.sender.failure) {
        this.say(`${left} records not sent within ${this.timings.finishTimeoutMs / 1000} s; they stay in ${spool.dir}: upload them with 'ouro wandb sync ${this.run.dir}'`);
      }
    } finally {
      spool.unlock();
    }
  }

  /**
   * The UpsertBucket input: names, group (option, else sweep name, else $WANDB_RUN_GROUP), tags and
   * the resolved config wrapped as W&B wants it. A run folder stays bound to the W&B run its
   * journal started with (`recorded`): its id, project and entity win over today's settings.
   */
  private describe(run: RunInfo, recorded: RunDescription | undefined): RunDescription {
    const s = this.settings;
    const name = recorded?.name ?? s.runId ?? wandbRunId(run);
    const project = recorded?.project ?? s.project;
    const entity = recorded ? recorded.entity : s.entity;
    const elsewhere = recorded !== undefined && ((s.runId !== undefined && s.runId !== name) || project !== s.project || entity !== s.entity);
    if (elsewhere) {
      this.say(`this run folder mirrors to W&B run ${entity ?? '(default entity)'}/${project}/${name}; other WANDB_RUN_ID, project or entity settings are ignored for it`);
    }
    const group = s.group ?? run.group ?? s.envGroup;
    return {
      name,
      project,
      ...(entity !== undefined ? { entity } : {}),
      displayName: s.name ?? `${run.name}-${run.runId}`,
      ...(group !== undefined ? { groupName: group } : {}),
      jobType: s.jobType,
      tags: s.tags,
      ...(s.notes !== undefined ? { notes: s.notes } : {}),
      config: wrapConfig(run.config),
      host: hostname(),
      program: 'ouro',
      ...(s.sweep !== undefined ? { sweep: s.sweep } : {}),
    };
  }

  /** Rows of generations committed before this process whose rows the journal lacks (a crash between commit and journal, or a mode that was disabled). */
  private backfill(startGeneration: number): void {
    const folder = new RunFolder(this.run!.dir);
    for (let g = this.clock.lastGeneration + 1; g < startGeneration; g++) {
      this.log(folder.readMetrics(g), g);
      const png = join(folder.generationDir(g), 'samples.png');
      if (existsSync(png)) this.logImage('samples', readFileSync(png), g);
      this.closeRow();
    }
  }

  /** The last generation's model folder as run files checkpoint/gen-XXX/model/...; uploaded before the finish. */
  private spoolCheckpoint(generation: number): void {
    const folder = new RunFolder(this.run!.dir);
    const model = join(folder.generationDir(generation), 'model');
    if (!existsSync(model)) return;
    const files = listFiles(model).map((path) => ({ name: `checkpoint/${folder.generationName(generation)}/model/${relative(model, path)}`, source: relative(this.run!.dir, path) }));
    if (files.length > 0) this.append({ kind: 'files', files });
  }

  private closeRow(): void {
    const open = this.open;
    if (!open) return;
    this.open = null;
    this.append({ kind: 'history', role: 'generation', generation: open.generation, step: open.step, row: { ...open.row, ...this.times() }, ...(open.files.length ? { files: open.files } : {}) });
  }

  private output(text: string): void {
    this.append({ kind: 'output', line: `${outputTimestamp(this.now())} ${text}` });
  }

  private append(record: SpoolRecord): void {
    const spool = this.spool;
    if (spool) this.spooling(join(spool.dir, SPOOL_JOURNAL), () => spool.append(record));
  }

  /**
   * Runs a write to the spool; the first that fails (ENOSPC, EIO) is said in one line and ends
   * spooling for this run, which goes on: what was spooled before stays for the sender and sync.
   */
  private spooling(path: string, write: () => void): boolean {
    if (this.unwritable) return false;
    try {
      write();
      return true;
    } catch (error) {
      this.unwritable = true;
      const code = (error as NodeJS.ErrnoException).code;
      this.say(`${path}: cannot write${code ? ` (${code})` : ''}: ${String((error as Error).message).split('\n')[0]}; W&B mirroring of this run stops here, the run goes on (what was spooled before stays for 'ouro wandb sync ${this.run?.dir ?? ''}')`);
      return false;
    }
  }

  /** `_runtime` (seconds since the run's first start, over all sessions) and `_timestamp` (unix seconds). */
  private times(): { _runtime: number; _timestamp: number } {
    const now = this.now();
    return { _runtime: this.runtimeBase + (now - this.sessionStart) / 1000, _timestamp: now / 1000 };
  }
}

/**
 * Whether training step `step` starts a new stride of `every` steps after the last one sent
 * (floor(step / every) > floor(last / every)): at most one row per stride, whatever steps the fit
 * reports (every step, or every logEvery-th from 0).
 */
function nextStride(step: number, last: number, every: number): boolean {
  return Math.floor(step / every) > Math.floor(last / every);
}

/** W&B's config form: every top-level key wrapped as {"value": ...}. */
export function wrapConfig(config: Record<string, unknown>): Record<string, { value: unknown }> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, { value }]));
}

/** An output.log timestamp as W&B's clients write it: UTC, microseconds, no zone letter (2024-05-01T10:00:00.123000). */
export function outputTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000`;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}
