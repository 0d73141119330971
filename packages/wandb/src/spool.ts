import { writeFileAtomic } from '@ouroboros/core';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseWandbJson, wandbJson } from './wandb-json.ts';

/** A file uploaded before the rows that name it: `name` on W&B, `source` relative to the run folder. */
export interface SpoolFile {
  readonly name: string;
  readonly source: string;
}

/** The UpsertBucket input of a run: everything W&B is told about it but its rows. */
export interface RunDescription {
  /** The W&B run id (8 characters of [a-z0-9] unless $WANDB_RUN_ID said otherwise). */
  readonly name: string;
  readonly project: string;
  readonly entity?: string;
  readonly displayName: string;
  readonly groupName?: string;
  readonly jobType: string;
  readonly tags: readonly string[];
  readonly notes?: string;
  /** W&B's wrapped form: {"lr": {"value": 0.001}}. */
  readonly config: Record<string, { value: unknown }>;
  readonly host: string;
  readonly program: string;
  readonly sweep?: string;
}

/** What a history row is, for restoring the step clock; W&B never sees it. */
export type RowRole = 'generation' | 'train' | 'media';

/**
 * One journal entry. History rows carry their `_step` as counted in this journal (`step`) and
 * their `_runtime` since the journal's first session; the sender adds the server's offsets when
 * the run already had rows there.
 */
export type SpoolRecord =
  /** `createdAt`: run.json's, of the folder's run that wrote it (absent in journals of older versions). */
  | { readonly kind: 'start'; readonly run: RunDescription; readonly baseUrl: string; readonly createdAt?: string }
  | { readonly kind: 'history'; readonly role: RowRole; readonly generation: number; readonly step: number; readonly row: Record<string, unknown>; readonly files?: readonly SpoolFile[] }
  | { readonly kind: 'output'; readonly line: string }
  | { readonly kind: 'files'; readonly files: readonly SpoolFile[] }
  | { readonly kind: 'finish'; readonly exitCode: number };

export type HistoryRecord = Extract<SpoolRecord, { kind: 'history' }>;

/** A journal entry not yet acknowledged, with its line index in the W&B file it goes to. */
export interface PendingRecord {
  readonly record: SpoolRecord;
  /** Index among the journal's history rows (history records only). */
  readonly historyIndex: number;
  /** Index among the journal's output lines (output records only). */
  readonly outputIndex: number;
}

/** What the server said when the journal first reached it: where its rows start. */
export interface ServerRun {
  readonly entity: string;
  readonly project: string;
  readonly name: string;
  readonly bucketId: string;
  /** Lines and `_step`/`_runtime` the run already had on the server before this journal. */
  readonly historyBase: number;
  readonly outputBase: number;
  readonly stepBase: number;
  readonly runtimeBase: number;
  /** The summary the server had before this journal. */
  readonly summary: Record<string, unknown>;
  /** The last run description sent, re-sent before leftovers of an earlier process. */
  readonly run: RunDescription;
}

interface SpoolState {
  readonly version: 1;
  /** Journal records delivered, in order: the first `acked` records never need sending again. */
  readonly acked: number;
  readonly server?: ServerRun;
  /** Last value of every key over the acknowledged rows (W&B's default summary), server offsets applied. */
  readonly summary: Record<string, unknown>;
}

export const SPOOL_DIR = 'wandb';
export const SPOOL_JOURNAL = 'spool.jsonl';
const STATE = 'state.json';
const LOCK = 'sender.lock';

/**
 * The on-disk journal of a run's W&B traffic, in the run folder: `wandb/spool.jsonl` (append only,
 * one record a line, written before anything is sent) and `wandb/state.json` (how many records the
 * server acknowledged, and where the run's rows start on the server). Sending replays the records
 * after the acknowledged ones in order with offsets computed from the journal, so a resend after
 * a crash or a lost answer lands on the same lines: every row reaches the server exactly once.
 * No credential is ever written here.
 */
export class Spool {
  /** Every record not yet acknowledged, oldest first. */
  readonly pending: PendingRecord[] = [];
  private state: SpoolState;
  private count = 0;
  private historyCount = 0;
  private outputCount = 0;
  private lockHeld = false;

  private constructor(readonly dir: string) {
    this.state = { version: 1, acked: 0, summary: {} };
  }

