import { cellId, RetrainingEngine, type ExperimentConfig } from '@ouroboros/core';
import { join } from 'node:path';
import { backendName } from '../backend-option.ts';
import type { CommandRun } from '../commands.ts';
import { loadConfigForRun } from '../config-loading.ts';
import { configPlugins, installedPluginsUnless } from '../plugin-loading/plugin-access.ts';
import { stopOnSignals } from '../interrupt.ts';
import { runSweepCell } from '../sweep/run-cell.ts';
import { threadsOption, withThreads } from '../threads-option.ts';
import { UsageError } from '../usage-error.ts';

/** `ouro run CONFIG`: validates everything first, writes nothing for an invalid config. `ouro run --sweep DIR --cell K`: one cell of a sweep. */
export const run: CommandRun = async ([configPath], values, { stdout, stderr }) => {
  const threads = threadsOption(values.threads as string | undefined);
  if (values.sweep !== undefined || values.cell !== undefined) {
    if (values.sweep === undefined || values.cell === undefined) throw new UsageError('--sweep DIR and --cell K go together');
    const other = ['out', 'set', 'backend', 'overwrite', 'dry-run'].find((name) => values[name] !== undefined);
    if (configPath !== undefined || other) throw new UsageError(`--sweep runs a cell as planned; it takes no ${configPath !== undefined ? 'CONFIG' : `--${other}`} (plan the sweep again to change a cell)`);
    return runSweepCell(values.sweep as string, values.cell as string, { stdout, stderr }, threads, installedPluginsUnless(values['allow-plugins'], 'ouro run --sweep'));
  }
  if (configPath === undefined) throw new UsageError("expected 'ouro run CONFIG' or 'ouro run --sweep DIR --cell K', got no CONFIG");
  const backend = backendName(values.backend as string | undefined);
  const sets = [...((values.set as string[] | undefined) ?? []), ...(backend ? [`backend=${backend}`] : [])];
  const access = values['dry-run'] ? installedPluginsUnless(values['allow-plugins'], 'ouro run --dry-run') : configPlugins;
  const { resolved: configured, container } = await loadConfigForRun(configPath!, sets, (note) => stderr.write(`note: ${note}\n`), access);
  const resolved = withThreads(configured, threads);
  const dir = (values.out as string | undefined) ?? defaultRunDir(resolved.config);
  if (values['dry-run']) {
    stdout.write(`${JSON.stringify({ runDir: dir, config: resolved.config }, null, 2)}\n`);
    return 0;
  }
  const interrupt = stopOnSignals(stderr);
  try {
    const result = await container
      .resolve(RetrainingEngine)
      .run(resolved, dir, { interactive: Boolean(process.stderr.isTTY), signal: interrupt.signal, overwrite: Boolean(values.overwrite) });
    stdout.write(`${join(result.dir, 'history.jsonl')}\n`);
    return 0;
  } finally {
    interrupt.release();
  }
};

/** runs/<name>/<cell-id>: the same resolved config always lands in the same folder. */
export function defaultRunDir(config: ExperimentConfig): string {
  return join('runs', config.name, cellId(config));
}
