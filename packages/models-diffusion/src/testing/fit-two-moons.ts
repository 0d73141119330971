import { join } from 'node:path';
import { Rng, SampleStore, TrainingSet, type DataInfo, type ModelPlugin } from '@ouroboros/core';
import { fittedFrechetDistance, nearMoons, tempDir, testContext, twoMoons } from '@ouroboros/core/testing';

/** What the family tests train with: a 3x128 MLP, batch 256, a short warm-up, a fast EMA. */
export const TWO_MOONS_OPTIONS = { network: 'mlp', mlp: { hidden: 128, layers: 3, timeEmbedding: 32 }, lr: 5e-3, warmupSteps: 100, ema: 0.95, batchSize: 256, sampleBatch: 1000 };

/**
 * The family tests' fd threshold against fresh moons. fd only compares means and covariances: an
 * untrained model is far above it (its samples are noise-like), a Gaussian with the moons' moments
 * below. The share of samples near the moons (`nearMoons`, from `@ouroboros/core/testing`) is what shows the shape was learned: the
 * moons' own samples score 0.87, a Gaussian with their moments 0.35; at the tests' budgets the families
 * score 0.49 (ddpm, 1500 steps), 0.68 (edm, 800), 0.50 (otcfm, 800), blurred moons that sharpen with
 * more steps (ddpm: 0.60 at 3000), so the thresholds ask for a clear gain over the Gaussian.
 */
export const TWO_MOONS_FD = 0.02;

/**
 * Trains a model of `plugin` on 2,000 two-moons points through its fit (the nn training loop on a
 * stored TrainingSet, as the engine runs it) and samples 2,000 points. Returns fd against 4,000 fresh
 * points and the share of samples near the moons.
 */
export async function fitTwoMoons<T>(plugin: ModelPlugin<T>, options: Record<string, unknown>, steps: number): Promise<{ fd: number; near: number; loss: number }> {
  const info: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 2000, testCount: 0 };
  const folder = tempDir('diffusion-moons-');
  try {
    const train = new TrainingSet([{ name: 'real', store: await SampleStore.write(join(folder.dir, 'train'), info, twoMoons(2000, Rng.from(1))) }]);
    const model = plugin.create(plugin.options.parse(options), { data: info, rng: Rng.from(0) });
    const report = await model.fit(train, { steps }, testContext(0, 0, { checkpointDir: join(folder.dir, 'fit') }));
    const samples: number[] = [];
    for await (const batch of model.sample(2000, testContext(1))) {
      samples.push(...(await batch.data()));
      batch.dispose();
    }
    model.dispose();
    return { fd: fittedFrechetDistance(samples, twoMoons(4000, Rng.from(2))), near: nearMoons(samples), loss: report.trainLoss! };
  } finally {
    folder.cleanup();
  }
}
