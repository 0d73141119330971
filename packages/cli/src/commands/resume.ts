import { RetrainingEngine } from '@ouroboros/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigForRun } from '../config-loading.ts';
import { stopOnSigint } from '../interrupt.ts';

/** `ouro resume DIR`: continues after the last committed generation with the run's saved config and backend. */
export async function resumeCommand(dir: string, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const configPath = join(dir, 'config.json');
  if (!existsSync(configPath)) throw new Error(`${dir}: no config.json; expected a run folder written by 'ouro run'`);
  const { config, container } = await loadConfigForRun(configPath, []);
  const interrupt = stopOnSigint(stderr);
  try {
    const result = await container.resolve(RetrainingEngine).run(config, dir, { resume: true, interactive: Boolean(process.stderr.isTTY), signal: interrupt.signal });
    stdout.write(`${join(result.dir, 'history.jsonl')}\n`);
    return 0;
  } finally {
    interrupt.release();
  }
}
