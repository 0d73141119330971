import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateExternalPackage, historyRows, node, run, workspaceRoot, type Result } from './testing/workspace-copy.ts';

const temp = mkdtempSync(join(tmpdir(), 'ouroboros-external-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const experiment = (plugins: string, model = 'gaussian') => `name: shipped
seed: 3
generations: 2
dataset: { id: gaussian, dim: 2, train: 200, test: 200 }
model: { id: ${model} }
schedule: { id: fully-synthetic }
metrics: [ { id: nll } ]
trackers: [ { id: local } ]
plugins: ${plugins}
`;

function expectOk(result: Result, what: string): void {
  expect(result.code, `${what}: ${result.stderr}${result.stdout}`.slice(0, 4000)).toBe(0);
}

// A plugin shipped the way a user ships one: generated from the template outside the workspace,
// compiled with tsc, packed with npm pack, installed from the tarball (offline) into a project that
// has the ouro cli, named in plugins: and run.
describe('external plugin packages', () => {
  const project = join(temp, 'project');
  const ouro = join(project, 'node_modules', '@ouroboros', 'cli', 'bin', 'ouro.js');

  it('a packed package installed next to the cli, named in plugins:, and a module path beside the config run 2 generations', async () => {
    const source = join(temp, 'ouroboros-models-shipped');
    generateExternalPackage(source);
    // Build against this workspace's @ouroboros/core and libraries, as a user's node_modules would hold them.
    symlinkSync(join(workspaceRoot, 'node_modules'), join(source, 'node_modules'));
    // --noCheck: the workspace's packages have no declarations until packed; the out-of-workspace test
    // (tools/src/packaging/outside-workspace.e2e.ts) builds this package against the packed ones.
    expectOk(await node(source, [join(workspaceRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noCheck']), 'tsc');
    rmSync(join(source, 'node_modules'));
    expectOk(await run('npm', ['pack', '--pack-destination', temp, '--offline'], source), 'npm pack');

    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'experiment', private: true, dependencies: { 'ouroboros-models-shipped': 'file:../ouroboros-models-shipped-0.1.0.tgz' } }));
    expectOk(await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps'], project), 'npm install');
    expect(JSON.parse(readFileSync(join(project, 'node_modules', 'ouroboros-models-shipped', 'package.json'), 'utf8')).files).toEqual(['dist']);
    // The host's packages (the cli and the peers the plugin shares with it), as an installed ouroboros provides them.
    for (const name of ['@ouroboros', '@tensorflow', 'zod']) symlinkSync(join(workspaceRoot, 'node_modules', name), join(project, 'node_modules', name));

    writeFileSync(
      join(project, 'local-metric.mjs'),
      `import { z } from 'zod';
export const localMetrics = {
  name: 'local-metrics',
  contractVersion: 2,
  register(container) {
    container.register(Symbol.for('ouroboros.MetricPlugin'), { useValue: {
      id: 'sample-count', description: 'number of generated samples', options: z.strictObject({}),
      create: () => ({ compute: async ({ generated }) => ({ samples: generated.count }) }),
    } });
  },
};
`,
    );
    // The installed package by name, and a module by path beside the config, in one run.
    writeFileSync(join(project, 'shipped.yaml'), experiment('[ouroboros-models-shipped, ./local-metric.mjs]', 'shipped').replace('{ id: nll }', '{ id: nll }, { id: sample-count }'));
    expectOk(await node(project, [ouro, 'run', 'shipped.yaml', '--out', 'runs/shipped']), 'ouro run');
    const rows = historyRows(readFileSync(join(project, 'runs', 'shipped', 'history.jsonl'), 'utf8'));
    expect(rows.map((r) => r.generation)).toEqual([0, 1, 2]);
    expect(rows.every((r) => Number.isFinite(r.nll))).toBe(true);
    expect(rows.map((r) => r.samples)).toEqual([200, 200, 200]);
  });

  it('a module that exports nothing useful, or a package of another contract version, is refused with one clear line', async () => {
    const folder = join(temp, 'errors');
    const cli = join(workspaceRoot, 'packages', 'cli', 'bin', 'ouro.js');
    mkdirSync(folder);
    writeFileSync(join(folder, 'nothing.mjs'), 'export const answer = 42;\nexport default { name: "no register" };\n');
    writeFileSync(join(folder, 'nothing.yaml'), experiment('[./nothing.mjs]'));
    const nothing = await node(folder, [cli, 'run', 'nothing.yaml']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr.trim().split('\n')).toEqual([`ouro: packages: package '${join(folder, 'nothing.mjs')}' exports no PluginPackage (an object with name and register(container))`]);

    writeFileSync(join(folder, 'old.mjs'), "export const oldPlugins = { name: 'old-plugins', contractVersion: 1, register() {} };\n");
    writeFileSync(join(folder, 'old.yaml'), experiment('[./old.mjs]'));
    const old = await node(folder, [cli, 'run', 'old.yaml']);
    expect(old.code).toBe(1);
    expect(old.stderr.trim().split('\n')).toHaveLength(1);
    expect(old.stderr).toContain(`packages: package '${join(folder, 'old.mjs')}' (old-plugins) implements plugin contract version 1; this ouroboros implements version 2`);
  });
});
