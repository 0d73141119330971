import { existsSync } from 'node:fs';
import { canonicalJson } from '../config/cell-id.ts';
import { ConfigError } from '../config/config-error.ts';
import { withoutExecutionSettings } from '../config/execution-settings.ts';
import { withCurrentNames } from '../config/former-names.ts';
import { sealMarker, type RunFiles, type RunMarker } from './run-files.ts';
import type { RunFolder } from './run-folder.ts';

/** What a run or resume must match in a folder that already holds a run. */
export interface RunIdentity {
  readonly runId: string;
  readonly name: string;
  readonly user: Record<string, unknown>;
  readonly plugins: Record<string, number>;
  readonly generations: number;
}

/**
 * Checks that `folder` may take this run and returns the generations already committed. A folder
 * holding another config's run, or one made with other plugin versions, is refused; compatibility
 * is judged on the config as the user wrote it, so a new defaulted option does not orphan a run,
 * and without its execution settings (`threads`), which a resume may change.
 */
export function guardRunFolder(folder: RunFolder, files: RunFiles, identity: RunIdentity, mode: { resume: boolean; overwrite: boolean }): number[] {
  const { resume } = mode;
  folder.refuseLinks();
  let marker = files.readMarker();
  if (marker && mode.overwrite) {
    overwritable(folder, files);
    folder.clearRun();
    marker = null;
  }
  const committed = folder.committedGenerations();
  if (!marker) {
    if (committed.length > 0 || existsSync(folder.configPath)) {
      throw new ConfigError(`${folder.root}: holds generations but no run.json (a run of an older ouroboros, or a damaged one); expected a run folder of this version: choose another --out`);
    }
    folder.ensure();
    files.writeMarker(newMarker(identity));
    return [];
  }
  const edited = files.markerProblem(marker);
  if (edited) throw new ConfigError(edited);
  // Execution settings (threads) may differ from one process of a run to the next; keys renamed since the run began are the same key.
  const difference = firstDifference(withoutExecutionSettings(withCurrentNames(marker.config)), withoutExecutionSettings(identity.user));
  if (difference) {
    throw new ConfigError(
      `${folder.root}: holds a run of a different config (${difference.path}: ${show(difference.left)} in the folder, ${show(difference.right)} now); expected the same config, or another --out`,
    );
  }
  const versions = firstDifference(marker.plugins, identity.plugins);
  if (versions) {
    throw new ConfigError(
      `${folder.root}: was made with ${versions.path} at options version ${show(versions.left)}, which is now ${show(versions.right)}; continuing would mix two meanings of its options: start the run again with another --out`,
    );
  }
  if (committed.length > identity.generations && !resume) {
    throw new ConfigError(`${folder.root}: already holds this config's finished run (generations 0..${identity.generations}); expected an empty folder: choose another --out`);
  }
  if (committed.length > 0 && !resume) {
    throw new ConfigError(`${folder.root}: already holds ${committed.length} committed generation(s) of this config; continue it with 'ouro resume ${folder.root}'`);
  }
  return committed.filter((t) => t <= identity.generations);
}

/** Refuses --overwrite unless the folder's run failed or has no committed generation. */
function overwritable(folder: RunFolder, files: RunFiles): void {
  let committed: number;
  try {
    committed = folder.committedGenerations().length;
  } catch {
    committed = 0; // damaged: nothing committed can be trusted, so nothing is lost
  }
  const status = files.readStatus();
  if (committed > 0 && status !== 'failed') {
    throw new ConfigError(
      `--overwrite: ${folder.root} holds ${committed} committed generation(s) of a run that is ${status ?? 'unfinished'}; --overwrite only replaces a failed or empty run: continue it with 'ouro resume ${folder.root}' or choose another --out`,
    );
  }
}

function newMarker(identity: RunIdentity): RunMarker {
  return sealMarker({
    format: 'ouroboros.run',
    version: 2,
    runId: identity.runId,
    name: identity.name,
    createdAt: new Date().toISOString(),
    plugins: identity.plugins,
    config: identity.user,
  });
}

/** The first path (dotted) at which two JSON values differ, or null when they are equal. */
export function firstDifference(left: unknown, right: unknown, path = ''): { path: string; left: unknown; right: unknown } | null {
  if (canonicalJson(left) === canonicalJson(right)) return null;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObject(left) && isObject(right) && Array.isArray(left) === Array.isArray(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const key of keys) {
      const found = firstDifference(left[key], right[key], path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return { path: path || '(config)', left, right };
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
