import type { ResolvedExperiment } from '@ouroboros/core';

/**
 * The experiment with `--threads` as its `threads`, over the config's: an execution setting, so
 * the cell id and the run's identity (run.json) stay as they are; config.json records it.
 */
export function withThreads(resolved: ResolvedExperiment, threads: number | undefined): ResolvedExperiment {
  return threads === undefined ? resolved : { ...resolved, config: { ...resolved.config, threads } };
}
