import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { writeAll, writingTo } from '../store/atomic-write.ts';
import { processIsRunning } from '../store/process-running.ts';

const LOCK_FILE = 'run.lock';
/** How long a lock file without a readable holder is taken to be still being written by a live process. */
const WRITE_GRACE_MS = 5_000;
/** How long to wait between two looks at a lock file whose holder is being written. */
const POLL_MS = 25;
const ATTEMPTS = 1_000;

/** Who holds a run folder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The kernel's boot id: a pid from before a reboot is not the same process. */
  readonly bootId: string;
  readonly startedAt: string;
}

/** Seams for tests that force an interleaving of two processes. */
export interface LockHooks {
  /** How long an unreadable lock file counts as being written; default 5 s. */
  readonly graceMs?: number;
  /** Runs after a lock was judged stale and before it is taken over. */
  readonly beforeTakeover?: () => void;
}

/** A look at the lock file: its holder (null: empty or being written), its text, and what tells this file from a later one. */
interface LockSighting {
  readonly holder: LockHolder | null;
  readonly text: string;
  /** Inode and modification time in ns: an inode number alone is reused as soon as a lock is deleted. */
  readonly identity: string;
  readonly mtimeMs: number;
}

/**
 * One process per run folder. `run.lock` is created exclusively (O_EXCL) and names its holder. A lock
 * left by a process that no longer runs (same host: its pid is gone or the machine rebooted since)
 * is stale and taken over by an atomic rename of that very file aside: the taker checks that what
 * it moved is the file it judged stale (inode, mtime, text) and puts back anything else, then
 * competes for a fresh exclusive create like everyone else, so of two takers exactly one gets in
 * (the one interleaving left needs a third process to create the lock in the instant between a
 * mistaken move and its undo). A lock file still empty or half-written is given `WRITE_GRACE_MS`
 * for its writer to finish; a `run.lock` that is not an ouroboros lock at all is never touched.
 */
export class RunLock {
  private constructor(
    private readonly path: string,
    private readonly identity: string,
  ) {}

  static acquire(dir: string, hooks: LockHooks = {}): RunLock {
    const path = join(dir, LOCK_FILE);
    const graceMs = hooks.graceMs ?? WRITE_GRACE_MS;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const mine = createLock(path);
      if (mine !== null) return new RunLock(path, mine);
      const seen = sight(path);
      if (seen === null) continue; // released in between
      if (seen.holder === null) {
        if (!isOurs(seen.text)) {
          throw new ConfigError(`${path}: not a lock ouroboros wrote (${JSON.stringify(seen.text.slice(0, 40))}); expected none or an ouro run lock: move the file away, ouro never deletes it`);
        }
        if (Date.now() - seen.mtimeMs < graceMs) {
          sleep(POLL_MS);
          continue;
        }
      } else if (!isStale(seen.holder)) {
        const { holder } = seen;
        throw new ConfigError(
          `${dir}: in use by process ${holder.pid} on ${holder.host} since ${holder.startedAt} (${LOCK_FILE}); expected one ouro process per run folder: wait for it to finish or stop it`,
        );
      }
      hooks.beforeTakeover?.();
      // a taker that lost the move waits before competing again, so another loser's undo of a
      // mistaken move (microseconds) is over before it tries to create the lock
      if (!moveAsideIfStill(path, seen)) sleep(POLL_MS);
    }
    throw new ConfigError(`${path}: another process keeps taking the run lock; expected one ouro process per run folder`);
  }

  /** The live process holding `dir`, or null when the folder is free or its holder is gone (a sweep's status). */
  static holder(dir: string): LockHolder | null {
    const holder = sight(join(dir, LOCK_FILE))?.holder ?? null;
    return holder && !isStale(holder) ? holder : null;
  }

  /** Removes the lock if it is still the one this process created. */
  release(): void {
    const seen = sight(this.path);
    if (seen?.identity === this.identity && seen.holder?.pid === process.pid && seen.holder.host === hostname()) unlinkSync(this.path);
  }
}

/** Creates the lock exclusively and writes this process in it; its identity, or null when a lock exists. */
function createLock(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return null;
    throw new Error(`${path}: cannot create the run lock (${(error as Error).message.split('\n')[0]})`);
  }
  const me: LockHolder = { pid: process.pid, host: hostname(), bootId: bootId(), startedAt: new Date().toISOString() };
  try {
    writingTo(path, () => {
      writeAll(fd, Buffer.from(`${JSON.stringify(me)}\n`));
      fsyncSync(fd);
    });
    return identityOf(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Renames the lock aside if it is still the file `stale` saw; true when it was. Another taker may
 * have replaced it since it was judged: a lock moved aside that is another file is linked back
 * (never over a lock created meanwhile), and the caller looks again.
 */
function moveAsideIfStill(path: string, stale: LockSighting): boolean {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false; // another taker moved it first
    throw error;
  }
  const moved = sight(aside);
  const mistaken = moved?.identity !== stale.identity || moved.text !== stale.text;
  if (mistaken) {
    try {
      linkSync(aside, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  unlinkSync(aside);
  return !mistaken;
}

function sight(path: string): LockSighting | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const text = readFileSync(fd, 'utf8');
    return { holder: parseHolder(text), text, identity: identityOf(fd), mtimeMs: fstatSync(fd).mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function identityOf(fd: number): string {
  const { ino, mtimeNs } = fstatSync(fd, { bigint: true });
  return `${ino}:${mtimeNs}`;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder?.pid === 'number' && typeof holder.host === 'string' ? holder : null;
  } catch {
    return null; // being written, or torn by a crash
  }
}

/** Empty, or the start of a holder as `createLock` writes it: a torn ouroboros lock, not a user's file. */
function isOurs(text: string): boolean {
  const start = '{"pid":';
  return text.startsWith(start) || start.startsWith(text);
}

/** A holder on this host that is not running any more, or from before the last reboot. Holders on other hosts are never stale. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  return holder.bootId !== bootId() || !processIsRunning(holder.pid);
}

function bootId(): string {
  const path = '/proc/sys/kernel/random/boot_id';
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : 'unknown';
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
