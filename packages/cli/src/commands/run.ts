import { cellId, RetrainingEngine, type ExperimentConfig } from '@ouroboros/core';
import { join } from 'node:path';
import { loadConfigForRun } from '../config-loading.ts';
import { backend, bool, flags, positiveInt, setsWithBackend, text, texts } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';
import { configPlugins, installedPluginsUnless } from '../plugin-loading/plugin-access.ts';
import { stopOnSignals } from '../interrupt.ts';
import { runSweepCell } from '../sweep/run-cell.ts';
import { withThreads } from '../threads-option.ts';
import { UsageError } from '../usage-error.ts';

const runFlags = flags({ sweep: text, cell: text, out: text, set: texts, backend, threads: positiveInt, overwrite: bool, 'dry-run': bool, 'allow-plugins': bool });

/** `ouro run CONFIG`: validates everything first, writes nothing for an invalid config. `ouro run --sweep DIR --cell K`: one cell of a sweep. */
export const run = withFlags(runFlags, async ([configPath], given, { stdout, stderr }, values) => {
  const { threads } = given;
  if (given.sweep !== undefined || given.cell !== undefined) {
    if (given.sweep === undefined || given.cell === undefined) throw new UsageError('--sweep DIR and --cell K go together');
    const other = ['out', 'set', 'backend', 'overwrite', 'dry-run'].find((name) => values[name] !== undefined);
    if (configPath !== undefined || other) throw new UsageError(`--sweep runs a cell as planned; it takes no ${configPath !== undefined ? 'CONFIG' : `--${other}`} (plan the sweep again to change a cell)`);
    return runSweepCell(given.sweep, given.cell, { stdout, stderr }, threads, installedPluginsUnless(given['allow-plugins'], 'ouro run --sweep'));
  }
  if (configPath === undefined) throw new UsageError("expected 'ouro run CONFIG' or 'ouro run --sweep DIR --cell K', got no CONFIG");
  const access = given['dry-run'] ? installedPluginsUnless(given['allow-plugins'], 'ouro run --dry-run') : configPlugins;
  const { resolved: configured, container } = await loadConfigForRun(configPath, setsWithBackend(given.set, given.backend), (note) => stderr.write(`note: ${note}\n`), access);
  const resolved = withThreads(configured, threads);
  const dir = given.out ?? defaultRunDir(resolved.config);
  if (given['dry-run']) {
    stdout.write(`${JSON.stringify({ runDir: dir, config: resolved.config }, null, 2)}\n`);
    return 0;
  }
  const interrupt = stopOnSignals(stderr);
  try {
    const result = await container
      .resolve(RetrainingEngine)
      .run(resolved, dir, { interactive: Boolean(process.stderr.isTTY), signal: interrupt.signal, overwrite: given.overwrite });
    stdout.write(`${join(result.dir, 'history.jsonl')}\n`);
    return 0;
  } finally {
    interrupt.release();
  }
});

/** runs/<name>/<cell-id>: the same resolved config always lands in the same folder. */
export function defaultRunDir(config: ExperimentConfig): string {
  return join('runs', config.name, cellId(config));
}
