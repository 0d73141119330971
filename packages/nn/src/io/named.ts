/** Values by name, as a Map or a plain record (`tf.variableGrads` gives the latter). */
export type Named<T> = ReadonlyMap<string, T> | Readonly<Record<string, T>>;

export function namedEntries<T>(named: Named<T>): Array<[string, T]> {
  return named instanceof Map ? [...(named as ReadonlyMap<string, T>)] : Object.entries(named as Readonly<Record<string, T>>);
}

/** `a, b, c and 4 more`: a short list of names for a one-line error. */
export function listNames(names: readonly string[], shown = 5): string {
  const quoted = names.slice(0, shown).map((n) => `'${n}'`).join(', ');
  return names.length > shown ? `${quoted} and ${names.length - shown} more` : quoted;
}

/** The entries as a Map, failing when a name comes twice. */
export function uniqueNames<T>(entries: Iterable<readonly [string, T]>, what: string): Map<string, T> {
  const out = new Map<string, T>();
  for (const [name, value] of entries) {
    if (out.has(name)) throw new Error(`${what}: parameter '${name}' is listed twice`);
    out.set(name, value);
  }
  return out;
}

/** Fails unless `given` holds exactly the `expected` names. */
export function checkSameNames(given: ReadonlyMap<string, unknown>, expected: readonly string[], what: string): void {
  const missing = expected.filter((name) => !given.has(name));
  if (missing.length > 0) throw new Error(`${what}: missing ${listNames(missing)}`);
  const known = new Set(expected);
  const unexpected = [...given.keys()].filter((name) => !known.has(name));
  if (unexpected.length > 0) throw new Error(`${what}: unexpected ${listNames(unexpected)}`);
}
