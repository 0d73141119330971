import { applySetOverride, ConfigError, PluginRegistry, readConfigFile, resolveConfig, type ResolvedExperiment } from '@ouroboros/core';
import { dirname, resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import { buildContainer } from './composition-root.ts';

/**
 * Resolves a raw config: loads the plugin packages it names, then validates it against every
 * plugin's schema, taking relative paths from `baseDir`. Errors are one line prefixed with `source`.
 */
export async function resolveForRun(raw: Record<string, unknown>, source: string, baseDir: string, sets: readonly string[] = []): Promise<{ resolved: ResolvedExperiment; container: DependencyContainer }> {
  try {
    const user = sets.reduce(applySetOverride, raw);
    const packages = Array.isArray(user.plugins) ? user.plugins.filter((p): p is string => typeof p === 'string') : [];
    const container = await buildContainer(
      packages.map((p) => (/^\.{1,2}\//.test(p) ? resolve(baseDir, p) : p)),
      baseDir,
    );
    const resolved = resolveConfig(user, container.resolve(PluginRegistry), { baseDir });
    return { resolved, container };
  } catch (error) {
    if (error instanceof ConfigError && !error.message.startsWith(`${source}:`)) throw new ConfigError(`${source}: ${error.message}`);
    throw error;
  }
}

/** Reads a config file and resolves it with `--set` overrides; relative paths are taken from its folder. */
export async function loadConfigForRun(path: string, sets: readonly string[]): Promise<{ resolved: ResolvedExperiment; container: DependencyContainer }> {
  const raw = readConfigFile(path);
  return resolveForRun(raw, path, dirname(resolve(path)), sets);
}
