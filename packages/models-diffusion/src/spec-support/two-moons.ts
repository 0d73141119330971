import { join } from 'node:path';
import { frechetDistanceOf } from './frechet.ts';
import { MomentAccumulator, Rng, SampleStore, TrainingSet, type DataInfo, type ModelPlugin } from '@ouroboros/core';
import { tempDir, testContext } from '@ouroboros/core/testing';

/** What the family tests train with: a 3x128 MLP, batch 256, a short warm-up, a fast EMA. */
export const TWO_MOONS_OPTIONS = { network: 'mlp', mlp: { hidden: 128, layers: 3, timeEmbedding: 32 }, lr: 5e-3, warmupSteps: 100, ema: 0.95, batchSize: 256, sampleBatch: 1000 };

/**
 * The family tests' fd threshold against fresh moons. fd only compares means and covariances: an
 * untrained model is far above it (its samples are noise-like), a Gaussian with the moons' moments
 * below. The share of samples near the moons (`nearMoons`) is what shows the shape was learned: the
 * moons' own samples score 0.87, a Gaussian with their moments 0.35; at the tests' budgets the families
 * score 0.49 (ddpm, 1500 steps), 0.68 (edm, 800), 0.50 (otcfm, 800), blurred moons that sharpen with
 * more steps (ddpm: 0.60 at 3000), so the thresholds ask for a clear gain over the Gaussian.
 */
export const TWO_MOONS_FD = 0.02;

/** sklearn make_moons(noise = 0.1): upper moon (cos θ, sin θ), lower (1 − cos θ, ½ − sin θ), θ ~ U[0, π], plus N(0, 0.1²) noise. */
export function twoMoons(n: number, rng: Rng): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [lower, angle] = [rng.uniform() < 0.5, Math.PI * rng.uniform()];
    out[2 * i] = (lower ? 1 - Math.cos(angle) : Math.cos(angle)) + 0.1 * rng.normal();
    out[2 * i + 1] = (lower ? 0.5 - Math.sin(angle) : Math.sin(angle)) + 0.1 * rng.normal();
  }
  return out;
}

// distance from p to the arc of radius 1 around c on the side `sign` (+1: y ≥ c_y, −1: y ≤ c_y), ends included
function arcDistance(x: number, y: number, cx: number, cy: number, sign: number): number {
  if (sign * (y - cy) >= 0) return Math.abs(Math.hypot(x - cx, y - cy) - 1);
  return Math.min(Math.hypot(x - cx - 1, y - cy), Math.hypot(x - cx + 1, y - cy));
}

/** Share of 2-D points within `radius` of either moon's centre line. The moons' own data: 0.87 at 0.15; a Gaussian with their moments: 0.35. */
export function nearMoons(points: ArrayLike<number>, radius = 0.15): number {
  let near = 0;
  for (let i = 0; i < points.length / 2; i++) {
    const [x, y] = [points[2 * i]!, points[2 * i + 1]!];
    if (Math.min(arcDistance(x, y, 0, 0, 1), arcDistance(x, y, 1, 0.5, -1)) < radius) near++;
  }
  return near / (points.length / 2);
}

/** Fréchet distance between Gaussians fitted to two sets of 2-D points (unbiased covariances, as the fd metric). */
export function fd2d(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const moments = (x: ArrayLike<number>) => {
    const acc = new MomentAccumulator(2).add(x);
    return { mean: acc.mean(), covariance: acc.covariance(1) };
  };
  return frechetDistanceOf(moments(a), moments(b));
}

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
    return { fd: fd2d(samples, twoMoons(4000, Rng.from(2))), near: nearMoons(samples), loss: report.trainLoss! };
  } finally {
    folder.cleanup();
  }
}
