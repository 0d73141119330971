import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CuratorPlugin } from '../contracts/curator.ts';
import { resolveConfig } from '../config/load-config.ts';
import { SampleStore } from '../store/sample-store.ts';
import { readTrainingSetManifest } from '../store/training-set-manifest.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, readHistory, tempDir } from '../testing/index.ts';

/** Keeps the rows whose first value is positive (a third of the draws are asked for), and says so. */
const positiveFirst: CuratorPlugin<Record<string, never>> = {
  id: 'test-positive-first',
  description: 'test curator',
  options: z.strictObject({}),
  create: () => ({
    samplesToDraw: (needed) => 3 * needed,
    async curate({ samples, needed }) {
      const values = await samples.readAll();
      const rows = Array.from({ length: samples.count }, (_, i) => i).filter((i) => values[i * 2]! > 0);
      return { kept: Uint32Array.from(rows.slice(0, Math.max(needed, rows.length))), reason: `kept ${rows.length} with x0 > 0`, stats: { positive: rows.length } };
    },
  }),
};

const { registry, engine } = engineScope({ plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin], curator: [positiveFirst] }, backend: cpuTensorBackend });
const root = tempDir();
afterAll(() => root.cleanup());

const base = {
  name: 'curation-test',
  seed: 1,
  generations: 2,
  backend: 'cpu',
  dataset: { id: 'test-normal', dim: 2, train: 40, test: 100 },
  model: { id: 'test-diagonal-gaussian' },
  schedule: { id: 'constant-lambda', lambda: 0.5 },
  metrics: [],
  trackers: [],
};

describe('a curator in a run', () => {
  it('draws what it asks for, and the next generation trains on the curated samples, recorded in curation.json and the history', async () => {
    const dir = join(root.dir, 'curated');
    await engine.run(resolveConfig({ ...base, curator: { id: 'test-positive-first' } }, registry), dir);
    const gen0 = join(dir, 'gen-000');
    expect(SampleStore.open(join(gen0, 'samples')).count).toBe(60);
    const curated = await SampleStore.open(join(gen0, 'curated')).readAll();
    const record = JSON.parse(readFileSync(join(gen0, 'curation.json'), 'utf8'));
    expect(record).toMatchObject({ curator: 'test-positive-first', generation: 0, drawn: 60 });
    expect(record.kept).toBe(curated.length / 2);
    expect(Array.from({ length: record.kept }, (_, i) => curated[2 * i]!).every((x) => x > 0)).toBe(true);
    const set = readTrainingSetManifest(join(dir, 'gen-001'), dir);
    expect(set.segments.map((s) => s.store.dir)).toEqual([join(dir, 'real', 'train'), join(gen0, 'curated')]);
    const synthetic = await set.gather(Array.from({ length: 20 }, (_, i) => 40 + i));
    expect(Array.from({ length: 20 }, (_, i) => synthetic[2 * i]!).every((x) => x > 0)).toBe(true);
    const history = readHistory(dir);
    expect(history.map((row) => row.curated_fraction)).toEqual([0, 1, 2].map((t) => JSON.parse(readFileSync(join(dir, `gen-00${t}`, 'curation.json'), 'utf8')).kept / 60));
    expect(history[0]!.curator_positive).toBe(record.kept);
  });

  it('leaves a run without a curator as it was: no curated store, no curation columns', async () => {
    const dir = join(root.dir, 'plain');
    await engine.run(resolveConfig(base, registry), dir);
    expect(existsSync(join(dir, 'gen-000', 'curated'))).toBe(false);
    expect(SampleStore.open(join(dir, 'gen-000', 'samples')).count).toBe(40);
    expect(readHistory(dir).every((row) => !('curated_fraction' in row))).toBe(true);
  });

  it('refuses a sampling.count below what the curator draws, before anything runs', async () => {
    const dir = join(root.dir, 'too-few');
    await expect(engine.run(resolveConfig({ ...base, curator: { id: 'test-positive-first' }, sampling: { count: 50 } }, registry), dir)).rejects.toThrow(
      'sampling.count = 50: the schedule takes 20 samples per generation and the curator draws 60 to keep them; expected at least 60',
    );
    expect(existsSync(join(dir, 'gen-000'))).toBe(false);
  });

  it('names an unknown curator with the known ids', () => {
    expect(() => resolveConfig({ ...base, curator: { id: 'likelihood-filtre' } }, registry)).toThrow('curator.id = "likelihood-filtre": unknown curator; known curator ids: classifier-filter, function, likelihood-filter, none, self-correct, test-positive-first');
  });
});
