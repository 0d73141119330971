import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREATE_RUN_FILES, RUN_RESUME_STATUS, UPSERT_BUCKET, type CreateRunFilesReply, type RunResumeStatusReply, type UpsertBucketReply } from './graphql.ts';
import { withRetry, WandbRequestError, type RetryPolicy } from './retry.ts';
import type { PendingRecord, RunDescription, ServerRun, Spool, SpoolFile, SpoolRecord } from './spool.ts';
import type { RunPath, WandbApi } from './wandb-api.ts';
import { parseWandbJson, wandbJson } from './wandb-json.ts';

export interface SenderOptions {
  /** Milliseconds between two sends while the run goes on (rows logged meanwhile go in one request). */
  readonly flushMs: number;
  /** Milliseconds without a send after which an empty file_stream request says the run is alive. */
  readonly heartbeatMs: number;
  readonly retry: RetryPolicy;
  /** One-line messages for the user (never holding the key). */
  readonly log: (message: string) => void;
  /** Bytes of history and output lines in one file_stream request (W&B takes about 10 MiB). */
  readonly maxBatchBytes?: number;
  /** A line for every retry (`ouro wandb sync`, where the user waits on it), not only when the server stops answering. */
  readonly logEveryRetry?: boolean;
  readonly now?: () => number;
}

const DEFAULT_MAX_BATCH_BYTES = 4 * 1024 * 1024;

/**
 * Replays a Spool to W&B in journal order: a `start` record is a RunResumeStatus (once per
 * journal, to learn where the run's rows start) and an UpsertBucket; the records between two of
 * them go in file_stream requests (files uploaded first through CreateRunFiles and PUT, then named
 * in `uploaded`; `finish` sends complete/exitcode). A record is acknowledged in the spool only once
 * the server answered, and resending uses the same offsets, so nothing is lost or doubled however
 * often a request fails. Failures that can pass are retried with backoff for as long as the policy
 * allows; one that cannot (401, 403, 404, ...) stops the sender and leaves the rest spooled.
 */
export class SpoolSender {
  private readonly stop = new AbortController();
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private closing = false;
  private registered = false;
  private lastSendAt = 0;
  private failing = false;
  private stoppedNoted = false;
  private announced = false;
  /** When the server last took a request (or draining began). */
  private progressAt = 0;
  /** Why sending stopped for good, if it did. */
  failure: Error | null = null;
  /** The last failed attempt, retried or not. */
  lastError: string | null = null;

  constructor(
    private readonly spool: Spool,
    private readonly api: WandbApi,
    private readonly options: SenderOptions,
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Starts sending in the background. */
  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Sends what is left, for at most `timeoutMs` in all and at most `stallMs` without the server
   * taking a request, then stops (aborting a request in flight) and closes the connections.
   * Resolves with the number of records still spooled; never rejects.
   */
  async drain(timeoutMs: number, stallMs = Infinity): Promise<number> {
    this.closing = true;
    this.progressAt = this.now();
    this.start();
    this.wake?.();
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => this.stop.abort(new Error('finish timeout')), timeoutMs) : undefined;
    const watchdog = Number.isFinite(stallMs)
      ? setInterval(() => {
          if (this.now() - this.progressAt >= stallMs) this.stop.abort(new Error(`no progress for ${stallMs / 1000} s`));
        }, Math.min(1000, stallMs))
      : undefined;
    try {
      await this.loop;
    } finally {
      clearTimeout(timer);
      clearInterval(watchdog);
      await this.api.close();
    }
    return this.spool.pending.length;
  }

  private async run(): Promise<void> {
    const signal = this.stop.signal;
    try {
      while (!signal.aborted) {
        if (this.spool.pending.length > 0) await this.sendNext(signal);
        else if (this.closing) return;
        else if (this.registered && this.now() - this.lastSendAt >= this.options.heartbeatMs) await this.heartbeat(signal);
        if (!this.closing) await this.nap(this.options.flushMs, signal);
      }
    } catch (error) {
      if (signal.aborted) return;
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.options.log(`stopped sending (${this.failure.message.split('\n')[0]}); ${this.spool.pending.length} records stay in ${this.spool.dir}: upload them with 'ouro wandb sync ${this.spool.runDir}'`);
    }
  }

