import { cellId, RetrainingEngine, type ExperimentConfig } from '@ouroboros/core';
import { join } from 'node:path';
import { backendName } from '../backend-option.ts';
import type { CommandRun } from '../commands.ts';
import { loadConfigForRun } from '../config-loading.ts';
import { stopOnSignals } from '../interrupt.ts';

/** `ouro run CONFIG`: validates everything first, writes nothing for an invalid config. */
export const run: CommandRun = async ([configPath], values, { stdout, stderr }) => {
  const backend = backendName(values.backend as string | undefined);
  const sets = [...((values.set as string[] | undefined) ?? []), ...(backend ? [`backend=${backend}`] : [])];
  const { resolved, container } = await loadConfigForRun(configPath!, sets, (note) => stderr.write(`note: ${note}\n`));
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
