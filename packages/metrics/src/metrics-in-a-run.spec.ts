import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '@ouroboros/core';
import { diagonalGaussianModelPlugin, engineScope, readHistory, tempDir, tinyImagesDatasetPlugin } from '@ouroboros/core/testing';
import { tensorBackend } from '@ouroboros/nn';
import { metricsPackage } from './register.ts';

const root = tempDir('metrics-run-');
afterAll(() => root.cleanup());

describe('the metrics in a run', () => {
  it('put fd_cnn, precision, recall, density, coverage, class coverage and nll/bpd into every generation\'s history row', async () => {
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
    for (const t of [0, 2]) expect(rows[t]!.coverage).toBeGreaterThanOrEqual(0);
  });
});
