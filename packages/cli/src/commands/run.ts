import { cellId, RetrainingEngine, type ExperimentConfig } from '@ouroboros/core';
import { join } from 'node:path';
import { loadConfigForRun } from '../config-loading.ts';
import { stopOnSignals } from '../interrupt.ts';

export interface RunArgs {
  configPath: string;
  out?: string;
  sets: string[];
  backend?: string;
  dryRun: boolean;
}

/** `ouro run CONFIG`: validates everything first, writes nothing for an invalid config. */
export async function runCommand(args: RunArgs, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const sets = args.backend ? [...args.sets, `backend=${args.backend}`] : args.sets;
  const { resolved, container } = await loadConfigForRun(args.configPath, sets);
  const dir = args.out ?? defaultRunDir(resolved.config);
  if (args.dryRun) {
    stdout.write(`${JSON.stringify({ runDir: dir, config: resolved.config }, null, 2)}\n`);
    return 0;
  }
  const interrupt = stopOnSignals(stderr);
  try {
    const result = await container.resolve(RetrainingEngine).run(resolved, dir, { interactive: Boolean(process.stderr.isTTY), signal: interrupt.signal });
    stdout.write(`${join(result.dir, 'history.jsonl')}\n`);
    return 0;
  } finally {
    interrupt.release();
  }
}

/** runs/<name>/<cell-id>: the same resolved config always lands in the same folder. */
export function defaultRunDir(config: ExperimentConfig): string {
  return join('runs', config.name, cellId(config));
}
