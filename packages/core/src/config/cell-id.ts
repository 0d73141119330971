import { createHash } from 'node:crypto';
import { configSlots, type ConfigSlot } from './config-slots.ts';
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
 * ids were first computed with and without the slots added since that it leaves unused: the same
 * experiment always lands in the same run folder, whatever it computes with, whatever a key is
 * called today and whatever kinds of plugin came since.
 */
export function cellId(config: unknown): string {
  const identity = withoutExecutionSettings(config);
  if (identity === null || typeof identity !== 'object' || Array.isArray(identity)) return shortHash(identity);
  return shortHash(withoutUnusedSlots(withFirstNames(identity as Record<string, unknown>)));
}

/** `config` less every slot that holds its `unusedValue`. */
export function withoutUnusedSlots(config: Record<string, unknown>, slots: Readonly<Record<string, Pick<ConfigSlot, 'unusedValue'>>> = configSlots): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).filter(([key, value]) => {
      const unused = slots[key]?.unusedValue;
      return unused === undefined || canonicalJson(value) !== canonicalJson(unused);
    }),
  );
}
