import { randomBytes } from 'node:crypto';
import { lstatSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { processIsRunning } from './process-running.ts';

/** Scratch folders older than this whose name carries no host (older versions) are taken for abandoned once their pid is gone here. */
const HOSTLESS_SCRATCH_AGE_MS = 3_600_000;
const SCRATCH = /^(.*)\.incoming-(?:(.+)-)?(\d+)-[0-9a-f]{8}(\.partial)?$/;

/** A scratch folder beside `entry` that names the process writing it: `<entry>.incoming-<host>-<pid>-<random>`. */
export function scratchFor(entry: string): string {
  return `${entry}.incoming-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Removes the scratch folders in `dir` (made by `scratchFor`) whose writer is gone: a process of this
 * host that no longer runs (killed while writing). A scratch of another host, or of a live process,
 * is left alone. Returns the names removed.
 */
export function removeAbandonedScratch(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = SCRATCH.exec(name);
    if (!match) continue;
    const [, , host, pid] = match;
    const path = join(dir, name);
    const abandoned = host === undefined ? !processIsRunning(Number(pid)) && Date.now() - lstatSync(path).mtimeMs > HOSTLESS_SCRATCH_AGE_MS : host === hostname() && !processIsRunning(Number(pid));
    if (!abandoned) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Publishes a finished `scratch` folder as the shared cache entry `entry`, unless an intact entry
 * is there already (another process was first: its copy, which runs may be linking, is kept). A
 * damaged entry is moved aside and deleted, and the scratch takes its place; its checksums are the
 * scratch's own, never computed over the damaged copy. Returns whether a damaged entry was replaced.
 */
export function publishCacheEntry(scratch: string, entry: string, intact: (dir: string) => boolean): boolean {
  try {
    renameSync(scratch, entry);
    return false;
  } catch (error) {
    if (intact(entry)) return false;
    const aside = scratchFor(join(dirname(entry), `${basename(entry)}-damaged`));
    try {
      renameSync(entry, aside);
    } catch {
      throw error;
    }
    if (intact(aside)) {
      // Another process replaced the damaged entry between the look and the move: its copy goes back.
      try {
        renameSync(aside, entry);
      } catch {
        // a third copy is in place; this one is removed once this process is gone
      }
      return false;
    }
    rmSync(aside, { recursive: true, force: true });
    renameSync(scratch, entry);
    return true;
  }
}
