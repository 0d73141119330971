import type { ResolvedExperiment } from '@ouroboros/core';
import { positiveInt } from './positive-int-option.ts';

/** A `--threads` value, checked: the threads the native libraries compute on. */
export function threadsOption(value: string | undefined): number | undefined {
  return value === undefined ? undefined : positiveInt('--threads', value);
}

/**
 * The experiment with `--threads` as its `threads`, over the config's: an execution setting, so
 * the cell id and the run's identity (run.json) stay as they are; config.json records it.
 */
export function withThreads(resolved: ResolvedExperiment, threads: number | undefined): ResolvedExperiment {
  return threads === undefined ? resolved : { ...resolved, config: { ...resolved.config, threads } };
}
