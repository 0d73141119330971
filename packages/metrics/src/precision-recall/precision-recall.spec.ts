import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ouroboros/nn';
import { tempDir, testContext } from '@ouroboros/core/testing';
import { metricInput, recordingEnv, vectorStore } from '../test-support.ts';
import { ballCoverage } from './ball-coverage.ts';
import { improvedPrecisionRecall } from './improved-precision-recall.ts';
import { kNearestSquaredRadii } from './knn-radii.ts';
import { pairwiseSquaredDistances } from './pairwise-distances.ts';
import { precisionRecallMetricPlugin, precisionRecallOptions } from './precision-recall-metric.ts';

const temp = tempDir('precision-recall-');

afterAll(() => temp.cleanup());

/** Unit squares of four points with lower-left corner (x, y). */
const square = (x: number, y: number) => [
  [x, y],
  [x + 1, y],
  [x, y + 1],
  [x + 1, y + 1],
];

function points(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows);
}

describe.each(['cpu', 'wasm'] as const)('on the %s backend', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  describe('pairwise distances and k-NN radii', () => {
    it('computes |a_i - b_j|^2 for all pairs', async () => {
      const d = tf.tidy(() => pairwiseSquaredDistances(points([[0, 0], [3, 4]]), points([[0, 0], [1, 1], [3, 0]])));
      expect(Array.from(await d.data())).toEqual([0, 2, 9, 25, 13, 16]);
      d.dispose();
    });

    it('finds the k-th nearest other point on a line for k = 1, 2 and 4, in blocks or not', async () => {
      // Points 0, 1, 3, 6, 10: distances from 6 are 6, 5, 3, 4, so its 2nd neighbour is at 4.
      const x = tf.tensor2d([0, 1, 3, 6, 10], [5, 1]);
      expect(Array.from(await kNearestSquaredRadii(x, 1))).toEqual([1, 1, 4, 9, 16]);
      expect(Array.from(await kNearestSquaredRadii(x, 2))).toEqual([9, 4, 9, 16, 49]);
      expect(Array.from(await kNearestSquaredRadii(x, 2, 2))).toEqual([9, 4, 9, 16, 49]);
      expect(Array.from(await kNearestSquaredRadii(x, 4))).toEqual([100, 81, 49, 36, 100]);
      x.dispose();
    });

    it('excludes only the point itself: a duplicate is a neighbour at distance 0', async () => {
      const x = tf.tensor2d([0, 0, 5], [3, 1]);
      expect(Array.from(await kNearestSquaredRadii(x, 1))).toEqual([0, 0, 25]);
      x.dispose();
    });

    it('refuses k >= the number of points', async () => {
      const x = tf.tensor2d([0, 1, 2], [3, 1]);
      await expect(kNearestSquaredRadii(x, 3)).rejects.toThrow('kNearestSquaredRadii: k = 3 needs at least 4 points, got 3');
      x.dispose();
    });

    it('counts the queries inside at least one ball', async () => {
      const centres = tf.tensor2d([0, 10], [2, 1]);
      const queries = tf.tensor2d([0.5, 3, 11.9, 12.1, -1.5], [5, 1]);
      // Balls [-1, 1] and [8, 12]: 0.5 and 11.9 are inside.
      expect(await ballCoverage(queries, centres, Float32Array.of(1, 4))).toBeCloseTo(2 / 5, 12);
      expect(await ballCoverage(queries, centres, Float32Array.of(1, 4), 2)).toBeCloseTo(2 / 5, 12);
      tf.dispose([centres, queries]);
    });
  });

  describe('improvedPrecisionRecall', () => {
    it('k = 1, three real clusters and five generated points: precision 3/5, recall 2/3', async () => {
      // Real: unit squares at (0,0), (10,10), (30,0); every real ball has radius 1.
      // Generated (0.5,0.5), (10.5,10.2), (0,-0.9) fall in a real ball; (5,5) and (-3,0) do not: precision 3/5.
      // Generated radii (1-NN): 1.49, 7.57, 6.36, 1.49, 3.13; they cover the squares at (0,0) and (10,10) but
      // not the one at (30,0), whose nearest generated point is 22 away: recall 8/12.
      const real = points([...square(0, 0), ...square(10, 10), ...square(30, 0)]);
      const generated = points([[0.5, 0.5], [10.5, 10.2], [5, 5], [0, -0.9], [-3, 0]]);
      const { precision, recall } = await improvedPrecisionRecall(real, generated, 1);
      expect(precision).toBeCloseTo(3 / 5, 12);
      expect(recall).toBeCloseTo(2 / 3, 12);
      tf.dispose([real, generated]);
    });

    it('leaks no tensors', async () => {
      const real = points(square(0, 0));
      const generated = points(square(0.5, 0));
      const before = tf.memory().numTensors;
      await improvedPrecisionRecall(real, generated, 2);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([real, generated]);
    });
  });

});

