import { z } from 'zod';
import type { PluginKind } from '../contracts/plugin.ts';

/** A config entry naming a plugin by id; the plugin's own schema checks the other keys. */
const pluginEntry = z.looseObject({ id: z.string().min(1) });
export type PluginEntry = z.infer<typeof pluginEntry>;

/** The model entry: a plugin entry plus `init`, a checkpoint generation 0 starts from. */
const modelEntry = z.looseObject({
  id: z.string().min(1),
  init: z.string().min(1).optional().describe('Folder of a saved model (`gen-XXX/model` of another run, say); relative to the config file.'),
});

export const metricReferences = ['test', 'train'] as const;

/** A metric entry: a plugin entry plus the settings the engine applies to every metric. */
const metricEntry = z.looseObject({
  id: z.string().min(1),
  every: z.int().min(1).default(1).describe('Evaluate every k-th generation (and always the last).'),
  reference: z.enum(metricReferences).default('test').describe("The real split compared against: held-out `test` data or the training set D (the paper's FID)."),
  extractor: z.string().min(1).optional().describe('Feature extractor id; default `identity` for vectors, `pixels` for images.'),
});
export type MetricEntry = z.infer<typeof metricEntry>;

/**
 * One place in the config that names plugins of one kind: `model: {id, ...}` or `metrics: [{id, ...}]`.
 * The entry's keys other than `id` and `engineKeys` are the plugin's options.
 */
export interface ConfigSlot<S extends z.ZodType = z.ZodType, K extends PluginKind = PluginKind> {
  readonly kind: K;
  /** A list of entries (`metrics: [...]`) or one entry (`model: {...}`). */
  readonly list: boolean;
  /** The schema of the slot's value; plugin options pass through it unchecked (the registry checks them). */
  readonly schema: S;
  /** Keys of an entry that the engine reads itself, kept whatever the plugin. */
  readonly engineKeys: readonly string[];
  /** Engine keys that hold a path, taken relative to the config file. */
  readonly enginePaths: readonly string[];
  /** Earlier names of engine keys, still accepted: `{ features: 'extractor' }`. */
  readonly formerEngineKeys: Readonly<Record<string, string>>;
  /** An earlier name of the slot itself, still accepted. */
  readonly formerly?: string;
  /**
   * For a slot added after run ids were first computed: its value when a config does not use it
   * (`{ id: 'none' }`, say), left out of the run id then, so such configs keep their run folders.
   */
  readonly unusedValue?: unknown;
}

function slot<K extends PluginKind, S extends z.ZodType>(kind: K, schema: S, more: Partial<Omit<ConfigSlot, 'kind' | 'schema'>> = {}): ConfigSlot<S, K> {
  return { kind, schema, list: false, engineKeys: [], enginePaths: [], formerEngineKeys: {}, ...more };
}

/**
 * Every config slot, by its key in the config. Config resolution, path resolution, `--set` and the
 * run identity read this table: a new plugin kind is one row here (plus its contract and token).
 */
export const configSlots = {
  dataset: slot('dataset', pluginEntry),
  model: slot('model', modelEntry, { engineKeys: ['init'], enginePaths: ['init'] }),
  schedule: slot('schedule', pluginEntry),
  extractors: slot('features', z.array(pluginEntry).default([]).describe("Feature extractors with options (weights files, say), named by metrics' `extractor`."), { list: true, formerly: 'features' }),
  metrics: slot('metric', z.array(metricEntry).prefault([{ id: 'fd' }]), { list: true, engineKeys: ['every', 'reference', 'extractor'], formerEngineKeys: { features: 'extractor' } }),
  trackers: slot('tracker', z.array(pluginEntry).default([{ id: 'console' }]), { list: true }),
  curator: slot('curator', pluginEntry.prefault({ id: 'none' }).describe('Acts on each generation\'s samples before the schedule mixes them; `none` by default.'), { unusedValue: { id: 'none' } }),
} as const;

export type SlotKey = keyof typeof configSlots;
export const slotKeys = Object.keys(configSlots) as SlotKey[];

/** The schema fields of every slot, for the experiment schema. */
export const slotShape = Object.fromEntries(slotKeys.map((key) => [key, configSlots[key].schema])) as { [K in SlotKey]: (typeof configSlots)[K]['schema'] };

/** The slot an entry path of a config names (`['model']`, `['metrics', '0']`, or under a slot's earlier name), or null. */
export function slotAt(path: readonly string[]): (ConfigSlot & { key: SlotKey }) | null {
  const [head, index] = path;
  const key = slotKeys.find((k) => k === head || configSlots[k].formerly === head);
  if (key === undefined) return null;
  const found: ConfigSlot = configSlots[key];
  const fits = found.list ? path.length === 2 && /^\d+$/.test(index!) : path.length === 1;
  return fits ? { ...found, key } : null;
}

/** A slot's value with `f` applied to each entry and its config path; a list slot's value that is not a list is kept as it is (the schema names it). */
export function mapSlotEntries(key: SlotKey, value: unknown, f: (entry: unknown, path: string) => unknown): unknown {
  if (!configSlots[key].list) return f(value, key);
  return Array.isArray(value) ? value.map((entry, i) => f(entry, `${key}.${i}`)) : value;
}

/** Each entry of a slot's value (one for a single entry, every element for a list) with its config path. */
export function slotEntries(key: SlotKey, value: unknown): Array<{ path: string; entry: unknown }> {
  if (!configSlots[key].list) return [{ path: key, entry: value }];
  return Array.isArray(value) ? value.map((entry, i) => ({ path: `${key}.${i}`, entry })) : [];
}
