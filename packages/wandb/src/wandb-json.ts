const NON_FINITE = '\u0000nonfinite:';

/**
 * One JSON line as W&B's Python client writes it: like JSON.stringify, but NaN, Infinity and
 * -Infinity stay the bare tokens NaN, Infinity, -Infinity (Python's json default), so a diverged
 * loss shows as NaN in W&B instead of a silent null.
 */
export function wandbJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `${NON_FINITE}${String(v)}` : v));
  return text.replace(/"\\u0000nonfinite:(NaN|Infinity|-Infinity)"/g, '$1');
}

/** Reads a line written by wandbJson (or the Python client) back: the bare non-finite tokens become numbers again. */
export function parseWandbJson(line: string): unknown {
  // Bare tokens appear only where a value starts: after ':', '[' or ','; never inside a string.
  const quoted = line.replace(/("(?:[^"\\]|\\.)*")|(-?Infinity|NaN)/g, (match, string: string | undefined) => (string !== undefined ? string : `"\\u0000nonfinite:${match}"`));
  return JSON.parse(quoted, (_key, v: unknown) => (typeof v === 'string' && v.startsWith(NON_FINITE) ? Number(v.slice(NON_FINITE.length)) : v));
}
