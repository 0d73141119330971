import { applySetOverride, ConfigError, PluginRegistry, readConfigFile, resolveConfig, type ExperimentConfig } from '@ouroboros/core';
import type { DependencyContainer } from 'tsyringe';
import { buildContainer } from './composition-root.ts';

export { cellId } from '@ouroboros/core';
export type { ExperimentConfig };

/**
 * Reads a config, applies `--set` overrides, loads the plugin packages it names, and validates it
 * against every plugin's schema. Errors are one line prefixed with the file.
 */
export async function loadConfigForRun(path: string, sets: readonly string[]): Promise<{ config: ExperimentConfig; container: DependencyContainer }> {
  try {
    let raw = readConfigFile(path);
    for (const assignment of sets) raw = applySetOverride(raw, assignment);
    const packages = Array.isArray(raw.plugins) ? raw.plugins.filter((p): p is string => typeof p === 'string') : [];
    const container = await buildContainer(packages);
    const config = resolveConfig(raw, container.resolve(PluginRegistry));
    return { config, container };
  } catch (error) {
    if (error instanceof ConfigError && !error.message.startsWith(`${path}:`)) throw new ConfigError(`${path}: ${error.message}`);
    throw error;
  }
}