  private nap(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  private async sendNext(signal: AbortSignal): Promise<void> {
    const first = this.spool.pending[0]!;
    if (first.record.kind === 'start') {
      await this.register(first.record.run, signal);
      this.spool.ack(1, this.spool.summary);
      return;
    }
    const server = this.spool.server;
    if (!server) throw new Error(`${this.spool.dir}: rows before any run start; the spool is damaged`);
    if (!this.registered) await this.register(server.run, signal);
    await this.sendBatch(this.takeBatch(), this.spool.server!, signal);
  }

  /** Consecutive records up to the next `start`, a `finish` included, within the size limit. */
  private takeBatch(): PendingRecord[] {
    const limit = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    const batch: PendingRecord[] = [];
    let bytes = 0;
    for (const entry of this.spool.pending) {
      const { record } = entry;
      if (record.kind === 'start') break;
      const size = record.kind === 'history' ? JSON.stringify(record.row).length : record.kind === 'output' ? record.line.length : 0;
      if (batch.length > 0 && bytes + size > limit) break;
      bytes += size;
      batch.push(entry);
      if (record.kind === 'finish') break;
    }
    return batch;
  }

  private async sendBatch(batch: PendingRecord[], server: ServerRun, signal: AbortSignal): Promise<void> {
    const path: RunPath = { entity: server.entity, project: server.project, run: server.name };
    const files = batch.flatMap(({ record }) => filesOf(record));
    const uploaded = files.length > 0 ? await this.upload(path, files, signal) : [];
    const history = batch.filter((e) => e.record.kind === 'history');
    const output = batch.filter((e) => e.record.kind === 'output');
    const finish = batch.find((e) => e.record.kind === 'finish')?.record as Extract<SpoolRecord, { kind: 'finish' }> | undefined;
    const lines = history.map(({ record }) => historyLine(record as Extract<SpoolRecord, { kind: 'history' }>, server));
    const summary: Record<string, unknown> = { ...server.summary, ...this.spool.summary };
    for (const line of lines) Object.assign(summary, parseWandbJson(line) as Record<string, unknown>);
    if (lines.length > 0) summary._wandb = { runtime: Math.floor(Number(summary._runtime ?? 0)) };
    const body = {
      files: {
        ...(lines.length > 0 ? { 'wandb-history.jsonl': { offset: server.historyBase + history[0]!.historyIndex, content: lines } } : {}),
        ...(lines.length > 0 ? { 'wandb-summary.json': { offset: 0, content: [wandbJson(summary)] } } : {}),
        ...(output.length > 0 ? { 'output.log': { offset: server.outputBase + output[0]!.outputIndex, content: output.map((e) => (e.record as { line: string }).line) } } : {}),
      },
      ...(uploaded.length > 0 ? { uploaded } : {}),
      ...(finish ? { complete: true, exitcode: finish.exitCode } : {}),
    };
    const reply = await this.retrying(() => this.api.fileStream(path, body, signal), signal);
    this.sent();
    this.spool.ack(batch.length, summary);
    if (reply.stopped && !this.stoppedNoted) {
      this.stoppedNoted = true;
      this.options.log('the run was stopped in the W&B UI; ouroboros goes on training (stop it with Ctrl-C)');
    }
  }

  /** CreateRunFiles for the batch's files, then a PUT of each to its pre-signed URL; returns the names uploaded. */
  private async upload(path: RunPath, files: readonly SpoolFile[], signal: AbortSignal): Promise<string[]> {
    const present = files.filter((file) => {
      if (existsSync(join(this.spool.runDir, file.source))) return true;
      this.options.log(`${join(this.spool.runDir, file.source)}: missing, not uploaded as ${file.name}`);
      return false;
    });
    if (present.length === 0) return [];
    const created = await this.retrying(
      () => this.api.graphql<CreateRunFilesReply>('CreateRunFiles', CREATE_RUN_FILES, { entity: path.entity, project: path.project, run: path.run, files: present.map((f) => f.name) }, signal),
      signal,
    );
    const headers = created.createRunFiles.uploadHeaders ?? [];
    for (const file of present) {
      const target = created.createRunFiles.files.find((f) => f.name === file.name);
      if (!target) throw new WandbRequestError(`W&B CreateRunFiles gave no upload URL for ${file.name}`, true);
      const bytes = readFileSync(join(this.spool.runDir, file.source));
      await this.retrying(() => this.api.upload(target.uploadUrl, headers, bytes, signal), signal);
    }
    return present.map((f) => f.name);
  }

  /** UpsertBucket; the first time a journal reaches the server, RunResumeStatus first says where an existing run's rows end. */
  private async register(run: RunDescription, signal: AbortSignal): Promise<void> {
    const known = this.spool.server;
    let existing: NonNullable<RunResumeStatusReply['model']>['bucket'] = null;
    if (!known) {
      const status = await this.retrying(() => this.api.graphql<RunResumeStatusReply>('RunResumeStatus', RUN_RESUME_STATUS, { project: run.project, entity: run.entity ?? null, name: run.name }, signal), signal);
      existing = status.model?.bucket ?? null;
    }
    const variables = {
      id: known?.bucketId ?? existing?.id ?? null,
      name: run.name,
      project: run.project,
      entity: run.entity ?? null,
      groupName: run.groupName ?? null,
      displayName: run.displayName,
      notes: run.notes ?? null,
      config: JSON.stringify(run.config),
      host: run.host,
      program: run.program,
      jobType: run.jobType,
      tags: run.tags,
      sweep: run.sweep ?? null,
    };
    const reply = await this.retrying(() => this.api.graphql<UpsertBucketReply>('UpsertBucket', UPSERT_BUCKET, variables, signal), signal);
    const bucket = reply.upsertBucket.bucket;
    const where = { entity: bucket.project.entity.name, project: bucket.project.name, name: bucket.name, bucketId: bucket.id, run };
    if (known) this.spool.setServer({ ...known, ...where });
    else {
      const base = existingBase(existing);
      this.spool.setServer({ ...where, ...base });
      if (base.historyBase > 0) this.options.log(`run ${run.name} already has ${base.historyBase} history rows on W&B; continuing at _step ${base.stepBase}`);
    }
    this.registered = true;
    this.sent();
    if (!this.announced) {
      this.announced = true;
      this.options.log(`syncing to ${appUrl(this.api.baseUrl)}/${encodeURIComponent(where.entity)}/${encodeURIComponent(where.project)}/runs/${encodeURIComponent(where.name)}`);
    }
  }

  private async heartbeat(signal: AbortSignal): Promise<void> {
    const server = this.spool.server!;
    await this.retrying(() => this.api.fileStream({ entity: server.entity, project: server.project, run: server.name }, {}, signal), signal);
    this.sent();
  }

  /** withRetry, telling the user once when the server becomes unreachable and once when it is back. */
  private async retrying<T>(attempt: () => Promise<T>, signal: AbortSignal): Promise<T> {
    const result = await withRetry(attempt, this.options.retry, signal, (error, waitMs, retry) => {
      this.lastError = error.message.split('\n')[0]!;
      const wait = (waitMs / 1000).toFixed(1);
      if (this.options.logEveryRetry) {
        const of = Number.isFinite(this.options.retry.maxAttempts) ? ` of ${this.options.retry.maxAttempts - 1}` : '';
        this.options.log(`${this.lastError}; retry ${retry}${of} in ${wait} s`);
      } else if (!this.failing) {
        this.options.log(`${this.lastError}; spooling to ${this.spool.dir} and retrying (next in ${wait} s)`);
      }
      this.failing = true;
    });
    if (this.failing) {
      this.failing = false;
      this.options.log('W&B reachable again; sending the spooled records');
    }
    return result;
  }

  private sent(): void {
    this.lastSendAt = this.now();
    this.progressAt = this.lastSendAt;
  }
}

function filesOf(record: SpoolRecord): readonly SpoolFile[] {
  if (record.kind === 'history') return record.files ?? [];
  if (record.kind === 'files') return record.files;
  return [];
}

/** The wandb-history.jsonl line of a journal row: its values, then `_step`, `_runtime`, `_timestamp`, after the server's earlier rows. */
function historyLine(record: Extract<SpoolRecord, { kind: 'history' }>, server: ServerRun): string {
  const { _runtime, _timestamp, ...values } = record.row;
  return wandbJson({ ...values, _step: server.stepBase + record.step, _runtime: server.runtimeBase + Number(_runtime ?? 0), _timestamp });
}

/** Where this journal's rows go in a run that already exists on the server: after its lines, its last `_step` and runtime. */
function existingBase(bucket: NonNullable<RunResumeStatusReply['model']>['bucket']): Pick<ServerRun, 'historyBase' | 'outputBase' | 'stepBase' | 'runtimeBase' | 'summary'> {
  const historyBase = bucket?.historyLineCount ?? 0;
  const summary = parseObject(bucket?.summaryMetrics) ?? {};
  let last: Record<string, unknown> = {};
  try {
    const tail = JSON.parse(bucket?.historyTail ?? '[]') as string[];
    if (tail.length > 0) last = (parseWandbJson(tail[tail.length - 1]!) as Record<string, unknown>) ?? {};
  } catch {
    // no readable tail: the summary's _step decides
  }
  const lastStep = Number(last._step ?? summary._step ?? historyBase - 1);
  const runtime = Number(last._runtime ?? summary._runtime ?? 0);
  return {
    historyBase,
    outputBase: bucket?.logLineCount ?? 0,
    stepBase: historyBase > 0 && Number.isFinite(lastStep) ? lastStep + 1 : 0,
    runtimeBase: Number.isFinite(runtime) ? runtime : 0,
    summary,
  };
}

function parseObject(text: string | null | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value = parseWandbJson(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The web app of an API server: api.wandb.ai is served at wandb.ai, a self-hosted server at its own address. */
export function appUrl(baseUrl: string): string {
  return baseUrl.replace('://api.', '://');
}
