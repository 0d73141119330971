import { createTree } from '@nx/devkit/testing';
import type { Tree } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { generatePluginPackage, planPluginPackage } from './plugin-package-generator.ts';
import { COMPOSITION_ROOT, withBuiltInPackage } from './register-built-in-package.ts';

const root = `import { CONTRACT_VERSION, corePackage, type PluginPackage } from '@ouroboros/core';
import { datasetsPackage } from '@ouroboros/datasets';
import { metricsPackage } from '@ouroboros/metrics';
import { tensorBackend } from '@ouroboros/nn';
import { resolve } from 'node:path';

/** Every plugin package that ships with ouroboros. */
export const builtInPackages: readonly PluginPackage[] = [corePackage, datasetsPackage, metricsPackage];
`;

/** A tree holding the files the generators read and edit: the cli's composition root and package.json, core's package.json. */
function workspace(): Tree {
  const tree = createTree();
  tree.write(COMPOSITION_ROOT, root);
  tree.write('packages/cli/package.json', JSON.stringify({ name: '@ouroboros/cli', version: '0.1.0', dependencies: { '@ouroboros/core': '0.1.0', zod: '4.6.7' } }));
  tree.write('packages/core/package.json', JSON.stringify({ name: '@ouroboros/core', version: '0.1.0', dependencies: { '@tensorflow/tfjs': '4.22.0', zod: '4.6.7', tsyringe: '4.10.0' } }));
  return tree;
}

describe('withBuiltInPackage', () => {
  it('adds the import among the @ouroboros imports in order and the package at the end of builtInPackages, once', () => {
    const once = withBuiltInPackage(root, '@ouroboros/models-flow', 'flowModelsPackage');
    expect(once).toContain(`import { metricsPackage } from '@ouroboros/metrics';\nimport { flowModelsPackage } from '@ouroboros/models-flow';\nimport { tensorBackend } from '@ouroboros/nn';`);
    expect(once).toContain('[corePackage, datasetsPackage, metricsPackage, flowModelsPackage];');
    expect(withBuiltInPackage(once, '@ouroboros/models-flow', 'flowModelsPackage')).toBe(once);
    const first = withBuiltInPackage(root, '@ouroboros/aardvark', 'aardvarkPackage');
    expect(first.indexOf("'@ouroboros/aardvark'")).toBeLessThan(first.indexOf("'@ouroboros/datasets'"));
  });

  it('names the file when the list of built-in packages is missing', () => {
    expect(() => withBuiltInPackage('export const x = 1;\n', '@ouroboros/a', 'a')).toThrow(`${COMPOSITION_ROOT}: no 'const builtInPackages = [...]'`);
  });
});

describe('generatePluginPackage', () => {
  it('writes a model package with exact versions and plugin tags, and registers it in the cli', () => {
    const tree = workspace();
    generatePluginPackage(tree, 'model', { name: 'my-flow' });
    const dir = 'packages/models-my-flow';
    expect(tree.children(`${dir}/src`).sort()).toEqual(['index.ts', 'my-flow-model.ts', 'my-flow-plugin.spec.ts', 'my-flow-plugin.ts', 'register.ts']);
    const pkg = JSON.parse(tree.read(`${dir}/package.json`, 'utf8')!);
    expect(pkg).toMatchObject({ name: '@ouroboros/models-my-flow', exports: { '.': { '@ouroboros/source': './src/index.ts', default: './dist/index.js' } } });
    expect(pkg.private).toBeUndefined();
    expect(pkg.dependencies).toEqual({ '@ouroboros/core': '0.1.0', '@ouroboros/nn': '0.1.0', '@tensorflow/tfjs': '4.22.0', zod: '4.6.7' });
    expect(JSON.parse(tree.read(`${dir}/project.json`, 'utf8')!).tags).toEqual(['scope:plugin', 'type:plugin']);
    expect(tree.read(`${dir}/src/register.ts`, 'utf8')).toContain("export const myFlowModelsPackage: PluginPackage = {\n  name: '@ouroboros/models-my-flow',");
    expect(tree.read(`${dir}/src/my-flow-plugin.ts`, 'utf8')).toContain("id: 'my-flow',");
    expect(tree.read(`${dir}/tsconfig.json`, 'utf8')).toContain('"extends": "../../tsconfig.base.json"');
    expect(tree.read(COMPOSITION_ROOT, 'utf8')).toContain('metricsPackage, myFlowModelsPackage]');
    expect(Object.keys(JSON.parse(tree.read('packages/cli/package.json', 'utf8')!).dependencies)).toEqual(['@ouroboros/core', '@ouroboros/models-my-flow', 'zod']);
    expect(() => generatePluginPackage(tree, 'model', { name: 'my-flow' })).toThrow('packages/models-my-flow/package.json already exists');
  });

  it('writes an external package: dist build, peer dependencies, no project.json, the cli untouched', () => {
    const tree = workspace();
    generatePluginPackage(tree, 'metric', { name: 'coverage', external: true });
    const dir = 'external/metrics-coverage';
    const pkg = JSON.parse(tree.read(`${dir}/package.json`, 'utf8')!);
    expect(pkg).toMatchObject({ name: 'ouroboros-metrics-coverage', files: ['dist'], scripts: { build: 'tsc -p tsconfig.build.json' } });
    expect(pkg.peerDependencies).toEqual({ '@ouroboros/core': '^0.1.0', zod: '^4.6.7' });
    expect(tree.exists(`${dir}/project.json`)).toBe(false);
    expect(tree.exists(`${dir}/tsconfig.build.json`)).toBe(true);
    expect(tree.read(COMPOSITION_ROOT, 'utf8')).toBe(root);
  });

  it('refuses a name that is not a plugin id', () => {
    for (const name of ['My-Flow', '1flow', 'flow_2', 'flow--x', '']) {
      expect(() => planPluginPackage('dataset', { name })).toThrow(`--name ${JSON.stringify(name)}: expected a plugin id of lower-case letters, digits and single dashes`);
    }
    expect(planPluginPackage('dataset', { name: 'ring-2' })).toMatchObject({ directory: 'packages/datasets-ring-2', packageExport: 'ring2DatasetsPackage', pluginExport: 'ring2DatasetPlugin' });
  });
});
