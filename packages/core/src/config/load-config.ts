import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { PluginKind } from '../contracts/plugin.ts';
import type { PluginRegistry } from '../registry/plugin-registry.ts';
import { ConfigError, describeZodIssue } from './config-error.ts';
import { experimentConfigSchema, type ExperimentConfig, type PluginEntry } from './experiment-config.ts';
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

/**
 * Validates a raw config (after `--set` overrides) against the experiment schema and every named
 * plugin's options, and returns it resolved: defaults filled in, each plugin's options parsed.
 * Throws a one-line ConfigError; nothing is written for an invalid config.
 */
export function resolveConfig(raw: Record<string, unknown>, registry: PluginRegistry, overrides: readonly string[] = []): ExperimentConfig {
  let withOverrides = raw;
  for (const assignment of overrides) withOverrides = applySetOverride(withOverrides, assignment);
  const parsed = experimentConfigSchema.safeParse(withOverrides);
  if (!parsed.success) throw new ConfigError(describeZodIssue(parsed.error.issues[0]!, withOverrides));
  const config = parsed.data;
  const entry = (kind: PluginKind, value: PluginEntry, path: string): PluginEntry => {
    const { options } = registry.resolve(kind, value, path);
    return { id: value.id, ...(options as object) };
  };
  return {
    ...config,
    dataset: entry('dataset', config.dataset, 'dataset'),
    model: entry('model', config.model, 'model'),
    schedule: entry('schedule', config.schedule, 'schedule'),
    metrics: config.metrics.map((m, i) => entry('metric', m, `metrics.${i}`)),
    trackers: config.trackers.map((t, i) => entry('tracker', t, `trackers.${i}`)),
  };
}

/** Reads, overrides and resolves a config file; errors are prefixed with the file name. */
export function loadConfig(path: string, registry: PluginRegistry, overrides: readonly string[] = []): ExperimentConfig {
  const raw = readConfigFile(path);
  try {
    return resolveConfig(raw, registry, overrides);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${path}: ${error.message}`);
    throw error;
  }
}
