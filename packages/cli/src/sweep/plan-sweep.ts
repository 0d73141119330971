import { applySetOverride, cellId, ConfigError, createFolder, expandSweep, whyNoFolder, writeJsonAtomic, type ExperimentConfig } from '@ouroboros/core';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkSetSyntax, readConfigPath, resolveForRun } from '../config-loading.ts';
import { configPlugins, type PluginAccess } from '../plugin-loading/plugin-access.ts';
import { describeValues } from './axis-label.ts';
import { cellState } from './cell-state.ts';
import { readSweep, SWEEP_FILE, sweepFilePath, writeSweep, type SweepFile } from './sweep-file.ts';

/** A cell whose config resolved: its id is the short hash of the resolved config, as for `ouro run`. */
export interface PlannedCell {
  readonly index: number;
  readonly id: string;
  readonly values: Record<string, unknown>;
  readonly origin: string;
  /** The config as written (paths absolute): what the cell's worker resolves again. */
  readonly user: Record<string, unknown>;
  readonly config: ExperimentConfig;
}

export interface PlannedSweep {
  readonly name: string;
  readonly source: string;
  readonly sets: readonly string[];
  readonly axes: readonly string[];
  readonly cells: readonly PlannedCell[];
}

/**
 * Reads a sweep config, applies `--set` overrides to it, expands it into cells and resolves every
 * cell against the plugins, so a bad value in any cell fails before anything runs (the error names
 * the cell). Two cells with the same resolved config are an error.
 */
export async function planSweep(path: string, sets: readonly string[], note: (message: string) => void = () => {}, access: PluginAccess = configPlugins): Promise<PlannedSweep> {
  checkSetSyntax(sets);
  let raw = readConfigPath(path);
  for (const assignment of sets) raw = applySetOverride(raw, assignment);
  let plan;
  try {
    plan = expandSweep(raw);
  } catch (error) {
    if (error instanceof ConfigError && !error.message.startsWith('--set')) throw new ConfigError(`${path}: ${error.message}`);
    throw error;
  }
  const baseDir = dirname(resolve(path));
  // Every cell shares the base config's notes (an earlier key name, say): each is said once.
  const said = new Set<string>();
  const noteOnce = (message: string) => {
    if (!said.has(message)) note(message);
    said.add(message);
  };
  const cells: PlannedCell[] = [];
  const byId = new Map<string, PlannedCell>();
  for (const [index, cell] of plan.cells.entries()) {
    const { resolved } = await resolveForRun(cell.config, `${path} (cell ${index}: ${describeValues(cell.values)})`, baseDir, [], noteOnce, access);
    const planned: PlannedCell = { index, id: cellId(resolved.config), values: cell.values, origin: cell.origin, user: resolved.user, config: resolved.config };
    const twin = byId.get(planned.id);
    if (twin) {
      throw new ConfigError(
        `${path}: cell ${index} (${describeValues(cell.values)}, from ${cell.origin}) has the same resolved config as cell ${twin.index} (${describeValues(twin.values)}); expected distinct cells: drop one with exclude or change the include`,
      );
    }
    byId.set(planned.id, planned);
    cells.push(planned);
  }
  return { name: cells[0]?.config.name ?? 'experiment', source: resolve(path), sets, axes: plan.axes, cells };
}

/** Whether any cell names plugin packages or modules (`packages:`). */
export function namesPlugins(planned: PlannedSweep): boolean {
  return planned.cells.some((cell) => cell.config.packages.length > 0);
}

/**
 * Writes the plan into the sweep folder (checked by prepareSweepDir): each cell's config as
 * `cells/<id>.json` and `sweep.json`, keeping the record of earlier SLURM submissions.
 */
export function writePlan(dir: string, planned: PlannedSweep, previous: SweepFile | null): SweepFile {
  mkdirSync(join(dir, 'cells'), { recursive: true });
  for (const cell of planned.cells) writeJsonAtomic(join(dir, 'cells', `${cell.id}.json`), cell.user);
  const sweep: SweepFile = {
    format: 'ouroboros.sweep',
    version: 1,
    name: planned.name,
    source: planned.source,
    sets: planned.sets,
    plannedAt: new Date().toISOString(),
    axes: planned.axes,
    cells: planned.cells.map((cell) => {
      const state = cellState(join(dir, cell.id));
      return {
        index: cell.index,
        id: cell.id,
        values: cell.values,
        origin: cell.origin,
        config: `cells/${cell.id}.json`,
        status: state.status,
        ...(state.exitCode !== undefined ? { exitCode: state.exitCode } : {}),
        ...(state.error ? { error: state.error } : {}),
      };
    }),
    slurm: previous?.slurm ?? [],
  };
  writeSweep(dir, sweep);
  return sweep;
}

/** Creates the sweep folder or checks that it is empty or this sweep's; returns its sweep.json, if any. */
export function prepareSweepDir(dir: string, name: string): SweepFile | null {
  if (!existsSync(dir)) {
    try {
      createFolder(dir);
    } catch (error) {
      throw new ConfigError(`--out ${dir}: cannot create the sweep folder: ${whyNoFolder(error)}`);
    }
    return null;
  }
  if (!statSync(dir).isDirectory()) throw new ConfigError(`--out ${dir}: is a file, not a folder; expected a new or empty folder, or this sweep's folder`);
  if (!existsSync(sweepFilePath(dir))) {
    if (readdirSync(dir).length > 0) throw new ConfigError(`--out ${dir}: is not empty and holds no sweep (no ${SWEEP_FILE}); expected a new or empty folder: nothing in it was touched`);
    return null;
  }
  const previous = readSweep(dir);
  if (previous.name !== name) throw new ConfigError(`--out ${dir}: holds the sweep '${previous.name}' (${previous.source}); expected a new folder for the sweep '${name}'`);
  return previous;
}
