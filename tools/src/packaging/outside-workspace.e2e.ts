import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateExternalPackage, historyRows, node, run, workspaceRoot, type Result } from '../generators/testing/workspace-copy.ts';
// @ts-expect-error a plain JavaScript module of the packaging scripts
import { servePacks } from '../../packaging/pack-registry.mjs';

// ouroboros as a user outside this checkout gets it: every package packed (`npm run pack`), served
// as the @ouroboros scope of a registry on 127.0.0.1 (what the npm registry will serve once they are
// published; every other package comes from the npm registry), installed into empty folders and
// used there with the README's commands. Run by .ci/run after `npm test`:
//   npx vitest run --config tools/vitest.e2e.config.ts
const work = mkdtempSync(join(tmpdir(), 'ouroboros-outside-'));
const experiments = join(work, 'experiments');
const home = join(work, 'home');
let registry: { url: string; close: () => Promise<void> };
let npmArgs: string[];

beforeAll(async () => {
  const packed = await node(workspaceRoot, [join(workspaceRoot, 'tools', 'packaging', 'pack.mjs'), '--out', join(work, 'packs')]);
  expectOk(packed, 'npm run pack');
  registry = await servePacks(packed.stdout.split('\n').filter((line) => line.endsWith('.tgz')));
  // --prefer-offline: registry packages from npm's cache when there; the @ouroboros scope is always
  // fetched, since its registry's URL (a new port) is new to the cache every run.
  npmArgs = ['--no-audit', '--no-fund', '--prefer-offline', `--@ouroboros:registry=${registry.url}`];
  mkdirSync(experiments);
  mkdirSync(home);
}, 600_000);
afterAll(async () => {
  await registry?.close();
  rmSync(work, { recursive: true, force: true });
});

function expectOk(result: Result, what: string): void {
  expect(result.code, `${what}: ${result.stderr}${result.stdout}`.slice(-4000)).toBe(0);
}

/** A metric plugin module importing what plugins share with ouroboros: zod, tfjs and @ouroboros/core. */
const metricModule = (id: string, key: string, typed = false) => `import * as tf from '@tensorflow/tfjs';
import { CONTRACT_VERSION, registerPlugins } from '@ouroboros/core';
import { z } from 'zod';
const count = (n${typed ? ': number' : ''}) => tf.tidy(() => tf.scalar(n).dataSync()[0]);
export const metrics = {
  name: '${id}-package',
  contractVersion: CONTRACT_VERSION,
  register: (container${typed ? ': never' : ''}) =>
    registerPlugins(container, 'metric', {
      id: '${id}',
      description: 'the number of generated samples',
      options: z.strictObject({}),
      create: () => ({ compute: async ({ generated }${typed ? ': { generated: { count: number } }' : ''}) => ({ ${key}: count(generated.count) }) }),
    }),
};
`;

const experiment = (plugins: string, model: string, metrics: string) => `name: outside
seed: 3
generations: 2
dataset: { id: gaussian, dim: 2, train: 100, test: 100 }
model: { id: ${model} }
schedule: { id: fully-synthetic }
metrics: [ ${metrics} ]
trackers: [ { id: local } ]
plugins: ${plugins}
`;

