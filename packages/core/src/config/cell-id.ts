import { createHash } from 'node:crypto';
import { withoutExecutionSettings } from './execution-settings.ts';
import { withFirstNames } from './former-names.ts';

/** JSON with object keys sorted, so equal configs serialize equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Short hash (10 hex digits) of any JSON value, keys in any order. */
export function shortHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 10);
}

/**
 * Short hash of a resolved config without its execution settings (`threads`), under the key names
 * ids were first computed with: the same experiment always lands in the same run folder, whatever
 * it computes with and whatever a key is called today.
 */
export function cellId(config: unknown): string {
  const identity = withoutExecutionSettings(config);
  return shortHash(identity !== null && typeof identity === 'object' && !Array.isArray(identity) ? withFirstNames(identity as Record<string, unknown>) : identity);
}
