import { CONTRACT_VERSION, corePackage, PluginRegistry, RetrainingEngine, TensorBackend, type PluginPackage } from '@ouroboros/core';
import { datasetsPackage } from '@ouroboros/datasets';
import { metricsPackage } from '@ouroboros/metrics';
import { diffusionModelsPackage } from '@ouroboros/models-diffusion';
import { gaussianModelsPackage } from '@ouroboros/models-gaussian';
import { tensorBackend } from '@ouroboros/nn';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';

/** Every plugin package that ships with ouroboros. */
export const builtInPackages: readonly PluginPackage[] = [corePackage, datasetsPackage, gaussianModelsPackage, diffusionModelsPackage, metricsPackage];

/**
 * The single composition root: a child container per run holding the built-in plugins, the
 * third-party packages a config names in `plugins:` (each must export a PluginPackage), the tensor
 * backend and the engine.
 */
export async function buildContainer(extraPackages: readonly string[] = []): Promise<DependencyContainer> {
  const container = rootContainer.createChildContainer();
  for (const pkg of builtInPackages) pkg.register(container);
  for (const name of extraPackages) {
    const pkg = await loadPluginPackage(name);
    try {
      pkg.register(container);
    } catch (error) {
      throw new Error(`plugins: package '${name}' failed to register its plugins (${firstLine(error)})`);
    }
  }
  container.register(TensorBackend, { useValue: tensorBackend });
  container.register(PluginRegistry, { useFactory: (c) => PluginRegistry.fromContainer(c) });
  container.register(RetrainingEngine, { useClass: RetrainingEngine });
  return container;
}

/** Loads an npm package by name, or a module by path (relative paths from the working directory). */
async function loadPluginPackage(name: string): Promise<PluginPackage> {
  const specifier = /^\.{1,2}\//.test(name) || isAbsolute(name) ? pathToFileURL(resolve(name)).href : name;
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`plugins: cannot load package '${name}' (${firstLine(error)}); expected an installed package or a module path`);
  }
  const pkg = [module.default, ...Object.values(module)].find(isPluginPackage);
  if (!pkg) throw new Error(`plugins: package '${name}' exports no PluginPackage (an object with name and register(container))`);
  if (pkg.contractVersion !== undefined && pkg.contractVersion !== CONTRACT_VERSION) {
    throw new Error(`plugins: package '${name}' (${pkg.name}) implements plugin contract version ${pkg.contractVersion}; this ouroboros implements version ${CONTRACT_VERSION}`);
  }
  return pkg;
}

function isPluginPackage(value: unknown): value is PluginPackage {
  return typeof value === 'object' && value !== null && typeof (value as PluginPackage).register === 'function' && typeof (value as PluginPackage).name === 'string';
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}
