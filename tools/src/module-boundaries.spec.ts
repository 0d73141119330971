import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkBoundaries, importsOf, readBench, readProjects, type Project } from './module-boundaries.ts';

const workspaceRoot = resolve(import.meta.dirname, '..', '..');

describe('module boundaries', () => {
  it('hold across the workspace: core imports nothing internal, libs only core, plugins core and libs, only the cli everything', () => {
    const projects = readProjects(workspaceRoot);
    expect(projects.map((p) => p.name).sort()).toEqual(expect.arrayContaining(['core', 'nn', 'cli', 'datasets', 'metrics', 'models-gaussian', 'tools']));
    expect(checkBoundaries(projects, workspaceRoot)).toEqual([]);
  });

  it('hold for bench/ too: it imports packages by their public entries, and it is read (a bench file exists)', () => {
    const bench = readBench(workspaceRoot);
    expect(bench.imports.some(([file, specifier]) => file === 'bench/realnvp-2d.bench.ts' && specifier === '@ouroboros/models-flow')).toBe(true);
    expect(checkBoundaries([...readProjects(workspaceRoot), bench], workspaceRoot)).toEqual([]);
  });

  it('keep test support out of production code and bench out of every package', () => {
    const project = (name: string, type: string, imports: Array<[string, string]>, dependencies: string[] = []): Project => ({
      name,
      packageName: `@ouroboros/${name}`,
      root: `${workspaceRoot}/packages/${name}`,
      tags: [type],
      dependencies,
      imports,
    });
    const bench: Project = {
      name: 'bench',
      packageName: '(bench)',
      root: `${workspaceRoot}/bench`,
      tags: ['type:bench'],
      dependencies: [],
      imports: [
        ['bench/a.bench.ts', '@ouroboros/cli'],
        ['bench/a.bench.ts', '@ouroboros/core/testing'],
        ['bench/a.bench.ts', '@ouroboros/nn/src/layers/dense.ts'],
        ['bench/a.bench.ts', '../packages/nn/src/index.ts'],
      ],
    };
    const problems = checkBoundaries(
      [
        project('core', 'type:core', []),
        project('nn', 'type:lib', [['packages/nn/src/train/fit.ts', '../../../../bench/twins/bench-support.ts']]),
        project('cli', 'type:app', []),
        project(
          'metrics',
          'type:plugin',
          [
            ['packages/metrics/src/fd/fd-metric.ts', '@ouroboros/core/testing'],
            ['packages/metrics/src/fd/fd-metric.ts', '../testing/brute-force-neighbours.ts'],
            ['packages/metrics/src/fd/fd-metric.spec.ts', '@ouroboros/core/testing'],
            ['packages/metrics/src/fd/fd-metric.spec.ts', '../testing/brute-force-neighbours.ts'],
            ['packages/metrics/src/testing/inputs.ts', '@ouroboros/core/testing'],
          ],
          ['@ouroboros/core'],
        ),
        bench,
      ],
      workspaceRoot,
    );
    expect(problems).toEqual([
      "packages/nn/src/train/fit.ts: '../../../../bench/twins/bench-support.ts' reaches outside nn; import its package instead",
      "packages/metrics/src/fd/fd-metric.ts: '@ouroboros/core/testing' is the test kit; production code may not import it (only specs, test support and bench)",
      "packages/metrics/src/fd/fd-metric.ts: '../testing/brute-force-neighbours.ts' is test support; production code may not import it",
      "bench/a.bench.ts: '@ouroboros/nn/src/layers/dense.ts' is not a public entry point; import '@ouroboros/nn' (src/index.ts)",
      "bench/a.bench.ts: '../packages/nn/src/index.ts' reaches outside bench; import its package instead",
    ]);
  });

  it('are actually checked: each kind of violation is reported', () => {
    const project = (name: string, type: string, imports: string[], dependencies: string[] = []): Project => ({
      name,
      packageName: `@ouroboros/${name}`,
      root: `${workspaceRoot}/packages/${name}`,
      tags: [type],
      dependencies,
      imports: imports.map((s) => [`packages/${name}/src/index.ts`, s] as [string, string]),
    });
    const problems = checkBoundaries(
      [
        project('core', 'type:core', ['@ouroboros/datasets', '../../datasets/src/index.ts'], ['@ouroboros/datasets']),
        project('datasets', 'type:plugin', ['@ouroboros/metrics', '@ouroboros/core/src/rng/rng.ts', 'zod'], ['@ouroboros/metrics', '@ouroboros/core']),
        project('metrics', 'type:plugin', ['@ouroboros/core', '@ouroboros/nn'], ['@ouroboros/nn']),
        project('nn', 'type:lib', ['@ouroboros/core', '@ouroboros/metrics'], ['@ouroboros/core', '@ouroboros/metrics']),
        project('cli', 'type:app', ['@ouroboros/core', '@ouroboros/datasets'], ['@ouroboros/core', '@ouroboros/datasets']),
      ],
      workspaceRoot,
    );
    expect(problems).toEqual([
      'packages/core/src/index.ts: a type:core project may not import @ouroboros/datasets (type:plugin)',
      "packages/core/src/index.ts: '../../datasets/src/index.ts' reaches outside core; import its package instead",
      'packages/datasets/src/index.ts: a type:plugin project may not import @ouroboros/metrics (type:plugin)',
      "packages/datasets/src/index.ts: '@ouroboros/core/src/rng/rng.ts' is not a public entry point; import '@ouroboros/core' (src/index.ts)",
      "packages/datasets/src/index.ts: imports 'zod', which @ouroboros/datasets's package.json does not declare",
      "packages/metrics/src/index.ts: imports '@ouroboros/core', which @ouroboros/metrics's package.json does not declare",
      'packages/nn/src/index.ts: a type:lib project may not import @ouroboros/metrics (type:plugin)',
    ]);
  });

  it("tell a relative import inside the project from one into a sibling whose folder name starts with the project's", () => {
    const models: Project = {
      name: 'models',
      packageName: '@ouroboros/models',
      root: `${workspaceRoot}/packages/models`,
      tags: ['type:plugin'],
      dependencies: [],
      imports: [
        ['packages/models/src/a/index.ts', '../b.ts'],
        ['packages/models/src/a/index.ts', '../../package.json'],
        ['packages/models/src/a/index.ts', '../../../models-vae/src/index.ts'],
      ],
    };
    expect(checkBoundaries([models], workspaceRoot)).toEqual(["packages/models/src/a/index.ts: '../../../models-vae/src/index.ts' reaches outside models; import its package instead"]);
  });

  it('finds static, re-export, side-effect and dynamic imports', () => {
    const source = `import 'reflect-metadata';\nimport { a } from './a.ts';\nexport { b } from "@x/b";\nimport type { C } from 'c';\nconst d = await import('d');`;
    expect(importsOf(source)).toEqual(['reflect-metadata', './a.ts', '@x/b', 'c', 'd']);
  });

  it('let a fresh clone run every test: no test result is replayed from a cache (whose inputs cannot see the machine, Python or Node)', () => {
    const nx = JSON.parse(readFileSync(resolve(workspaceRoot, 'nx.json'), 'utf8')) as { targetDefaults?: { test?: { cache?: boolean } } };
    expect(nx.targetDefaults?.test?.cache).toBe(false);
    for (const project of readProjects(workspaceRoot)) {
      const config = JSON.parse(readFileSync(resolve(project.root, 'project.json'), 'utf8')) as { targets?: { test?: { cache?: boolean } } };
      expect(config.targets?.test?.cache, project.name).not.toBe(true);
    }
  });
});