describe('ouroboros installed outside the workspace', () => {
  const globalPrefix = join(work, 'global');
  const ouro = join(globalPrefix, 'bin', 'ouro');

  it('npm install -g @ouroboros/cli, then the quickstart in an empty folder writes its run folder there', async () => {
    expectOk(await run('npm', ['install', '-g', '--prefix', globalPrefix, ...npmArgs, '@ouroboros/cli'], work), 'npm install -g @ouroboros/cli');
    const core = join(globalPrefix, 'lib', 'node_modules', '@ouroboros', 'cli', 'node_modules', '@ouroboros', 'core');
    expect(existsSync(join(core, 'dist', 'index.js')) && existsSync(join(core, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(core, 'src'))).toBe(false);
    expect((await run(ouro, ['--version'], '/')).stdout).toMatch(/^ouro \d+\.\d+\.\d+/);

    copyFileSync(join(workspaceRoot, 'examples', 'gaussian-collapse.yaml'), join(experiments, 'gaussian-collapse.yaml'));
    const quickstart = await run(ouro, ['run', 'gaussian-collapse.yaml', '--out', 'runs/collapse'], experiments);
    expectOk(quickstart, 'ouro run gaussian-collapse.yaml');
    const rows = historyRows(readFileSync(join(experiments, 'runs', 'collapse', 'history.jsonl'), 'utf8'));
    expect(rows.map((r) => r.generation)).toEqual(Array.from({ length: 101 }, (_, g) => g));
    expect(rows.at(-1)!.trace_ratio! / rows[0]!.trace_ratio!).toBeLessThan(0.1);
  });

  it('a single-file plugin beside a config, as .mjs and as .ts, and one under ~/, import @ouroboros/core, zod and tfjs from the installation', async () => {
    const folder = join(experiments, 'single-files');
    mkdirSync(join(home, 'plugins', 'home-metric'), { recursive: true });
    mkdirSync(folder);
    writeFileSync(join(folder, 'count.mjs'), metricModule('count', 'mjs_count'));
    writeFileSync(join(folder, 'count.ts'), metricModule('typed-count', 'ts_count', true));
    writeFileSync(join(home, 'plugins', 'home-metric', 'index.mjs'), metricModule('home-count', 'home_count'));
    writeFileSync(join(folder, 'exp.yaml'), experiment('[./count.mjs, ./count.ts, ~/plugins/home-metric/index.mjs]', 'gaussian', '{ id: count }, { id: typed-count }, { id: home-count }'));
    expectOk(await run(ouro, ['run', 'exp.yaml', '--out', 'runs/single-files'], folder, { HOME: home }), 'ouro run with single-file plugins');
    const rows = historyRows(readFileSync(join(folder, 'runs', 'single-files', 'history.jsonl'), 'utf8'));
    expect(rows.map((r) => [r.mjs_count, r.ts_count, r.home_count])).toEqual([
      [100, 100, 100],
      [100, 100, 100],
      [100, 100, 100],
    ]);
  });

  it("the generator's --external package passes its own npm test as generated, builds, packs, installs beside the cli and runs from a config", async () => {
    const source = join(work, 'ouroboros-models-shipped');
    generateExternalPackage(source);
    expectOk(await run('npm', ['install', ...npmArgs], source), 'npm install (the package)');
    expectOk(await run('npm', ['test'], source), 'npm test (the package)');
    expectOk(await run('npm', ['run', 'build'], source), 'npm run build (the package)');
    expectOk(await run('npm', ['pack', '--pack-destination', work], source), 'npm pack (the package)');

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'my-experiments', private: true }, null, 2)}\n`);
    expectOk(await run('npm', ['install', ...npmArgs, '@ouroboros/cli', join(work, 'ouroboros-models-shipped-0.1.0.tgz')], project), 'npm install @ouroboros/cli and the plugin');
    writeFileSync(join(project, 'shipped.yaml'), experiment('[ouroboros-models-shipped]', 'shipped', '{ id: nll }'));
    const result = await run('npx', ['@ouroboros/cli', 'run', 'shipped.yaml', '--out', 'runs/shipped'], project);
    expectOk(result, 'npx @ouroboros/cli run shipped.yaml');
    const rows = historyRows(readFileSync(join(project, 'runs', 'shipped', 'history.jsonl'), 'utf8'));
    expect(rows.map((r) => r.generation)).toEqual([0, 1, 2]);
    expect(rows.every((r) => Number.isFinite(r.nll))).toBe(true);
    // The installed package is what a resume loads without --allow-plugins.
    expectOk(await run('npx', ['ouro', 'resume', 'runs/shipped'], project), 'npx ouro resume');
  });

  it("from a clone: the checkout's bin, linked onto the PATH, runs from any folder", async () => {
    mkdirSync(join(work, 'bin'));
    symlinkSync(join(workspaceRoot, 'packages', 'cli', 'bin', 'ouro.js'), join(work, 'bin', 'ouro'));
    const folder = join(experiments, 'from-clone');
    mkdirSync(folder);
    copyFileSync(join(workspaceRoot, 'examples', 'gaussian-collapse.yaml'), join(folder, 'collapse.yaml'));
    const result = await run('ouro', ['run', 'collapse.yaml', '--set', 'generations=2'], folder, { PATH: `${join(work, 'bin')}:${process.env.PATH}` });
    expectOk(result, 'ouro run from a clone');
    expect(existsSync(join(folder, result.stdout.trim().split('\n').at(-1)!))).toBe(true);
  });
});
