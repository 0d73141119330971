import { configSlots, mapSlotEntries, slotKeys } from './config-slots.ts';
import { ConfigError } from './config-error.ts';
import { formerTopLevelKeys } from './experiment-config.ts';

/** Every renamed top-level key, earlier name -> current name: the slots' and the others. */
const topLevelRenames: Readonly<Record<string, string>> = {
  ...formerTopLevelKeys,
  ...Object.fromEntries(slotKeys.flatMap((key) => (configSlots[key].formerly ? [[configSlots[key].formerly, key]] : []))),
};

/**
 * The config with every earlier key name (`plugins:`, a metric's `features:`) replaced by its
 * current one, saying so through `note`; a config giving both names of one key is refused.
 */
export function withCurrentNames(raw: Record<string, unknown>, note: (message: string) => void = () => {}): Record<string, unknown> {
  const out = renameKeys(raw, topLevelRenames, '', note);
  for (const key of slotKeys) {
    const renames = configSlots[key].formerEngineKeys;
    if (Object.keys(renames).length === 0 || !(key in out)) continue;
    out[key] = mapSlotEntries(key, out[key], (entry, path) => (isObject(entry) ? renameKeys(entry, renames, `${path}.`, note) : entry));
  }
  return out;
}

/**
 * A resolved config under the key names run ids were first computed with, so renaming a key never
 * moves a run to another folder.
 */
export function withFirstNames(config: Record<string, unknown>): Record<string, unknown> {
  const out = renameKeys(config, invert(topLevelRenames), '', () => {});
  for (const key of slotKeys) {
    const renames = invert(configSlots[key].formerEngineKeys);
    const at = configSlots[key].formerly ?? key;
    if (Object.keys(renames).length === 0 || !(at in out)) continue;
    out[at] = mapSlotEntries(key, out[at], (entry) => (isObject(entry) ? renameKeys(entry, renames, '', () => {}) : entry));
  }
  return out;
}

function renameKeys(object: Record<string, unknown>, renames: Readonly<Record<string, string>>, prefix: string, note: (message: string) => void): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    const current = renames[key];
    if (current === undefined) {
      out[key] = value;
      continue;
    }
    if (current in object) throw new ConfigError(`${prefix}${key} and ${prefix}${current}: both given; expected only ${prefix}${current} (${key} is its earlier name)`);
    note(`${prefix}${key} is now called ${prefix}${current}; the old name still works`);
    out[current] = value;
  }
  return out;
}

function invert(renames: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(renames).map(([from, to]) => [to, from]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