  /** The run folder the journal belongs to (file sources are relative to it). */
  get runDir(): string {
    return dirname(this.dir);
  }

  get server(): ServerRun | undefined {
    return this.state.server;
  }

  get records(): number {
    return this.count;
  }

  get acked(): number {
    return this.state.acked;
  }

  get summary(): Record<string, unknown> {
    return this.state.summary;
  }

  static exists(runDir: string): boolean {
    return existsSync(join(runDir, SPOOL_DIR, SPOOL_JOURNAL));
  }

  /**
   * Opens (or creates) `runDir/wandb/`: drops a line torn by a crash, then hands every record to
   * `visit` in order (to restore counters) and keeps the unacknowledged ones in `pending`.
   */
  static open(runDir: string, visit: (record: SpoolRecord) => void = () => {}): Spool {
    const spool = new Spool(join(runDir, SPOOL_DIR));
    mkdirSync(spool.dir, { recursive: true });
    const statePath = join(spool.dir, STATE);
    if (existsSync(statePath)) {
      try {
        const saved = parseWandbJson(readFileSync(statePath, 'utf8')) as Partial<SpoolState>;
        spool.state = { version: 1, acked: saved.acked ?? 0, summary: saved.summary ?? {}, ...(saved.server ? { server: saved.server } : {}) };
      } catch (error) {
        throw new Error(`${statePath}: not valid JSON (${(error as Error).message.split('\n')[0]}); expected the W&B spool state`);
      }
    }
    const journal = join(spool.dir, SPOOL_JOURNAL);
    if (!existsSync(journal)) return spool;
    let text = readFileSync(journal, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) {
      truncateSync(journal, Buffer.byteLength(text.slice(0, end)));
      text = text.slice(0, end);
    }
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let record: SpoolRecord;
      try {
        record = parseWandbJson(line) as SpoolRecord;
      } catch {
        continue; // cannot happen after the torn tail is gone, short of a damaged disk
      }
      visit(record);
      spool.track(record);
    }
    return spool;
  }

  /** Writes a record at the end of the journal (synchronously: it is on disk when this returns). */
  append(record: SpoolRecord): void {
    appendFileSync(join(this.dir, SPOOL_JOURNAL), `${wandbJson(record)}\n`);
    this.track(record);
  }

  /** The first `n` pending records reached the server; `summary` is the summary it now holds. */
  ack(n: number, summary: Record<string, unknown>, server: ServerRun | undefined = this.state.server): void {
    this.pending.splice(0, n);
    this.state = { version: 1, acked: this.state.acked + n, summary, ...(server ? { server } : {}) };
    this.saveState();
  }

  /** Records the server's answer about where the run starts, before anything of this journal is acknowledged there. */
  setServer(server: ServerRun): void {
    this.state = { ...this.state, server };
    this.saveState();
  }

  /**
   * Makes this process the journal's only sender (a run and `ouro wandb sync` must not send at
   * once). False when another live process holds it; a lock left by a dead process is taken over.
   */
  lock(): boolean {
    const path = join(this.dir, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        writeSync(fd, String(process.pid));
        closeSync(fd);
        this.lockHeld = true;
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(readFileSync(path, 'utf8').trim());
        if (holder !== process.pid && isAlive(holder)) return false;
        unlinkSync(path);
      }
    }
    return false;
  }

  /** Deletes the whole journal (records, state, media, this process's lock): the folder's run it mirrored was replaced. */
  discard(): void {
    this.lockHeld = false;
    rmSync(this.dir, { recursive: true, force: true });
  }

  unlock(): void {
    if (!this.lockHeld) return;
    this.lockHeld = false;
    try {
      unlinkSync(join(this.dir, LOCK));
    } catch {
      // already gone
    }
  }

  /** Written as W&B's JSON (NaN kept), atomically. */
  private saveState(): void {
    writeFileAtomic(join(this.dir, STATE), `${wandbJson(this.state)}\n`);
  }

  private track(record: SpoolRecord): void {
    const entry = { record, historyIndex: this.historyCount, outputIndex: this.outputCount };
    if (record.kind === 'history') this.historyCount++;
    if (record.kind === 'output') this.outputCount++;
    if (this.count >= this.state.acked) this.pending.push(entry);
    this.count++;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
