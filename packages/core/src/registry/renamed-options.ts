import { ConfigError } from '../config/config-error.ts';

/**
 * `options` with each earlier option name (a key of `renames`) replaced by its current one, and a
 * note for each replaced; both names of one option given together is refused. `path` prefixes
 * names in the messages (`model`).
 */
export function withCurrentOptionNames(options: Record<string, unknown>, renames: Readonly<Record<string, string>>, path: string): { options: Record<string, unknown>; notes: string[] } {
  const out: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    const current = Object.hasOwn(renames, key) ? renames[key]! : undefined;
    if (current === undefined) {
      out[key] = value;
      continue;
    }
    if (current in options) throw new ConfigError(`${path}.${key} and ${path}.${current}: both given; expected only ${path}.${current} (${key} is its earlier name)`);
    notes.push(`${path}.${key} is now called ${path}.${current}; the old name still works`);
    out[current] = value;
  }
  return { options: out, notes };
}
