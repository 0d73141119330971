import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/config-error.ts';
import { writeAll, writingTo } from '../store/atomic-write.ts';

const LOCK_FILE = 'run.lock';

/** Who holds a run folder. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The kernel's boot id: a pid from before a reboot is not the same process. */
  readonly bootId: string;
  readonly startedAt: string;
}

/**
 * One process per run folder: `run.lock` is created exclusively and names its holder. A lock left
 * by a process that no longer runs (same host: its pid is gone or the machine rebooted since) is
 * stale and taken over; a live holder makes a second process fail with a line naming it.
 */
export class RunLock {
  private constructor(private readonly path: string) {}

  static acquire(dir: string): RunLock {
    const path = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${path}: cannot create the run lock (${(error as Error).message.split('\n')[0]})`);
        const holder = readHolder(path);
        if (holder && !isStale(holder)) {
          throw new ConfigError(
            `${dir}: in use by process ${holder.pid} on ${holder.host} since ${holder.startedAt} (${LOCK_FILE}); expected one ouro process per run folder: wait for it to finish or stop it`,
          );
        }
        rmSync(path, { force: true });
        continue;
      }
      const me: LockHolder = { pid: process.pid, host: hostname(), bootId: bootId(), startedAt: new Date().toISOString() };
      try {
        writingTo(path, () => writeAll(fd, Buffer.from(`${JSON.stringify(me)}\n`)));
      } finally {
        closeSync(fd);
      }
      return new RunLock(path);
    }
    throw new ConfigError(`${path}: another process keeps taking the run lock; expected one ouro process per run folder`);
  }

  /** The live process holding `dir`, or null when the folder is free or its holder is gone (a sweep's status). */
  static holder(dir: string): LockHolder | null {
    const holder = readHolder(join(dir, LOCK_FILE));
    return holder && !isStale(holder) ? holder : null;
  }

  /** Removes the lock if it is still ours. */
  release(): void {
    const holder = readHolder(this.path);
    if (holder?.pid === process.pid && holder.host === hostname()) rmSync(this.path, { force: true });
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return null; // being written, or torn by a crash: treated as stale once its writer is gone
  }
}

/** A holder on this host that is not running any more, or from before the last reboot. Holders on other hosts are never stale. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.bootId !== bootId()) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function bootId(): string {
  const path = '/proc/sys/kernel/random/boot_id';
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : 'unknown';
}
