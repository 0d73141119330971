import { canonicalJson } from '@ouroboros/core';
import { defaultRetryPolicy, registerGridSweep, resolveConnection, resolveSettings, wandbOptions, type RetryPolicy, type WandbOptions } from '@ouroboros/wandb';
import type { PlannedSweep } from './plan-sweep.ts';
import type { SweepFile } from './sweep-file.ts';

/** Registration waits at most this long per request and tries three times: planning is not held up by a slow server. */
const REQUEST_TIMEOUT_MS = 10_000;
const RETRY: Partial<RetryPolicy> = { maxAttempts: 3, initialMs: 1000, maxMs: 4000 };

/** The options of the first `wandb` tracker the cells log to, if any does. */
function wandbTracker(planned: PlannedSweep): WandbOptions | null {
  for (const cell of planned.cells) {
    const trackers: ReadonlyArray<Record<string, unknown>> = cell.config.trackers;
    const entry = trackers.find((t) => t.id === 'wandb');
    if (!entry) continue;
    const { id: _id, ...options } = entry;
    const parsed = wandbOptions.safeParse(options);
    if (parsed.success) return parsed.data;
  }
  return null;
}

/**
 * The W&B sweep a sweep's runs join, when its cells log to W&B online: the sweep's matrix is
 * registered as a grid sweep (registerGridSweep: each cell's axis values, a local controller, as
 * ouroboros runs the cells) when it is planned, and each cell's worker gives its runs the id
 * (WANDB_SWEEP_ID). A re-plan of the same cells keeps the id it had; a tracker entry naming its
 * own `sweep`, an offline or disabled tracker or $WANDB_SWEEP_ID leave registration out. Trackers
 * never stop a sweep: a failed registration is a note, and the runs log to W&B without a sweep.
 */
export async function wandbSweepOf(planned: PlannedSweep, previous: SweepFile | null, note: (message: string) => void, environ: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const options = wandbTracker(planned);
  if (!options) return undefined;
  let settings;
  try {
    settings = resolveSettings(options, environ);
  } catch (error) {
    note(`W&B sweep not registered: ${(error as Error).message}`);
    return undefined;
  }
  if (settings.mode !== 'online' || settings.sweep !== undefined) return undefined;
  const sameCells = previous?.wandbSweep !== undefined && canonicalJson(previous.cells.map((c) => c.values)) === canonicalJson(planned.cells.map((c) => c.values));
  if (sameCells) return previous!.wandbSweep;
  try {
    const id = await registerGridSweep(
      { cells: planned.cells.map((c) => c.values), name: planned.name, project: settings.project, ...(settings.entity !== undefined ? { entity: settings.entity } : {}) },
      resolveConnection(options.baseUrl, environ),
      { retry: { ...defaultRetryPolicy, ...RETRY }, timeoutMs: REQUEST_TIMEOUT_MS },
    );
    note(`W&B sweep ${id}: the runs of the ${planned.cells.length} cells join it`);
    return id;
  } catch (error) {
    note(`W&B sweep not registered (${(error as Error).message.split('\n')[0]}); the runs log to W&B without a sweep`);
    return undefined;
  }
}
