import { CONTRACT_VERSION, type PluginPackage } from '@ouroboros/core';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { shareHostPackages } from './host-packages.ts';
import { cliPackageDir, installationRoot, isInside } from './installation.ts';
import { refusal, type PluginAccess } from './plugin-access.ts';

/**
 * Loads the PluginPackage a config's `packages:` entry names: a module by absolute path, or an npm
 * package by name, installed in the project beside `from` (the config's folder) or with ouroboros.
 * Under 'installed' access only the latter: no path, and nothing from `from` (a received run
 * folder's own node_modules).
 */
export async function loadPluginPackage(name: string, from: string, access: PluginAccess): Promise<PluginPackage> {
  const specifier = locate(name, from, access);
  shareHostPackages();
  await loadTypeScript();
  let module: Record<string, unknown>;
  try {
    module = (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`packages: cannot load package '${name}' (${firstLine(error)}); expected an installed package or a module path`);
  }
  const pkg = [module.default, ...Object.values(module)].find(isPluginPackage);
  if (!pkg) throw new Error(`packages: package '${name}' exports no PluginPackage (an object with name and register(container))`);
  if (pkg.contractVersion !== undefined && pkg.contractVersion !== CONTRACT_VERSION) {
    throw new Error(
      `packages: package '${name}' (${pkg.name}) implements plugin contract version ${pkg.contractVersion}; this ouroboros implements version ${CONTRACT_VERSION} (rebuild the package against @ouroboros/core with CONTRACT_VERSION = ${CONTRACT_VERSION})`,
    );
  }
  return pkg;
}

/** What to import for `name`, or a refusal when `access` does not let it load. */
function locate(name: string, from: string, access: PluginAccess): string {
  if (isAbsolute(name)) {
    if (access.trust === 'installed') throw refusal(name, access, 'is a module path');
    return pathToFileURL(name).href;
  }
  const cliDir = cliPackageDir();
  const installed = resolveFrom(name, cliDir);
  if (access.trust === 'installed') {
    if (installed === null || !isInside(installed, installationRoot(cliDir))) throw refusal(name, access, `is not installed with ouroboros (in ${installationRoot(cliDir)})`);
    return pathToFileURL(installed).href;
  }
  const path = resolveFrom(name, from) ?? installed;
  return path === null ? name : pathToFileURL(path).href;
}

/** The file Node would load for `import(name)` in a module inside `from`, or null when not installed there. */
function resolveFrom(name: string, from: string): string | null {
  try {
    return createRequire(join(from, 'noop.js')).resolve(name);
  } catch {
    return null;
  }
}

/** Lets plugin modules be TypeScript: the compiled cli has no TypeScript loader until one is needed. */
let typescriptLoader: Promise<unknown> | null = null;
function loadTypeScript(): Promise<unknown> {
  typescriptLoader ??= import('tsx/esm/api').then(({ register }) => register({ tsconfig: fileURLToPath(new URL('tsconfig.plugins.json', pathToFileURL(`${cliPackageDir()}/`))) }));
  return typescriptLoader;
}

function isPluginPackage(value: unknown): value is PluginPackage {
  return typeof value === 'object' && value !== null && typeof (value as PluginPackage).register === 'function' && typeof (value as PluginPackage).name === 'string';
}

/** The first line of an error's message. */
export function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}
