import { existsSync, readdirSync, statSync } from 'node:fs';
import { ConfigError } from '../config/config-error.ts';
import { createFolder, whyNoFolder } from '../store/create-folder.ts';

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
    createFolder(dir);
  } catch (error) {
    throw new ConfigError(`--out ${dir}: cannot create the run folder: ${whyNoFolder(error)}`);
  }
}
