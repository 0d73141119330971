/**
 * Top-level config fields that say how a run computes, not what it computes: they are left out of
 * the cell id and of the comparison a run folder makes with a new run or resume, so `--threads 1`
 * and `--threads 8` of one config land in the same folder and a resume may use another count.
 */
export const executionKeys = ['threads'] as const;

/** The config without its execution settings: what identifies an experiment. */
export function withoutExecutionSettings(config: unknown): unknown {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return config;
  const identity: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const key of executionKeys) delete identity[key];
  return identity;
}
