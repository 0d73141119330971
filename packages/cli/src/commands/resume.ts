import { RetrainingEngine, type RunMarker } from '@ouroboros/core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveForRun } from '../config-loading.ts';
import { stopOnSignals } from '../interrupt.ts';
import { bool, flags, positiveInt } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';
import { installedPluginsUnless } from '../plugin-loading/plugin-access.ts';
import { withThreads } from '../threads-option.ts';

const resumeFlags = flags({ threads: positiveInt, 'allow-plugins': bool });

/**
 * `ouro resume DIR`: continues after the last committed generation (or from a mid-fit checkpoint)
 * with the config the run was started with, as its user wrote it, resolved by today's plugins;
 * `--threads` may differ from the first run's.
 */
export const resume = withFlags(resumeFlags, async ([dir], { threads, 'allow-plugins': allowPlugins }, { stdout, stderr }) => {
  const marker = readMarker(dir!);
  const { resolved: configured, container } = await resolveForRun(marker.config, join(dir!, 'run.json'), resolve(dir!), [], undefined, installedPluginsUnless(allowPlugins, 'ouro resume'));
  const resolved = withThreads(configured, threads);
  const interrupt = stopOnSignals(stderr);
  try {
    const result = await container.resolve(RetrainingEngine).run(resolved, dir!, { resume: true, interactive: Boolean(process.stderr.isTTY), signal: interrupt.signal });
    stdout.write(`${join(result.dir, 'history.jsonl')}\n`);
    return 0;
  } finally {
    interrupt.release();
  }
});

/** The run marker of a run folder, with errors naming what is wrong. */
export function readMarker(dir: string): RunMarker {
  if (!existsSync(dir)) throw new Error(`${dir}: no such folder; expected a run folder written by 'ouro run'`);
  if (!statSync(dir).isDirectory()) throw new Error(`${dir}: is a file; expected a run folder written by 'ouro run'`);
  const path = join(dir, 'run.json');
  if (!existsSync(path)) throw new Error(`${dir}: no run.json; expected a run folder written by 'ouro run'`);
  try {
    const marker = JSON.parse(readFileSync(path, 'utf8')) as RunMarker;
    if (marker.format !== 'ouroboros.run' || typeof marker.config !== 'object') throw new Error(`format ${JSON.stringify(marker.format)}`);
    return marker;
  } catch (error) {
    throw new Error(`${path}: not a run marker (${(error as Error).message.split('\n')[0]}); expected the run.json ouro writes`);
  }
}
