/** A value of a sweep axis in words: `0.5`, `two-moons`, `fully-synthetic(lambda=1)`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  const { id, ...rest } = value as Record<string, unknown>;
  const options = Object.entries(rest).map(([key, v]) => `${key}=${formatValue(v)}`);
  if (typeof id === 'string') return options.length ? `${id}(${options.join(', ')})` : id;
  return `{${options.join(', ')}}`;
}

/** `schedule.lambda=0.5 seed=1`: a cell's values. */
export function describeValues(values: Record<string, unknown>): string {
  const words = Object.entries(values).map(([path, value]) => `${path}=${formatValue(value)}`);
  return words.length ? words.join(' ') : '(base config)';
}
