import { generateFiles, joinPathFragments, names, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import { join } from 'node:path';
import { linkOrInstall } from './link-or-install.ts';
import { packageJson, projectJson, workspaceVersions } from './package-manifest.ts';
import { registerBuiltInPackage } from './register-built-in-package.ts';

/** The plugin kinds the generators scaffold, each a package `<kind>s-NAME`. */
export type ScaffoldKind = 'model' | 'dataset' | 'metric';

/** Options of every plugin generator (schema.json beside each generator). */
export interface PluginPackageOptions {
  /** Plugin id: lower-case letters, digits and dashes. */
  readonly name: string;
  /** Target folder from the workspace root. */
  readonly directory?: string;
  /** A package shipped outside this workspace (dist/ build, peer dependencies, not registered). */
  readonly external?: boolean;
  /** Link the package instead of running npm install. */
  readonly skipInstall?: boolean;
}

/** Everything the templates and the registration need, derived once from the options. */
export interface PluginPackagePlan {
  readonly kind: ScaffoldKind;
  readonly id: string;
  readonly directory: string;
  readonly packageName: string;
  /** The exported PluginPackage constant, e.g. `ringDatasetsPackage`. */
  readonly packageExport: string;
  /** The exported plugin definition, e.g. `ringDatasetPlugin`. */
  readonly pluginExport: string;
  readonly external: boolean;
}

/** Template variables: `fileName` (kebab), `className` (Pascal), `propertyName` (camel) of the id, and the plan. */
export type TemplateVariables = PluginPackagePlan & ReturnType<typeof names> & { readonly offsetFromRoot: string };

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Turns generator options into a plan; throws one line naming the option and what was expected. */
export function planPluginPackage(kind: ScaffoldKind, options: PluginPackageOptions): PluginPackagePlan {
  const id = options.name;
  if (!ID.test(id ?? '')) throw new Error(`--name ${JSON.stringify(id)}: expected a plugin id of lower-case letters, digits and single dashes, starting with a letter (e.g. my-${kind})`);
  const folder = `${kind}s-${id}`;
  const external = options.external ?? false;
  const directory = (options.directory ?? (external ? `external/${folder}` : `packages/${folder}`)).replace(/\/+$/, '');
  return {
    kind,
    id,
    directory,
    packageName: external ? `ouroboros-${folder}` : `@ouroboros/${folder}`,
    packageExport: `${names(id).propertyName}${names(kind).className}sPackage`,
    pluginExport: `${names(id).propertyName}${names(kind).className}Plugin`,
    external,
  };
}

/**
 * This file's folder: Nx loads generators as CommonJS through swc on Node 20 (`__dirname`), and as
 * ES modules on Node 22.18+ and 24, which strip TypeScript types themselves (`import.meta.dirname`).
 */
const here: string = typeof __dirname === 'string' ? __dirname : import.meta.dirname;

/**
 * Writes a plugin package of `kind`: the shared templates (`plugin-package/files/common`, then
 * `workspace` or `external`), the kind's own (`<kind>-plugin/files`) and its package.json; registers
 * it as a built-in package of the cli (unless external); returns the task that makes it importable
 * (npm install, or a link).
 */
export function generatePluginPackage(tree: Tree, kind: ScaffoldKind, options: PluginPackageOptions): GeneratorCallback {
  const plan = planPluginPackage(kind, options);
  if (tree.exists(joinPathFragments(plan.directory, 'package.json'))) {
    throw new Error(`${plan.directory}/package.json already exists; choose another --name or --directory`);
  }
  const depth = plan.directory.split('/').filter(Boolean).length;
  const variables: TemplateVariables = { ...plan, ...names(plan.id), offsetFromRoot: '../'.repeat(depth) };
  generateFiles(tree, join(here, 'files', 'common'), plan.directory, { ...variables });
  generateFiles(tree, join(here, 'files', plan.external ? 'external' : 'workspace'), plan.directory, { ...variables });
  generateFiles(tree, join(here, '..', `${kind}-plugin`, 'files'), plan.directory, { ...variables });
  writeJson(tree, joinPathFragments(plan.directory, 'package.json'), packageJson(plan, workspaceVersions(tree)));
  if (!plan.external) {
    writeJson(tree, joinPathFragments(plan.directory, 'project.json'), projectJson(plan, variables.offsetFromRoot));
    registerBuiltInPackage(tree, plan.packageName, plan.packageExport);
  }
  return () => {
    if (!plan.external) linkOrInstall(tree.root, plan.directory, plan.packageName, options.skipInstall ?? false);
  };
}

