import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FeatureExtractorPlugin } from '../contracts/feature-extractor.ts';
import type { MetricPlugin } from '../contracts/metric.ts';
import { resolveConfig } from '../config/load-config.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, tempDir } from '../testing/index.ts';
import { verifyRun } from './verify-run.ts';

/** Features that are the samples, copied (so they are stored with their moments). */
const copied: FeatureExtractorPlugin<Record<string, never>> = {
  id: 'copied',
  description: 'test features: the samples',
  options: z.strictObject({}),
  create: (_options, { data }) => ({ dim: data.sampleShape[0]!, batchSize: 64, extract: async (samples) => Float32Array.from(samples) }),
};
const referenceMean: MetricPlugin<Record<string, never>> = {
  id: 'reference-mean',
  description: 'test metric: the mean of the reference features',
  options: z.strictObject({}),
  create: () => ({ compute: async ({ features }) => ({ reference_mean: (await (await features!()).reference.moments()).mean[0]! }) }),
};

const { registry, engine } = engineScope({
  plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin], metric: [referenceMean], features: [copied] },
  backend: cpuTensorBackend,
});
const root = tempDir();
afterAll(() => root.cleanup());

describe('the reference moments kept in the run folder', () => {
  it('carry a sha256: verify and resume name a damaged moments.f64 instead of computing FD from it', async () => {
    const dir = join(root.dir, 'run');
    const config = resolveConfig(
      { name: 'moments', seed: 1, generations: 1, dataset: { id: 'test-normal', dim: 2, train: 30, test: 30 }, model: { id: 'test-diagonal-gaussian' }, schedule: { id: 'constant-lambda', lambda: 0.5 }, features: [{ id: 'copied' }], metrics: [{ id: 'reference-mean', features: 'copied' }], trackers: [] },
      registry,
    );
    await engine.run(config, dir);
    const [key] = readdirSync(join(dir, 'features'));
    const moments = join(dir, 'features', key!, 'test', 'moments.f64');
    const bytes = readFileSync(moments);
    bytes[2 * 8 + 7]! ^= 0x10; // the exponent of the first mean
    writeFileSync(moments, bytes);
    const line = `${moments}: sha256 differs from moments.f64.sha256; the file is damaged`;
    expect(verifyRun(dir)).toEqual([line]);
    await expect(engine.run(config, dir, { resume: true })).rejects.toThrow(line);
  });
});