describe('precision-recall metric', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  async function compute(real: number[][], generated: number[][], name: string, options: Record<string, unknown> = {}, seed = 0) {
    const metric = precisionRecallMetricPlugin.create(precisionRecallOptions.parse(options), recordingEnv(2));
    return metric.compute(metricInput(await vectorStore(join(temp.dir, `${name}-real`), real), await vectorStore(join(temp.dir, `${name}-generated`), generated)), testContext(seed));
  }

  it('counts a sample exactly on a k-NN ball boundary as inside (distance <= radius), one just beyond as outside', async () => {
    // Real 0, 1, 2, 3 on a line: with k = 1 the ball of 0 has radius 1, so -1 lies exactly on it.
    const real = [[0, 0], [1, 0], [2, 0], [3, 0]];
    expect((await compute(real, [[-1, 0], [100, 0]], 'on-boundary', { k: 1 })).precision).toBe(0.5);
    expect((await compute(real, [[-1.0001, 0], [100, 0]], 'beyond-boundary', { k: 1 })).precision).toBe(0);
  });

  it('k = 3 by default: precision 3/5, recall 2/3 on a hand-made case', async () => {
    // Real: unit squares at (0,0), (10,10), (60,0); the 3rd neighbour of a corner is the opposite corner,
    // so every real ball has radius sqrt 2. Generated (0.5,0.5), (2.2,1) [1.2 from (1,1)] and (10.5,10.5)
    // are inside; (3,3) [2.83 from (1,1)] and (20,21) are not: precision 3/5.
    // Generated 3rd-neighbour radii: 14.1, 12.6, 10.6, 14.1, 26.8; the squares at (0,0) and (10,10) are
    // covered, the one at (60,0) is 44 from (20,21): recall 8/12.
    const real = [...square(0, 0), ...square(10, 10), ...square(60, 0)];
    const generated = [[0.5, 0.5], [2.2, 1], [3, 3], [10.5, 10.5], [20, 21]];
    expect(await compute(real, generated, 'k3')).toEqual({ precision: expect.closeTo(3 / 5, 12), recall: expect.closeTo(2 / 3, 12) });
  });

  it('is 1 and 1 for identical sets', async () => {
    const rows = [...square(0, 0), ...square(5, 1)];
    expect(await compute(rows, rows, 'same', { k: 2 })).toEqual({ precision: 1, recall: 1 });
  });

  it('subsamples each set to maxSamples with the run rng, reproducibly', async () => {
    const real = Array.from({ length: 60 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
    const generated = Array.from({ length: 60 }, (_, i) => [Math.sin(i) + 0.3, Math.cos(5 * i)]);
    const a = await compute(real, generated, 'sub-a', { maxSamples: 20 }, 1);
    const b = await compute(real, generated, 'sub-b', { maxSamples: 20 }, 1);
    expect(b).toEqual(a);
    for (const value of [a.precision!, a.recall!]) expect(value * 20).toBeCloseTo(Math.round(value * 20), 9);
  });

  it('names the set that is too small for k', async () => {
    await expect(compute(square(0, 0), square(1, 1).slice(0, 3), 'small')).rejects.toThrow(
      'precision-recall: k = 3 needs at least 4 generated samples, got 3',
    );
  });

  it('validates its options: k >= 1 integer, defaults k = 3 and maxSamples = 10000', () => {
    expect(precisionRecallOptions.parse({})).toEqual({ k: 3, maxSamples: 10_000 });
    expect(() => precisionRecallOptions.parse({ k: 0 })).toThrow();
    expect(() => precisionRecallOptions.parse({ k: 1.5 })).toThrow();
  });
});
