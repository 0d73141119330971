import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig, SampleStore } from '@ouroboros/core';
import { diagonalGaussianModelPlugin, engineScope, readHistory, tempDir, tinyImagesDatasetPlugin } from '@ouroboros/core/testing';
import { tensorBackend } from '@ouroboros/nn';
import { metricsPackage } from './register.ts';
import { bruteForceNeighbourMetrics } from './testing/brute-force-neighbours.ts';

const root = tempDir('metrics-run-');
afterAll(() => root.cleanup());

/** The samples of a uint8 store as pixel features v / 255 (float32, as the pixels extractor gives them), one row each. */
async function pixelRows(dir: string): Promise<number[][]> {
  const store = SampleStore.open(dir);
  const values = await store.readAll();
  const d = values.length / store.count;
  return Array.from({ length: store.count }, (_, i) => Array.from(values.subarray(i * d, (i + 1) * d), (v) => Math.fround(v / 255)));
}

describe('the metrics in a run', () => {
  it('put fd_cnn, precision, recall, density, coverage, class coverage and nll/bpd into every generation\'s history row, the neighbour metrics equal to brute force on the stored samples', async () => {
    const { registry, engine } = engineScope({ packages: [metricsPackage], plugins: { model: [diagonalGaussianModelPlugin], dataset: [tinyImagesDatasetPlugin] }, backend: tensorBackend });
    const classifier = { width: 8, featureDim: 16, epochs: 2, batchSize: 32, learningRate: 3e-3 };
    const config = resolveConfig(
      {
        name: 'metrics-run',
        seed: 3,
        generations: 2,
        backend: 'wasm',
        dataset: { id: 'test-tiny-images', size: 8, train: 200, test: 60 },
        model: { id: 'test-diagonal-gaussian' },
        schedule: { id: 'fully-synthetic' },
        features: [{ id: 'classifier', ...classifier }, { id: 'classifier-logits', ...classifier }],
        metrics: [
          { id: 'fd', features: 'classifier' },
          { id: 'precision-recall' },
          { id: 'density-coverage', every: 2 },
          { id: 'class-coverage', features: 'classifier-logits' },
          { id: 'nll' },
        ],
        trackers: [],
      },
      registry,
    );
    // The shared data (real splits, the trained classifier) goes beside the run folder: inside the temporary folder.
    const runDir = join(root.dir, 'run');
    await engine.run(config, runDir);
    expect(readdirSync(join(root.dir, '.ouroboros-data', 'features')).filter((f) => f.startsWith('classifier-'))).toHaveLength(1);
    const rows = readHistory(runDir);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      for (const key of ['fd_cnn', 'precision', 'recall', 'class_kl', 'classes_covered', 'nll', 'bpd']) expect(Number.isFinite(row[key]), `${key} in ${JSON.stringify(row)}`).toBe(true);
      expect(row.precision).toBeGreaterThanOrEqual(0);
      expect(row.classes_covered).toBeLessThanOrEqual(3);
    }
    expect(Object.keys(rows[1]!)).not.toContain('density');
    // each generation's neighbour metrics are those of its stored samples against the test split (pixel features)
    const real = await pixelRows(join(runDir, 'real', 'test'));
    for (const t of [0, 1, 2]) {
      const want = bruteForceNeighbourMetrics(real, await pixelRows(join(runDir, `gen-00${t}`, 'samples')));
      expect(rows[t]!.precision, `precision of generation ${t}`).toBeCloseTo(want.precision, 10);
      expect(rows[t]!.recall, `recall of generation ${t}`).toBeCloseTo(want.recall, 10);
      if (t !== 1) expect([rows[t]!.density, rows[t]!.coverage]).toEqual([expect.closeTo(want.density, 10), expect.closeTo(want.coverage, 10)]);
      // bits per dimension of 8 x 8 x 3 values
      expect(rows[t]!.bpd).toBeCloseTo(rows[t]!.nll! / (192 * Math.LN2), 10);
      expect(rows[t]!.fd_cnn).toBeGreaterThanOrEqual(0);
      expect(rows[t]!.class_kl).toBeGreaterThanOrEqual(0);
    }
  });
});
