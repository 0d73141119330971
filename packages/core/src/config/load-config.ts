import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import type { PluginKind } from '../contracts/plugin.ts';
import type { BoundModelPlugin, BoundPlugin, PluginRegistry } from '../registry/plugin-registry.ts';
import { withoutUnusedSlots } from './cell-id.ts';
import { ConfigError, zodErrorLine } from './config-error.ts';
import { configSlots, mapSlotEntries, slotEntries, slotKeys, type ConfigSlot, type MetricEntry, type PluginEntry, type SlotKey } from './config-slots.ts';
import { experimentConfigSchema, type ExperimentConfig } from './experiment-config.ts';
import { withCurrentNames } from './former-names.ts';
import { packagePath, pathKeys, withAbsolutePaths } from './path-option.ts';
import { applySetOverride } from './set-override.ts';

/** Reads a YAML or JSON config file into a plain object; errors name the file. */
export function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new ConfigError(`${path}: config file not found`);
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const message = String(error instanceof Error ? error.message : error).split('\n')[0];
    throw new ConfigError(`${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${message}`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${path}: expected a mapping of config fields at the top level`);
  }
  return raw as Record<string, unknown>;
}

/** A config with every plugin bound: what the engine runs. */
export interface ResolvedExperiment {
  /** Defaults filled in, each plugin's options parsed: written to config.json. */
  readonly config: ExperimentConfig;
  /** The config as the user wrote it (after `--set`, under current key names), paths made absolute: the run's identity. */
  readonly user: Record<string, unknown>;
  /** Every slot's plugins, bound, in entry order (a single-entry slot: one). */
  readonly slots: { readonly [K in SlotKey]: ReadonlyArray<BoundPlugin<(typeof configSlots)[K]['kind']>> };
  readonly dataset: BoundPlugin<'dataset'>;
  readonly model: BoundModelPlugin;
  readonly schedule: BoundPlugin<'schedule'>;
  readonly curator: BoundPlugin<'curator'>;
  readonly metrics: ReadonlyArray<{ readonly entry: MetricEntry; readonly bound: BoundPlugin<'metric'> }>;
  readonly trackers: ReadonlyArray<BoundPlugin<'tracker'>>;
  /** Extractors by id: those listed under `extractors`, and those metrics name with default options. */
  readonly features: ReadonlyMap<string, BoundPlugin<'features'>>;
  /** The default extractors (`identity` for vectors, `pixels` for images) with default options, when registered. */
  readonly defaultFeatures: ReadonlyMap<string, BoundPlugin<'features'>>;
}

/** The extractor a metric without `extractor` uses, by the kind of data. */
export const defaultExtractorIds = { vector: 'identity', image: 'pixels' } as const;

export interface ResolveOptions {
  /** `--set path=value` assignments, applied in order. */
  readonly overrides?: readonly string[];
  /** Folder relative paths are taken from (the config file's); the working directory by default. */
  readonly baseDir?: string;
  /** Says once what the user should change (an earlier key name, say). */
  readonly note?: (message: string) => void;
}

/**
 * Validates a raw config (after `--set` overrides) against the experiment schema and every named
 * plugin's options, and binds each plugin to its parsed options. Throws a one-line ConfigError;
 * nothing is written for an invalid config.
 */
export function resolveConfig(raw: Record<string, unknown>, registry: PluginRegistry, options: ResolveOptions = {}): ResolvedExperiment {
  let user = raw;
  for (const assignment of options.overrides ?? []) user = applySetOverride(user, assignment);
  user = absolutePaths(withCurrentNames(user, options.note), registry, options.baseDir ?? process.cwd());
  const parsed = experimentConfigSchema.safeParse(user);
  if (!parsed.success) throw new ConfigError(zodErrorLine(parsed.error, user));
  const config = withNamedExtractors(parsed.data, registry);

  const slots = Object.fromEntries(
    slotKeys.map((key) => {
      const slot: ConfigSlot = configSlots[key];
      const bind = (entry: PluginEntry, path: string) => (slot.kind === 'model' ? registry.bindModel(entry, path, slot.engineKeys) : registry.bind(slot.kind, entry, path, slot.engineKeys));
      return [key, slotEntries(key, config[key]).map(({ path, entry }) => bind(entry as PluginEntry, path))];
    }),
  ) as unknown as ResolvedExperiment['slots'];
  const features = new Map<string, BoundPlugin<'features'>>();
  for (const [i, bound] of slots.extractors.entries()) {
    if (features.has(bound.id)) throw new ConfigError(`extractors.${i}.id = ${JSON.stringify(bound.id)}: listed twice; expected each extractor once`);
    features.set(bound.id, bound);
  }
  const defaultFeatures = new Map<string, BoundPlugin<'features'>>();
  for (const id of Object.values(defaultExtractorIds)) {
    if (registry.has('features', id)) defaultFeatures.set(id, registry.bind('features', { id }, `extractors (default ${id})`));
  }

  const resolved: Record<string, unknown> = { ...config };
  for (const key of slotKeys) {
    const slot: ConfigSlot = configSlots[key];
    const withOptions = ({ entry }: { entry: unknown }, i: number) => {
      const { id, ...rest } = entry as PluginEntry;
      return { id, ...Object.fromEntries(slot.engineKeys.filter((k) => k in rest).map((k) => [k, rest[k]])), ...slots[key][i]!.options };
    };
    const entries = slotEntries(key, config[key]).map(withOptions);
    resolved[key] = slot.list ? entries : entries[0];
  }
  return {
    config: resolved as ExperimentConfig,
    user,
    slots,
    dataset: slots.dataset[0]!,
    model: slots.model[0] as BoundModelPlugin,
    schedule: slots.schedule[0]!,
    curator: slots.curator[0]!,
    metrics: config.metrics.map((entry, i) => ({ entry, bound: slots.metrics[i]! })),
    trackers: slots.trackers,
    features,
    defaultFeatures,
  };
}

/** The config with every extractor a metric names and `extractors` does not list added to it, with default options. */
function withNamedExtractors(config: ExperimentConfig, registry: PluginRegistry): ExperimentConfig {
  const extractors = [...config.extractors];
  config.metrics.forEach((entry, i) => {
    if (entry.extractor === undefined || extractors.some((e) => e.id === entry.extractor)) return;
    if (!registry.has('features', entry.extractor)) {
      throw new ConfigError(`metrics.${i}.extractor = ${JSON.stringify(entry.extractor)}: unknown feature extractor; known ids: ${registry.ids('features').join(', ')}`);
    }
    extractors.push({ id: entry.extractor });
  });
  return { ...config, extractors };
}

/**
 * The options version of every plugin a resolved experiment uses, keyed `kind:id`; a slot left at
 * its `unusedValue` uses none, so run folders made before its kind came still resume.
 */
export function pluginVersions(resolved: ResolvedExperiment): Record<string, number> {
  const used = withoutUnusedSlots(resolved.config as unknown as Record<string, unknown>);
  const all = slotKeys.filter((key) => key in used).flatMap((key) => resolved.slots[key] as ReadonlyArray<BoundPlugin<PluginKind>>);
  return Object.fromEntries(all.map((b) => [`${b.kind}:${b.id}`, b.version]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

/** The config's plugin packages (`packages:`, or its earlier name `plugins:`), module paths made absolute. */
export function configPackages(raw: Record<string, unknown>, baseDir: string): string[] {
  const list = withCurrentNames(raw).packages;
  return Array.isArray(list) ? list.filter((p): p is string => typeof p === 'string').map((p) => packagePath(p, baseDir)) : [];
}

/** The raw config with every path-valued option (plugin paths, engine paths like `model.init`, `packages:` paths) absolute. */
function absolutePaths(raw: Record<string, unknown>, registry: PluginRegistry, baseDir: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const key of slotKeys) {
    if (!(key in raw)) continue;
    const slot: ConfigSlot = configSlots[key];
    out[key] = mapSlotEntries(key, raw[key], (entry) => {
      if (!isEntry(entry)) return entry;
      const keys = registry.has(slot.kind, entry.id) ? pathKeys(registry.get(slot.kind, entry.id).options as z.ZodType) : [];
      return withAbsolutePaths(entry, [...keys, ...slot.enginePaths], baseDir);
    });
  }
  if (Array.isArray(raw.packages)) out.packages = raw.packages.map((p: unknown) => (typeof p === 'string' ? packagePath(p, baseDir) : p));
  return out;
}

function isEntry(value: unknown): value is { id: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { id?: unknown }).id === 'string';
}

/** Reads, overrides and resolves a config file; relative paths are taken from its folder; errors name the file. */
export function loadConfig(path: string, registry: PluginRegistry, overrides: readonly string[] = [], note?: (message: string) => void): ResolvedExperiment {
  const raw = readConfigFile(path);
  try {
    return resolveConfig(raw, registry, { overrides, baseDir: dirname(resolvePath(path)), ...(note ? { note } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${path}: ${error.message}`);
    throw error;
  }
}
