import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyWorkspace, historyRows, node, type Result } from './testing/workspace-copy.ts';

const copy = mkdtempSync(join(tmpdir(), 'ouroboros-generators-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

// The way a researcher adds a model family: `nx g`, the generated tests, then `ouro`, in a copy of
// the workspace (its node_modules links to this one's, so nothing is installed or touched here).
describe('plugin generators, end to end in a copy of the workspace', () => {
  it('nx g model-plugin, dataset-plugin and metric-plugin give packages whose tests pass and whose plugins ouro lists and runs for 2 generations', async () => {
    copyWorkspace(copy);
    const nx = join(copy, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
    for (const [kind, name] of [['model', 'e2e-model'], ['dataset', 'e2e-data'], ['metric', 'e2e-metric']]) {
      const generated = await node(copy, [nx, 'g', `@ouroboros/tools:${kind}-plugin`, '--name', name!, '--skipInstall']);
      expect(generated.code, generated.stderr + generated.stdout).toBe(0);
      expect(generated.stdout).toContain(`CREATE packages/${kind}s-${name}/src/${name}-plugin.ts`);
      expect(generated.stdout).toContain('UPDATE packages/cli/src/composition-root.ts');
    }
    expect(readFileSync(join(copy, 'packages', 'cli', 'src', 'composition-root.ts'), 'utf8')).toMatch(/e2eModelModelsPackage, e2eDataDatasetsPackage, e2eMetricMetricsPackage\]/);

    // The three generated suites in one vitest process, while ouro lists and runs the new plugins.
    const projects = ['models-e2e-model', 'datasets-e2e-data', 'metrics-e2e-metric'].map((p) => `packages/${p}`);
    writeFileSync(join(copy, 'vitest.generated.config.ts'), `export default { test: { projects: ${JSON.stringify(projects)} } };\n`);
    const suites = node(copy, [join(copy, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'vitest.generated.config.ts']);

    let tests: Result;
    try {
      const ouro = join(copy, 'packages', 'cli', 'bin', 'ouro.js');
      const listing = JSON.parse((await node(copy, [ouro, 'plugins', '--json'])).stdout) as Array<{ kind: string; plugins: Array<{ id: string }> }>;
      const ids = (kind: string) => listing.find((k) => k.kind === kind)!.plugins.map((p) => p.id);
      expect(ids('model')).toContain('e2e-model');
      expect(ids('dataset')).toContain('e2e-data');
      expect(ids('metric')).toContain('e2e-metric');

      writeFileSync(
        join(copy, 'generated.yaml'),
        `name: generated
seed: 1
generations: 2
dataset: { id: e2e-data, train: 300, test: 300 }
model: { id: e2e-model }
schedule: { id: fully-synthetic }
metrics: [ { id: e2e-metric }, { id: nll } ]
trackers: [ { id: local } ]
`,
      );
      const run = await node(copy, [ouro, 'run', 'generated.yaml', '--out', 'runs/generated']);
      expect(run.code, run.stderr).toBe(0);
      const rows = historyRows(readFileSync(join(copy, 'runs', 'generated', 'history.jsonl'), 'utf8'));
      expect(rows.map((r) => r.generation)).toEqual([0, 1, 2]);
      for (const row of rows) expect(Number.isFinite(row['e2e-metric']) && Number.isFinite(row.nll)).toBe(true);
    } finally {
      // Never leave the suites running past the test, whatever failed above.
      tests = await suites;
    }
    expect(tests.code, tests.stdout.slice(-3000)).toBe(0);
    expect(tests.stdout).toMatch(/Test Files\s+3 passed \(3\)/);
  });
});
