import { cellId, ConfigError, readConfigFile, RetrainingEngine } from '@ouroboros/core';
import { dirname, join } from 'node:path';
import type { Streams } from '../commands.ts';
import { resolveForRun } from '../config-loading.ts';
import { stopOnSignals } from '../interrupt.ts';
import type { PluginAccess } from '../plugin-loading/plugin-access.ts';
import { withThreads } from '../threads-option.ts';
import { cellState } from './cell-state.ts';
import { findCell, readSweep, sweepFilePath } from './sweep-file.ts';
import { sweepExecutors } from './sweep-executors.ts';

/**
 * `ouro run --sweep DIR --cell K`: runs one planned cell in DIR/<cell-id>, what every sweep worker
 * and SLURM array task does. A finished cell is left as it is; an interrupted or failed one goes on
 * from its last committed generation (the engine's resume); the sweep's name is the runs' group.
 * `threads` (the worker's `--threads`) goes over the cell's config; it leaves the cell id as it is.
 */
export async function runSweepCell(dir: string, key: string, { stdout, stderr }: Streams, threads: number | undefined, access: PluginAccess): Promise<number> {
  const sweep = readSweep(dir);
  const cell = findCell(sweep, key, dir);
  const runDir = join(dir, cell.id);
  for (const executor of sweepExecutors()) executor.cellStarted(dir, cell.id, process.env);
  // The W&B grid sweep of the sweep, for the wandb tracker (its `sweep` option or an explicit $WANDB_SWEEP_ID go first).
  if (sweep.wandbSweep !== undefined) process.env.WANDB_SWEEP_ID ??= sweep.wandbSweep;
  if (cellState(runDir).status === 'finished') {
    stderr.write(`cell ${cell.index} (${cell.id}) of sweep ${sweep.name} is already finished; nothing to do\n`);
    stdout.write(`${join(runDir, 'history.jsonl')}\n`);
    return 0;
  }
  const configPath = join(dir, cell.config);
  const { resolved: configured, container } = await resolveForRun(readConfigFile(configPath), configPath, dirname(configPath), [], (note) => stderr.write(`note: ${note}\n`), access);
  const resolved = withThreads(configured, threads);
  const id = cellId(resolved.config);
  if (id !== cell.id) {
    throw new ConfigError(
      `${configPath}: now resolves to cell id ${id}, but ${sweepFilePath(dir)} planned it as ${cell.id} (a plugin's defaults changed since); plan the sweep again: 'ouro sweep ${sweep.source} --out ${dir}'`,
    );
  }
  const interrupt = stopOnSignals(stderr);
  try {
    const result = await container
      .resolve(RetrainingEngine)
      .run(resolved, runDir, { resume: true, group: sweep.name, interactive: Boolean(process.stderr.isTTY), signal: interrupt.signal });
    stdout.write(`${join(result.dir, 'history.jsonl')}\n`);
    return 0;
  } finally {
    interrupt.release();
  }
}
