import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveConfig } from '../config/load-config.ts';
import type { FeatureExtractorPlugin } from '../contracts/feature-extractor.ts';
import type { MetricPlugin } from '../contracts/metric.ts';
import { cpuTensorBackend, diagonalGaussianModelPlugin, engineScope, normalDatasetPlugin, tempDir } from '../testing/index.ts';
import { verifyRun } from './verify-run.ts';

/** Features that are a copy (so the run folder keeps a features/ store), and a metric that reads them. */
const doubled: FeatureExtractorPlugin<Record<string, never>> = {
  id: 'doubled',
  description: 'test extractor: the samples times 2',
  options: z.strictObject({}),
  create: (_options, env) => ({ dim: env.data.sampleShape[0]!, batchSize: 64, extract: async (samples) => Float32Array.from(samples, (v) => 2 * v) }),
};
const featureMean: MetricPlugin<Record<string, never>> = {
  id: 'feature-mean',
  description: 'test metric: the mean of the first feature of each set',
  options: z.strictObject({}),
  create: () => ({
    async compute(input) {
      const { reference, generated } = await input.features();
      return { reference_mean: (await reference.moments()).mean[0]!, generated_mean: (await generated.moments()).mean[0]! };
    },
  }),
};

const { registry, engine } = engineScope({
  plugins: { model: [diagonalGaussianModelPlugin], dataset: [normalDatasetPlugin], metric: [featureMean], features: [doubled] },
  backend: cpuTensorBackend,
});
const root = tempDir('verify-run-');
afterAll(() => root.cleanup());

const firstChunk = (store: string) => join(store, readdirSync(store).filter((name) => /^chunk-.*\.bin$/.test(name)).sort()[0]!);

describe('verifyRun', () => {
  it('checks every sample store of the folder, as resume does: real/train, real/test, features/<extractor>/<split> and each committed generation', async () => {
    const dir = join(root.dir, 'run');
    const config = resolveConfig(
      { name: 'verify', seed: 1, generations: 2, dataset: { id: 'test-normal', dim: 2, train: 40, test: 40 }, model: { id: 'test-diagonal-gaussian' }, schedule: { id: 'constant-lambda', lambda: 0.5 }, features: [{ id: 'doubled' }], metrics: [{ id: 'feature-mean', features: 'doubled' }], trackers: [] },
      registry,
    );
    await engine.run(config, dir);
    expect(verifyRun(dir)).toEqual([]);
    const [extractorKey] = readdirSync(join(dir, 'features'));
    const stores = [join(dir, 'real', 'train'), join(dir, 'real', 'test'), join(dir, 'features', extractorKey!, 'test'), join(dir, 'gen-001', 'samples'), join(dir, 'gen-002', 'samples')];
    for (const store of stores) {
      const chunk = firstChunk(store);
      const bytes = readFileSync(chunk);
      const damaged = Uint8Array.from(bytes);
      damaged[3]! ^= 0xff;
      writeFileSync(chunk, damaged);
      try {
        expect(verifyRun(dir), store).toContain(`${chunk}: sha256 differs from samples.json; the file is damaged`);
        // resume checks the same stores before it touches the folder
        await expect(engine.run(config, dir, { resume: true }), store).rejects.toThrow(`${chunk}: sha256 differs`);
      } finally {
        writeFileSync(chunk, bytes);
      }
    }
    expect(verifyRun(dir)).toEqual([]);
  });
});
