import { RetrainingEngine, type RunMarker } from '@ouroboros/core';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveForRun } from '../config-loading.ts';
import { stopOnSignals } from '../interrupt.ts';

/**
 * `ouro resume DIR`: continues after the last committed generation (or from a mid-fit checkpoint)
 * with the config the run was started with, as its user wrote it, resolved by today's plugins.
 */
export async function resumeCommand(dir: string, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const markerPath = join(dir, 'run.json');
  if (!existsSync(markerPath)) throw new Error(`${dir}: no run.json; expected a run folder written by 'ouro run'`);
  let marker: RunMarker;
  try {
    marker = JSON.parse(readFileSync(markerPath, 'utf8')) as RunMarker;
  } catch (error) {
    throw new Error(`${markerPath}: not valid JSON (${(error as Error).message.split('\n')[0]}); expected the run marker ouro writes`);
  }
  const { resolved, container } = await resolveForRun(marker.config, markerPath, resolve(dir));
  const interrupt = stopOnSignals(stderr);
  try {
    const result = await container.resolve(RetrainingEngine).run(resolved, dir, { resume: true, interactive: Boolean(process.stderr.isTTY), signal: interrupt.signal });
    stdout.write(`${join(result.dir, 'history.jsonl')}\n`);
    return 0;
  } finally {
    interrupt.release();
  }
}
