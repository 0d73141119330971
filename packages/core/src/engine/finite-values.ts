import type { ResolvedExperiment } from '../config/load-config.ts';

/** sqrt(float32 max) ≈ 1.8e19: a sample value beyond it overflows float32 once squared, as every loss and distance squares it. */
export const SAMPLE_VALUE_LIMIT = Math.sqrt(3.4028234663852886e38);

/** The values of a chunk that no later step can use: not finite, or beyond ±SAMPLE_VALUE_LIMIT. */
export interface UnusableValues {
  readonly count: number;
  /** Index of the first one. */
  readonly first: number;
  readonly value: number;
}

/** Counts values that are not finite or whose magnitude exceeds `limit`; null when there are none. */
export function unusableValues(values: ArrayLike<number>, limit = SAMPLE_VALUE_LIMIT): UnusableValues | null {
  let count = 0;
  let first = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Math.abs(v) <= limit) continue;
    if (count++ === 0) first = i;
  }
  return count === 0 ? null : { count, first, value: values[first]! };
}

/**
 * `check model.bandwidth = 1e+300 (the model option most likely at fault)`: the model plugin's
 * unstable options with their values, those the config sets when it sets any.
 */
export function suspectOptions(experiment: Pick<ResolvedExperiment, 'model' | 'user'>): string {
  const { model } = experiment;
  const declared = (model.plugin.unstableOptions ?? []).filter((key) => key in model.options);
  const written = (experiment.user.model ?? {}) as Record<string, unknown>;
  const set = declared.filter((key) => key in written);
  const named = set.length > 0 ? set : declared;
  if (named.length === 0) return `check the model's options (model.*) and its training (train.*, lr)`;
  const listed = named.map((key) => `model.${key} = ${show(model.options[key])}`).join(', ');
  return `check ${listed} (the model ${named.length === 1 ? 'option' : 'options'} most likely at fault)`;
}

/**
 * Throws when a chunk of generation `generation`'s samples (model space, `dims` values a sample,
 * the first being sample `from`) holds a value that is not finite or overflows float32 once squared.
 */
export function checkSampleChunk(values: ArrayLike<number>, where: { generation: number; from: number; dims: number; experiment: Pick<ResolvedExperiment, 'model' | 'user'> }): void {
  const bad = unusableValues(values);
  if (!bad) return;
  const rows = values.length / where.dims;
  const sample = where.from + Math.floor(bad.first / where.dims);
  throw new Error(
    `generation ${where.generation}: the model sampled ${show(Number(bad.value.toPrecision(3)))} (sample ${sample}; ${bad.count} of ${values.length} values of samples ${where.from}..${where.from + rows - 1} are not finite or beyond ±1.8e19, where float32 squares overflow); ${suspectOptions(where.experiment)}`,
  );
}

/** Throws when a metric (or the fit's training loss) of generation `generation` is not finite: such a number is never recorded. */
export function checkFiniteValues(values: Record<string, number>, where: { generation: number; source: string; experiment: Pick<ResolvedExperiment, 'model' | 'user'> }): void {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'number' && Number.isFinite(value)) continue;
    throw new Error(`generation ${where.generation}: ${where.source}: ${key} = ${show(value)}; expected a finite number: ${suspectOptions(where.experiment)}`);
  }
}

function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
