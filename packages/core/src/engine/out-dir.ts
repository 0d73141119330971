import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { ConfigError } from '../config/config-error.ts';

/**
 * Makes sure `dir` can hold a run before anything is written: a folder that exists must be a
 * folder, and be empty (but for a run lock) or an ouroboros run folder (it has a run.json); a new one is created, and a
 * failure says why (permission, read-only filesystem, a file in the way) naming the path.
 */
export function prepareRunDir(dir: string, markerPath: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new ConfigError(`--out ${dir}: is a file, not a folder; expected a new or empty folder, or a run folder`);
    if (!existsSync(markerPath) && readdirSync(dir).some((name) => name !== 'run.lock')) {
      throw new ConfigError(`--out ${dir}: is not empty and holds no ouroboros run (no run.json); expected a new or empty folder: nothing in it was touched`);
    }
    return;
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ConfigError(`--out ${dir}: cannot create the run folder: ${reason(error)}`);
  }
}

/** The system's reason in words a user acts on. */
export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'read-only filesystem',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ENOSPC: 'no space left on the device',
    EEXIST: 'a file is in the way',
  };
  return code && words[code] ? `${words[code]} (${code})` : String(error instanceof Error ? error.message : error).split('\n')[0]!;
}
