import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeatureExtractor } from '../contracts/feature-extractor.ts';
import { Rng } from '../rng/rng.ts';
import { SampleStore } from '../store/sample-store.ts';
import { tempDir, testContext } from '../testing/index.ts';
import { FeatureCache, type NamedExtractor } from './feature-cache.ts';
import { RunFolder } from './run-folder.ts';

/**
 * The reference moments FD compares against, as the engine computes them (features of the real split
 * through a stand-in extractor, accumulated batch by batch, kept in the run folder): checked against
 * the two-pass float64 mean and unbiased covariance Σ (f − μ)(f − μ)ᵀ / (n − 1) of the same features.
 */
const root = tempDir('feature-cache-');
afterAll(() => root.cleanup());

const N = 5000; // more than one batch of the moment accumulator (4096)
/** f(x) = (x_0, x_1, x_0 x_1 + 100): a far-from-zero mean and correlated coordinates. */
const feature = (x0: number, x1: number) => [x0, x1, x0 * x1 + 100].map(Math.fround);

function standIn(calls: { count: number }): NamedExtractor {
  const extractor: FeatureExtractor = {
    dim: 3,
    batchSize: 700,
    extract: async (samples, count) => {
      calls.count++;
      return Float32Array.from(Array.from({ length: count }, (_, i) => feature(samples[2 * i]!, samples[2 * i + 1]!)).flat());
    },
  };
  return { id: 'stand-in', key: 'stand-in', extractor };
}

/** Two passes in float64: μ = Σ f / n, then Σ (f − μ)(f − μ)ᵀ / (n − 1). */
function twoPass(features: number[][]): { mean: number[]; covariance: number[] } {
  const d = features[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => features.reduce((s, f) => s + f[j]!, 0) / features.length);
  const covariance = Array.from({ length: d * d }, (_, k) => {
    const [i, j] = [Math.floor(k / d), k % d];
    return features.reduce((s, f) => s + (f[i]! - mean[i]!) * (f[j]! - mean[j]!), 0) / (features.length - 1);
  });
  return { mean, covariance };
}

function expectRelativelyClose(got: ArrayLike<number>, want: number[]): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `element ${i}: ${got[i]} vs ${w}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(w))));
}

describe('the feature cache', () => {
  it("keeps the real split's features and their mean and unbiased covariance, equal to a two-pass float64 computation, and reuses them", async () => {
    const rng = Rng.from(11);
    const samples = Float32Array.from({ length: 2 * N }, (_, i) => (i % 2 === 0 ? 3 + 2 * rng.normal() : -1 + 0.5 * rng.normal()));
    const real = await SampleStore.write(join(root.dir, 'real'), { dtype: 'float32', sampleShape: [2] }, samples);
    const folder = new RunFolder(join(root.dir, 'run'));
    const data = { train: real, cacheDir: join(root.dir, 'cache'), seed: 0, note: () => {} };
    const calls = { count: 0 };
    const named = standIn(calls);
    const want = twoPass(Array.from({ length: N }, (_, i) => feature(samples[2 * i]!, samples[2 * i + 1]!)));

    const reference = await new FeatureCache(folder, data).reference(named, 'test', real, testContext());
    expect(Array.from(await SampleStore.open(folder.featuresDir('stand-in', 'test')).read(0, 2))).toEqual([...feature(samples[0]!, samples[1]!), ...feature(samples[2]!, samples[3]!)]);
    const moments = await reference.moments();
    expect(moments.count).toBe(N);
    expectRelativelyClose(moments.mean, want.mean);
    expectRelativelyClose(moments.covariance, want.covariance);
    expect(existsSync(join(folder.featuresDir('stand-in', 'test'), 'moments.f64'))).toBe(true);

    // a second run on the folder (a resume) reads the features and moments back: no extraction
    const extracted = calls.count;
    const again = await (await new FeatureCache(folder, data).reference(named, 'test', real, testContext())).moments();
    expect(calls.count).toBe(extracted);
    expectRelativelyClose(again.mean, want.mean);
    expectRelativelyClose(again.covariance, want.covariance);
    const saved = new Float64Array(new Uint8Array(readFileSync(join(folder.featuresDir('stand-in', 'test'), 'moments.f64'))).buffer);
    expect(Array.from(saved.subarray(0, 2))).toEqual([N, 3]);

    // a generation's features get the same moments
    const generated = await new FeatureCache(folder, data).ofGeneration(named, 1, real, join(root.dir, 'gen-work'), testContext());
    const generatedMoments = await generated.moments();
    expectRelativelyClose(generatedMoments.covariance, want.covariance);
  });
});
