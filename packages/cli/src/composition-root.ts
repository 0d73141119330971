import { CONTRACT_VERSION, corePackage, PluginRegistry, RetrainingEngine, TensorBackend, type PluginPackage } from '@ouroboros/core';
import { datasetsPackage } from '@ouroboros/datasets';
import { metricsPackage } from '@ouroboros/metrics';
import { diffusionModelsPackage } from '@ouroboros/models-diffusion';
import { flowModelsPackage } from '@ouroboros/models-flow';
import { gaussianModelsPackage } from '@ouroboros/models-gaussian';
import { gmmModelsPackage } from '@ouroboros/models-gmm';
import { kdeModelsPackage } from '@ouroboros/models-kde';
import { vaeModelsPackage } from '@ouroboros/models-vae';
import { tensorBackend } from '@ouroboros/nn';
import { wandbPackage } from '@ouroboros/wandb';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';

/** Every plugin package that ships with ouroboros. */
export const builtInPackages: readonly PluginPackage[] = [corePackage, datasetsPackage, gaussianModelsPackage, flowModelsPackage, diffusionModelsPackage, gmmModelsPackage, kdeModelsPackage, vaeModelsPackage, metricsPackage, wandbPackage];

/**
 * The single composition root: a child container per run holding the built-in plugins, the
 * third-party packages a config names in `plugins:` (each must export a PluginPackage; package
 * names are looked up from `from`, the config's folder, first, as Node would for a file there), the
 * tensor backend and the engine.
 */
export async function buildContainer(extraPackages: readonly string[] = [], from = process.cwd()): Promise<DependencyContainer> {
  const container = rootContainer.createChildContainer();
  for (const pkg of builtInPackages) pkg.register(container);
  for (const name of extraPackages) {
    const pkg = await loadPluginPackage(name, from);
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

/**
 * Lets third-party modules import the workspace's TypeScript packages (`@ouroboros/core`) and be
 * TypeScript themselves: the compiled cli has no TypeScript loader until one is needed.
 */
let typescriptLoader: Promise<unknown> | null = null;
function loadTypeScript(): Promise<unknown> {
  typescriptLoader ??= import('tsx/esm/api').then(({ register }) => register({ tsconfig: fileURLToPath(new URL('../tsconfig.bin.json', import.meta.url)) }));
  return typescriptLoader;
}

/**
 * Loads a module by path (relative paths from the working directory), or an npm package by name:
 * installed in the project beside `from` (the config's folder), else one the cli itself can import.
 */
async function loadPluginPackage(name: string, from: string): Promise<PluginPackage> {
  const path = /^\.{1,2}\//.test(name) || isAbsolute(name) ? resolve(name) : resolveFrom(name, from);
  const specifier = path === null ? name : pathToFileURL(path).href;
  let module: Record<string, unknown>;
  await loadTypeScript();
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`plugins: cannot load package '${name}' (${firstLine(error)}); expected an installed package or a module path`);
  }
  const pkg = [module.default, ...Object.values(module)].find(isPluginPackage);
  if (!pkg) throw new Error(`plugins: package '${name}' exports no PluginPackage (an object with name and register(container))`);
  if (pkg.contractVersion !== undefined && pkg.contractVersion !== CONTRACT_VERSION) {
    throw new Error(
      `plugins: package '${name}' (${pkg.name}) implements plugin contract version ${pkg.contractVersion}; this ouroboros implements version ${CONTRACT_VERSION} (rebuild the package against @ouroboros/core with CONTRACT_VERSION = ${CONTRACT_VERSION})`,
    );
  }
  return pkg;
}

/** The file Node would load for `import(name)` in a module inside `from`, or null when not installed there. */
function resolveFrom(name: string, from: string): string | null {
  try {
    return createRequire(join(from, 'noop.js')).resolve(name);
  } catch {
    return null;
  }
}

function isPluginPackage(value: unknown): value is PluginPackage {
  return typeof value === 'object' && value !== null && typeof (value as PluginPackage).register === 'function' && typeof (value as PluginPackage).name === 'string';
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}
