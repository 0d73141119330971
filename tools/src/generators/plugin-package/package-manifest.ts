import type { Tree } from '@nx/devkit';
import type { PluginPackagePlan, ScaffoldKind } from './plugin-package-generator.ts';

/** Exact versions the workspace uses, read from its package.json files so a new package matches them. */
export type Versions = Record<string, string>;

/** What a plugin of each kind imports at run time (beyond @ouroboros/core) and in its tests. */
const needs: Record<ScaffoldKind, { runtime: string[]; test: string[] }> = {
  model: { runtime: ['@ouroboros/nn', '@tensorflow/tfjs', 'zod'], test: ['reflect-metadata', 'tsyringe'] },
  dataset: { runtime: ['zod'], test: ['reflect-metadata', 'tsyringe'] },
  metric: { runtime: ['zod'], test: ['reflect-metadata', 'tsyringe'] },
};

/** Versions of @ouroboros/core and nn, the libraries core pins, and the root's TypeScript and vitest. */
export function workspaceVersions(tree: Tree): Versions {
  const read = (path: string) => (tree.exists(path) ? (JSON.parse(tree.read(path, 'utf8')!) as { version?: string; dependencies?: Versions; devDependencies?: Versions }) : {});
  const core = read('packages/core/package.json') as { version?: string; dependencies?: Versions; engines?: Versions };
  const root = read('package.json');
  return {
    '@tensorflow/tfjs': '4.22.0',
    zod: '4.6.7',
    tsyringe: '4.10.0',
    typescript: '5.9.3',
    vitest: '4.1.12',
    ...core.dependencies,
    ...root.devDependencies,
    '@ouroboros/core': core.version ?? '0.1.0',
    '@ouroboros/nn': read('packages/nn/package.json').version ?? '0.1.0',
    node: core.engines?.node ?? '>=22.12',
  };
}

function pick(names: readonly string[], versions: Versions, range = ''): Versions {
  return Object.fromEntries(names.map((name) => [name, `${range}${versions[name]}`]));
}

/**
 * A workspace package is built and packed with the others (its sources under the workspace's
 * `@ouroboros/source` condition, dist/ for everyone else) and pins exact versions; an external one
 * ships `dist/` and takes @ouroboros/core and the libraries whose single instance the host owns
 * (tfjs, zod) as peer dependencies.
 */
export function packageJson(plan: PluginPackagePlan, versions: Versions): Record<string, unknown> {
  const { runtime, test } = needs[plan.kind];
  const description = `ouroboros ${plan.kind} plugin '${plan.id}'`;
  if (!plan.external) {
    return {
      name: plan.packageName,
      version: versions['@ouroboros/core'],
      type: 'module',
      description,
      engines: { node: versions.node },
      exports: { '.': { '@ouroboros/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' } },
      files: ['dist'],
      scripts: { test: 'vitest run', prepack: `node ${'../'.repeat(plan.directory.split('/').filter(Boolean).length)}tools/packaging/build.mjs --types` },
      dependencies: pick(['@ouroboros/core', ...runtime], versions),
      devDependencies: pick(test, versions),
    };
  }
  return {
    name: plan.packageName,
    version: '0.1.0',
    type: 'module',
    description,
    keywords: ['ouroboros-plugin'],
    engines: { node: versions.node },
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist'],
    scripts: { build: 'tsc -p tsconfig.build.json', test: 'vitest run' },
    peerDependencies: pick(['@ouroboros/core', ...runtime], versions, '^'),
    devDependencies: pick([...test, '@types/node', 'typescript', 'vitest'], versions),
  };
}

/** The Nx project: tags that put it in the plugin tier (module boundaries), tests inferred from package.json. */
export function projectJson(plan: PluginPackagePlan, offsetFromRoot: string): Record<string, unknown> {
  return {
    $schema: `${offsetFromRoot}node_modules/nx/schemas/project-schema.json`,
    name: `${plan.kind}s-${plan.id}`,
    sourceRoot: `${plan.directory}/src`,
    projectType: 'library',
    tags: ['scope:plugin', 'type:plugin'],
  };
}
