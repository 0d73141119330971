import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import type { PluginKind } from '../contracts/plugin.ts';
import type { BoundModelPlugin, BoundPlugin, PluginRegistry } from '../registry/plugin-registry.ts';
import { ConfigError, describeZodIssue } from './config-error.ts';
import { engineKeys, experimentConfigSchema, type ExperimentConfig, type MetricEntry } from './experiment-config.ts';
import { absolutePath, pathKeys, withAbsolutePaths } from './path-option.ts';
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
  /** The config as the user wrote it (after `--set`), paths made absolute: the run's identity. */
  readonly user: Record<string, unknown>;
  readonly dataset: BoundPlugin<'dataset'>;
  readonly model: BoundModelPlugin;
  readonly schedule: BoundPlugin<'schedule'>;
  readonly metrics: ReadonlyArray<{ readonly entry: MetricEntry; readonly bound: BoundPlugin<'metric'> }>;
  readonly trackers: ReadonlyArray<BoundPlugin<'tracker'>>;
  /** Extractors by id: those listed under `features`, and those metrics name with default options. */
  readonly features: ReadonlyMap<string, BoundPlugin<'features'>>;
  /** The default extractors (`identity` for vectors, `pixels` for images) with default options, when registered. */
  readonly defaultFeatures: ReadonlyMap<string, BoundPlugin<'features'>>;
}

/** The extractor a metric without `features` uses, by the kind of data. */
export const defaultExtractorIds = { vector: 'identity', image: 'pixels' } as const;

export interface ResolveOptions {
  /** `--set path=value` assignments, applied in order. */
  readonly overrides?: readonly string[];
  /** Folder relative paths are taken from (the config file's); the working directory by default. */
  readonly baseDir?: string;
}

/**
 * Validates a raw config (after `--set` overrides) against the experiment schema and every named
 * plugin's options, and binds each plugin to its parsed options. Throws a one-line ConfigError;
 * nothing is written for an invalid config.
 */
export function resolveConfig(raw: Record<string, unknown>, registry: PluginRegistry, options: ResolveOptions = {}): ResolvedExperiment {
  let user = raw;
  for (const assignment of options.overrides ?? []) user = applySetOverride(user, assignment);
  user = absolutePaths(user, registry, options.baseDir ?? process.cwd());
  const parsed = experimentConfigSchema.safeParse(user);
  if (!parsed.success) throw new ConfigError(describeZodIssue(parsed.error.issues[0]!, user));
  const config = parsed.data;

  const dataset = registry.bind('dataset', config.dataset, 'dataset');
  const model = registry.bindModel(config.model, 'model', engineKeys.model);
  const schedule = registry.bind('schedule', config.schedule, 'schedule');
  const features = new Map<string, BoundPlugin<'features'>>();
  config.features.forEach((entry, i) => {
    if (features.has(entry.id)) throw new ConfigError(`features.${i}.id = ${JSON.stringify(entry.id)}: listed twice; expected each extractor once`);
    features.set(entry.id, registry.bind('features', entry, `features.${i}`));
  });
  const metrics = config.metrics.map((entry, i) => {
    if (entry.features !== undefined && !features.has(entry.features)) {
      if (!registry.has('features', entry.features)) {
        throw new ConfigError(`metrics.${i}.features = ${JSON.stringify(entry.features)}: unknown feature extractor; known ids: ${registry.ids('features').join(', ')}`);
      }
      features.set(entry.features, registry.bind('features', { id: entry.features }, `metrics.${i}.features`));
    }
    return { entry, bound: registry.bind('metric', entry, `metrics.${i}`, engineKeys.metric) };
  });
  const trackers = config.trackers.map((entry, i) => registry.bind('tracker', entry, `trackers.${i}`));
  const defaultFeatures = new Map<string, BoundPlugin<'features'>>();
  for (const id of Object.values(defaultExtractorIds)) {
    if (registry.has('features', id)) defaultFeatures.set(id, registry.bind('features', { id }, `features (default ${id})`));
  }

  const withOptions = <E extends { id: string }>(entry: E, bound: BoundPlugin<PluginKind>, keep: readonly string[] = []): E => {
    const kept = Object.fromEntries(keep.filter((k) => k in entry).map((k) => [k, entry[k as keyof E]]));
    return { id: entry.id, ...kept, ...bound.options } as E;
  };
  const resolved: ExperimentConfig = {
    ...config,
    dataset: withOptions(config.dataset, dataset),
    model: withOptions(config.model, model, engineKeys.model),
    schedule: withOptions(config.schedule, schedule),
    features: [...features.values()].map((f) => ({ id: f.id, ...f.options })),
    metrics: config.metrics.map((m, i) => withOptions(m, metrics[i]!.bound, engineKeys.metric)),
    trackers: config.trackers.map((t, i) => withOptions(t, trackers[i]!)),
  };
  return { config: resolved, user, dataset, model, schedule, metrics, trackers, features, defaultFeatures };
}

/** The options version of every plugin a resolved experiment uses, keyed `kind:id`. */
export function pluginVersions(resolved: ResolvedExperiment): Record<string, number> {
  const all: Array<BoundPlugin<PluginKind>> = [resolved.dataset, resolved.model, resolved.schedule, ...resolved.metrics.map((m) => m.bound), ...resolved.trackers, ...resolved.features.values()];
  return Object.fromEntries(all.map((b) => [`${b.kind}:${b.id}`, b.version]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

/** The raw config with every path-valued option (plugin paths, `model.init`, `plugins:` paths) absolute. */
function absolutePaths(raw: Record<string, unknown>, registry: PluginRegistry, baseDir: string): Record<string, unknown> {
  const entry = (kind: PluginKind, value: unknown, extra: readonly string[] = []): unknown => {
    if (!isEntry(value)) return value;
    const keys = registry.has(kind, value.id) ? pathKeys(registry.get(kind, value.id).options as z.ZodType) : [];
    return withAbsolutePaths(value, [...keys, ...extra], baseDir);
  };
  const list = (kind: PluginKind, value: unknown) => (Array.isArray(value) ? value.map((v) => entry(kind, v)) : value);
  const out: Record<string, unknown> = { ...raw };
  if ('dataset' in raw) out.dataset = entry('dataset', raw.dataset);
  if ('model' in raw) out.model = entry('model', raw.model, ['init']);
  if ('schedule' in raw) out.schedule = entry('schedule', raw.schedule);
  if ('features' in raw) out.features = list('features', raw.features);
  if ('metrics' in raw) out.metrics = list('metric', raw.metrics);
  if ('trackers' in raw) out.trackers = list('tracker', raw.trackers);
  if (Array.isArray(raw.plugins)) {
    out.plugins = raw.plugins.map((p: unknown) => (typeof p === 'string' && /^(\.{1,2}\/|~\/)/.test(p) ? absolutePath(p, baseDir) : p));
  }
  return out;
}

function isEntry(value: unknown): value is { id: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { id?: unknown }).id === 'string';
}

/** Reads, overrides and resolves a config file; relative paths are taken from its folder; errors name the file. */
export function loadConfig(path: string, registry: PluginRegistry, overrides: readonly string[] = []): ResolvedExperiment {
  const raw = readConfigFile(path);
  try {
    return resolveConfig(raw, registry, { overrides, baseDir: dirname(resolvePath(path)) });
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${path}: ${error.message}`);
    throw error;
  }
}
