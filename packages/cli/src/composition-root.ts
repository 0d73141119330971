import { corePlugins, PluginRegistry, RetrainingEngine, type OuroborosPlugin } from '@ouroboros/core';
import { datasetPlugins } from '@ouroboros/datasets';
import { metricPlugins } from '@ouroboros/metrics';
import { gaussianModels } from '@ouroboros/models-gaussian';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';

/** Every plugin package that ships with ouroboros. */
export const builtInPlugins: readonly OuroborosPlugin[] = [corePlugins, datasetPlugins, gaussianModels, metricPlugins];

/**
 * The single composition root: a child container per run holding the built-in plugins and the
 * third-party packages a config names in `plugins:` (each must export an OuroborosPlugin).
 */
export async function buildContainer(extraPackages: readonly string[] = []): Promise<DependencyContainer> {
  const container = rootContainer.createChildContainer();
  for (const plugin of builtInPlugins) plugin.register(container);
  for (const name of extraPackages) (await loadPluginPackage(name)).register(container);
  container.register(PluginRegistry, { useFactory: (c) => PluginRegistry.fromContainer(c) });
  container.register(RetrainingEngine, { useClass: RetrainingEngine });
  return container;
}

/** Loads an npm package by name, or a module by path (relative paths from the working directory). */
async function loadPluginPackage(name: string): Promise<OuroborosPlugin> {
  const specifier = /^\.{1,2}\//.test(name) || isAbsolute(name) ? pathToFileURL(resolve(name)).href : name;
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`plugins: cannot load package '${name}' (${String(error instanceof Error ? error.message : error).split('\n')[0]}); expected an installed package`);
  }
  const plugin = [module.default, ...Object.values(module)].find(isOuroborosPlugin);
  if (!plugin) throw new Error(`plugins: package '${name}' exports no OuroborosPlugin (an object with name and register(container))`);
  return plugin;
}

function isOuroborosPlugin(value: unknown): value is OuroborosPlugin {
  return typeof value === 'object' && value !== null && typeof (value as OuroborosPlugin).register === 'function' && typeof (value as OuroborosPlugin).name === 'string';
}
