import { canonicalJson } from '@ouroboros/core';
import { stringify } from 'yaml';
import { UPSERT_SWEEP, type UpsertSweepReply } from './graphql.ts';
import { defaultRetryPolicy, withRetry, type RetryPolicy } from './retry.ts';
import { DEFAULT_PROJECT, type Connection } from './settings.ts';
import { WandbApi } from './wandb-api.ts';

export interface GridSweep {
  /** One entry per cell of the matrix: the value of each parameter that varies, by config path (`schedule.lambda`). */
  readonly cells: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** Name of the sweep in the W&B UI (the ouroboros sweep name). */
  readonly name?: string;
  /** The metric W&B ranks runs by, e.g. { name: 'fd', goal: 'minimize' }. */
  readonly metric?: { readonly name: string; readonly goal: 'minimize' | 'maximize' };
  readonly project?: string;
  readonly entity?: string;
}

/**
 * W&B's sweep config of a matrix: method grid, each parameter's values in the order the cells
 * first use them (`{value: x}` for one value), and a local controller (ouroboros runs the cells
 * itself; W&B only groups them and shows the grid).
 */
export function gridSweepConfig(sweep: GridSweep): Record<string, unknown> {
  const parameters: Record<string, unknown[]> = {};
  const seen: Record<string, Set<string>> = {};
  for (const cell of sweep.cells) {
    for (const [name, value] of Object.entries(cell)) {
      const key = canonicalJson(value);
      const keys = (seen[name] ??= new Set());
      if (keys.has(key)) continue;
      keys.add(key);
      (parameters[name] ??= []).push(value);
    }
  }
  return {
    ...(sweep.name !== undefined ? { name: sweep.name } : {}),
    method: 'grid',
    ...(sweep.metric ? { metric: sweep.metric } : {}),
    parameters: Object.fromEntries(Object.entries(parameters).map(([name, values]) => [name, values.length === 1 ? { value: values[0] } : { values }])),
    controller: { type: 'local' },
    program: 'ouro',
  };
}

/**
 * Registers a matrix as a W&B grid sweep (UpsertSweep, config as YAML) and returns its id. Runs
 * join it through UpsertBucket's `sweep`: give the id as the wandb tracker's `sweep` option or as
 * $WANDB_SWEEP_ID in each cell's environment.
 */
export async function registerGridSweep(sweep: GridSweep, connection: Connection, options: { retry?: RetryPolicy; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<string> {
  if (sweep.cells.length === 0) throw new Error('registerGridSweep: no cells; expected at least one');
  const api = new WandbApi(connection, options.timeoutMs ?? 30_000);
  const signal = options.signal ?? new AbortController().signal;
  try {
    const variables = {
      config: stringify(gridSweepConfig(sweep)),
      description: sweep.name ?? null,
      entityName: sweep.entity ?? null,
      projectName: sweep.project ?? DEFAULT_PROJECT,
    };
    const reply = await withRetry(() => api.graphql<UpsertSweepReply>('UpsertSweep', UPSERT_SWEEP, variables, signal), options.retry ?? defaultRetryPolicy, signal);
    return reply.upsertSweep.sweep.name;
  } finally {
    await api.close();
  }
}
