import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ouroboros/nn';
import { Rng } from '@ouroboros/core';
import { findPython, metricInput, recordingEnv, runPython, tempDir, testContext, vectorStore } from '@ouroboros/core/testing';
import { bruteForceNeighbourMetrics, bruteForceRadii } from '../testing/brute-force-neighbours.ts';
import { densityCoverageMetricPlugin, densityCoverageOptions } from './density-coverage-metric.ts';
import { forEachDistanceBlock } from './distance-blocks.ts';
import { kNearestSquaredRadii } from './knn-radii.ts';
import { manifoldMatches } from './manifold-matches.ts';
import { pointSet } from './point-set.ts';
import { densityCoverage, improvedPrecisionRecall } from './prdc.ts';
import { precisionRecallMetricPlugin, precisionRecallOptions } from './precision-recall-metric.ts';

const temp = tempDir('neighbours-');
afterAll(() => temp.cleanup());

const python = findPython(['numpy']);

/**
 * Precision/recall (k = 3, closed balls, Kynkaanniemi et al.'s code) and density/coverage (k = 5,
 * open balls, Naeem et al.'s prdc code) by numpy on exact float64 distances, for integer-valued
 * features (every distance exact, ties included) and for continuous ones.
 */
const reference = `
import base64, json
import numpy as np

def sqdist(a, b):
    a = a.astype(np.float64); b = b.astype(np.float64)
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)

def knn_radii(x, k):
    d = sqdist(x, x)
    np.fill_diagonal(d, np.inf)
    return np.sort(d, axis=1)[:, k - 1]

def prdc(real, fake):
    d_rf = sqdist(real, fake)
    r_real3, r_fake3, r_real5 = knn_radii(real, 3), knn_radii(fake, 3), knn_radii(real, 5)
    precision = (d_rf <= r_real3[:, None]).any(axis=0).mean()
    recall = (d_rf <= r_fake3[None, :]).any(axis=1).mean()
    density = (1.0 / 5) * (d_rf < r_real5[:, None]).sum(axis=0).mean()
    coverage = (d_rf.min(axis=1) < r_real5).mean()
    return dict(precision=precision, recall=recall, density=density, coverage=coverage, radii=r_real3.tolist())

rng = np.random.default_rng(3)
cases = {
    'integer features (exact distances, ties)': (rng.integers(-3, 4, (90, 5)), rng.integers(-2, 5, (70, 5))),
    'continuous features': (rng.standard_normal((120, 12)), 0.3 + 1.2 * rng.standard_normal((100, 12))),
    'isotropic in 80 dimensions (bounds decide little)': (rng.standard_normal((120, 80)), 0.2 + rng.standard_normal((110, 80))),
}
w = rng.standard_normal((8, 96)) / 3
cases['near an 8-dimensional subspace of 96 (bounds decide most pairs)'] = (
    rng.standard_normal((150, 8)) @ w + 0.05 * rng.standard_normal((150, 96)),
    (0.2 + 1.1 * rng.standard_normal((130, 8))) @ w + 0.05 * rng.standard_normal((130, 96)))
out = {}
for name, (real, fake) in cases.items():
    real = real.astype(np.float32); fake = fake.astype(np.float32)
    out[name] = dict(d=real.shape[1], real=base64.b64encode(real.tobytes()).decode(), fake=base64.b64encode(fake.tobytes()).decode(),
                     **{k: (float(v) if not isinstance(v, list) else v) for k, v in prdc(real, fake).items()})
print(json.dumps(out))
`;

interface Case {
  d: number;
  real: string;
  fake: string;
  precision: number;
  recall: number;
  density: number;
  coverage: number;
  radii: number[];
}

const floats = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const points = (rows: number[][]) => pointSet(Float32Array.from(rows.flat()), rows[0]!.length);

/** Unit squares of four points with lower-left corner (x, y). */
const square = (x: number, y: number) => [
  [x, y],
  [x + 1, y],
  [x, y + 1],
  [x + 1, y + 1],
];

describe.each(['cpu', 'wasm'] as const)('on the %s backend', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
    expect(tf.getBackend()).toBe(backend);
  });

  it('computes |a_i - b_j|^2 for all pairs, in any blocking', async () => {
    const rows: number[] = [];
    await forEachDistanceBlock(points([[0, 0], [3, 4]]), points([[0, 0], [1, 1], [3, 0]]), ({ values }) => void rows.push(...values), 1);
    expect(rows).toEqual([0, 2, 9, 25, 13, 16]);
  });

  it('finds the k-th nearest other point on a line for k = 1, 2 and 4, in blocks or not', async () => {
    // Points 0, 1, 3, 6, 10: distances from 6 are 6, 5, 3, 4, so its 2nd neighbour is at 4.
    const x = points([[0], [1], [3], [6], [10]]);
    expect(Array.from(await kNearestSquaredRadii(x, 1))).toEqual([1, 1, 4, 9, 16]);
    expect(Array.from(await kNearestSquaredRadii(x, 2))).toEqual([9, 4, 9, 16, 49]);
    expect(Array.from(await kNearestSquaredRadii(x, 2, { block: 2 }))).toEqual([9, 4, 9, 16, 49]);
    expect(Array.from(await kNearestSquaredRadii(x, 4, { block: 3 }))).toEqual([100, 81, 49, 36, 100]);
  });

  it('excludes only the point itself: a duplicate is a neighbour at distance 0', async () => {
    expect(Array.from(await kNearestSquaredRadii(points([[0], [0], [5]]), 1))).toEqual([0, 0, 25]);
  });

  it('refuses k >= the number of points', async () => {
    await expect(kNearestSquaredRadii(points([[0], [1], [2]]), 3)).rejects.toThrow('kNearestSquaredRadii: k = 3 needs at least 4 points, got 3');
  });

  it('refuses k that is not an integer >= 1, naming it', async () => {
    const x = points([[0], [1], [3], [6]]);
    await expect(kNearestSquaredRadii(x, 0)).rejects.toThrow('kNearestSquaredRadii: k = 0; expected an integer >= 1');
    await expect(kNearestSquaredRadii(x, 1.5)).rejects.toThrow('kNearestSquaredRadii: k = 1.5; expected an integer >= 1');
  });

  it.each(['exhaustive', 'pruned'] as const)('matches a hand-worked line (%s): closed balls for precision and recall, open ones for density and coverage', async (search) => {
    // Real 0, 1, 3 (1-NN radii^2 1, 1, 4); generated 0.5, 5, 10 with radii^2 0.1, 4, 1 given.
    // D (generated rows): 0.5 -> 0.25, 0.25, 6.25; 5 -> 25, 16, 4 (on the boundary of real 3's ball); 10 -> 100, 81, 49.
    const real = points([[0, 0], [1, 0], [3, 0]]);
    const generated = points([[0.5, 0], [5, 0], [10, 0]]);
    const realRadii = Float64Array.of(1, 1, 4);
    const m = await manifoldMatches(real, generated, realRadii, Float64Array.of(0.1, 4, 1), { search });
    expect(m.generatedInRealBall).toEqual(Uint8Array.of(1, 1, 0));
    expect(m.realBallsAroundGenerated).toEqual(Uint32Array.of(2, 0, 0));
    expect(m.realCovered).toEqual(Uint8Array.of(1, 1, 0));
    // only real 3 lies in a generated ball: the one of 5, exactly on its boundary
    expect(m.realInGeneratedBall).toEqual(Uint8Array.of(0, 0, 1));
    expect((await manifoldMatches(real, generated, realRadii, null, { search })).realInGeneratedBall).toEqual(Uint8Array.of(0, 0, 0));
  });

  it('refuses radii that are not one per point', async () => {
    const real = points([[0], [1], [3]]);
    const generated = points([[0.5], [5]]);
    await expect(manifoldMatches(real, generated, Float64Array.of(1, 1), null)).rejects.toThrow('manifoldMatches: 2 real radii; expected one per real point, 3');
    await expect(manifoldMatches(real, generated, Float64Array.of(1, 1, 4), Float64Array.of(1, 1, 1))).rejects.toThrow('manifoldMatches: 3 generated radii; expected 2');
  });

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
  });

  it('leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    await improvedPrecisionRecall(points(square(0, 0)), points(square(0.5, 0)), 2, { knnBlock: 3, crossRows: 2 });
    await densityCoverage(points(square(0, 0)), points(square(0.5, 0)), 2, { knnBlock: 3, crossRows: 2 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    ['integer features (exact distances, ties)', (rng: Rng) => rng.int(5) - 2, (rng: Rng) => rng.int(5) - 1, 3],
    ['continuous features', (rng: Rng) => rng.normal(), (rng: Rng) => 0.3 + 1.2 * rng.normal(), 12],
  ] as const)('%s: precision, recall, density, coverage and the radii equal a float64 brute force, on every path (no Python)', async (name, realValue, fakeValue, d) => {
    const rng = Rng.from(3, name);
    const rows = (n: number, value: (rng: Rng) => number) => Array.from({ length: n }, () => Array.from({ length: d }, () => Math.fround(value(rng))));
    const [realRows, fakeRows] = [rows(60, realValue), rows(50, fakeValue)];
    const [real, fake] = [points(realRows), points(fakeRows)];
    const want = bruteForceNeighbourMetrics(realRows, fakeRows);
    for (const options of [{ knnBlock: real.count, crossRows: fake.count }, { knnBlock: 7, crossRows: 5 }, { search: 'pruned' as const, crossRows: 7 }]) {
      const got = { ...(await improvedPrecisionRecall(real, fake, 3, options)), ...(await densityCoverage(real, fake, 5, options)) };
      expect(got, JSON.stringify(options)).toEqual({ precision: expect.closeTo(want.precision, 12), recall: expect.closeTo(want.recall, 12), density: expect.closeTo(want.density, 12), coverage: expect.closeTo(want.coverage, 12) });
    }
    const radii = bruteForceRadii(realRows, 3);
    const pruned = await kNearestSquaredRadii(real, 3, { search: 'pruned', prunedRows: 17 });
    radii.forEach((r, i) => expect(pruned[i]).toBeCloseTo(r, 9));
  });

  describe.skipIf(!python)('against numpy (needs python3 with numpy)', () => {
    const cases = python ? (JSON.parse(runPython(python, reference)) as Record<string, Case>) : {};

    it.each(Object.keys(cases))('%s: precision, recall, density and coverage equal numpy, the direct and blockwise paths exactly', async (name) => {
      const c = cases[name]!;
      const real = pointSet(floats(c.real), c.d);
      const fake = pointSet(floats(c.fake), c.d);
      const direct = { ...(await improvedPrecisionRecall(real, fake, 3, { knnBlock: real.count, crossRows: fake.count })), ...(await densityCoverage(real, fake, 5, { knnBlock: real.count, crossRows: fake.count })) };
      const blocked = { ...(await improvedPrecisionRecall(real, fake, 3, { knnBlock: 7, crossRows: 5 })), ...(await densityCoverage(real, fake, 5, { knnBlock: 11, crossRows: 3 })) };
      expect(blocked).toEqual(direct);
      const pruned = { ...(await improvedPrecisionRecall(real, fake, 3, { search: 'pruned', crossRows: 7 })), ...(await densityCoverage(real, fake, 5, { search: 'pruned', crossRows: 9 })) };
      expect(pruned).toEqual(direct);
      const prunedRadii = await kNearestSquaredRadii(real, 3, { search: 'pruned', prunedRows: 17 });
      c.radii.forEach((r, i) => expect(prunedRadii[i]).toBeCloseTo(r, 9));
      expect(Array.from(await kNearestSquaredRadii(real, 3, { block: 13 }))).toEqual(Array.from(await kNearestSquaredRadii(real, 3, { block: real.count })));
      expect(direct.precision).toBeCloseTo(c.precision, 12);
      expect(direct.recall).toBeCloseTo(c.recall, 12);
      expect(direct.density).toBeCloseTo(c.density, 12);
      expect(direct.coverage).toBeCloseTo(c.coverage, 12);
      // Exhaustive: float32 |a|^2 + |b|^2 - 2 a.b, so about 1e-6 relative; pruned: float64 sums.
      const radii = await kNearestSquaredRadii(real, 3, { search: 'exhaustive' });
      c.radii.forEach((r, i) => expect(Math.abs(radii[i]! - r)).toBeLessThanOrEqual(1e-5 * r));
    });
  });
});

describe('progress of the neighbour metrics', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  const real = points([[0, 0], [1, 0], [3, 0], [6, 1], [10, 2], [15, 0]]);
  const generated = points([[0.5, 0], [5, 0], [10, 0], [2, 2], [7, 7]]);
  // In blocks of 2 points: 6 upper-triangle blocks for each k-NN pass (3 starts), 3 row blocks for the cross pass (5 rows).
  const selfBlocks = [1, 2, 3, 4, 5, 6].map((b) => b / 6);
  const crossBlocks = [2 / 5, 4 / 5, 1].map((f) => [f, 'generated-to-real distances'] as const);
  const expectProgress = (seen: [number, string][], want: (readonly [number, string])[]) => {
    expect(seen.map(([, detail]) => detail)).toEqual(want.map(([, detail]) => detail));
    seen.forEach(([f], i) => expect(f, `report ${i}`).toBeCloseTo(want[i]![0], 12));
  };

  it('precision-recall: the real radii, the generated radii and the cross pass each take a third, rising to 1', async () => {
    const seen: [number, string][] = [];
    await improvedPrecisionRecall(real, generated, 1, { knnBlock: 2, crossRows: 2, onProgress: (f, detail) => void seen.push([f, detail]) });
    expectProgress(seen, [
      ...selfBlocks.map((f) => [f / 3, '1-NN radii of 6 real samples'] as const),
      ...selfBlocks.map((f) => [(1 + f) / 3, '1-NN radii of 5 generated samples'] as const),
      ...crossBlocks.map(([f, detail]) => [(2 + f) / 3, detail] as const),
    ]);
  });

  it('density-coverage: the real radii and the cross pass each take a half, rising to 1', async () => {
    const seen: [number, string][] = [];
    await densityCoverage(real, generated, 1, { knnBlock: 2, crossRows: 2, onProgress: (f, detail) => void seen.push([f, detail]) });
    expectProgress(seen, [...selfBlocks.map((f) => [f / 2, '1-NN radii of 6 real samples'] as const), ...crossBlocks.map(([f, detail]) => [(1 + f) / 2, detail] as const)]);
  });
});

describe('the pruned search at scale (wasm)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  /** n points of dimension d: z W + noise with z in `intrinsic` dimensions and W the same for every seed (z alone when intrinsic = d). */
  function features(seed: number, n: number, d: number, intrinsic: number, shift: number) {
    const basis = Rng.from(0);
    const w = Float64Array.from({ length: intrinsic * d }, () => basis.normal() / Math.sqrt(intrinsic));
    const rng = Rng.from(seed);
    const out = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const z = Array.from({ length: intrinsic }, () => shift + rng.normal());
      for (let j = 0; j < d; j++) {
        let v = intrinsic === d ? z[j]! : 0.1 * rng.normal();
        if (intrinsic !== d) for (let t = 0; t < intrinsic; t++) v += z[t]! * w[t * d + j]!;
        out[i * d + j] = v;
      }
    }
    return pointSet(out, d);
  }

  it.each([
    ['near a 16-dimensional subspace (pruned)', 16],
    ['isotropic (auto falls back to every distance)', 256],
  ])('%s: auto gives the exhaustive search\'s precision, recall, density and coverage', async (_name, intrinsic) => {
    const real = features(1, 1200, 256, intrinsic, 0);
    const fake = features(2, 1100, 256, intrinsic, 0.2);
    const run = async (search: 'auto' | 'exhaustive') => ({ ...(await improvedPrecisionRecall(real, fake, 3, { search })), ...(await densityCoverage(real, fake, 5, { search })) });
    const auto = await run('auto');
    expect(auto).toEqual(await run('exhaustive'));
    expect(auto.precision).toBeGreaterThan(0);
    expect(auto.recall).toBeGreaterThan(0);
  });
});

describe('the metrics', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  async function input(real: number[][], generated: number[][], name: string) {
    return metricInput(await vectorStore(join(temp.dir, `${name}-real`), real), await vectorStore(join(temp.dir, `${name}-generated`), generated));
  }

  async function precisionRecall(real: number[][], generated: number[][], name: string, options: Record<string, unknown> = {}, seed = 0) {
    const metric = precisionRecallMetricPlugin.create(precisionRecallOptions.parse(options), recordingEnv(2));
    return metric.compute(await input(real, generated, name), testContext(seed));
  }

  it('precision-recall: k = 3 by default, precision 3/5 and recall 2/3 on a hand-made case', async () => {
    // Real: unit squares at (0,0), (10,10), (60,0); the 3rd neighbour of a corner is the opposite corner,
    // so every real ball has radius sqrt 2. Generated (0.5,0.5), (2.2,1) [1.2 from (1,1)] and (10.5,10.5)
    // are inside; (3,3) [2.83 from (1,1)] and (20,21) are not: precision 3/5.
    // Generated 3rd-neighbour radii: 14.1, 12.6, 10.6, 14.1, 26.8; the squares at (0,0) and (10,10) are
    // covered, the one at (60,0) is 44 from (20,21): recall 8/12.
    const real = [...square(0, 0), ...square(10, 10), ...square(60, 0)];
    const generated = [[0.5, 0.5], [2.2, 1], [3, 3], [10.5, 10.5], [20, 21]];
    expect(await precisionRecall(real, generated, 'k3')).toEqual({ precision: expect.closeTo(3 / 5, 12), recall: expect.closeTo(2 / 3, 12) });
  });

  it('precision-recall: a sample exactly on a k-NN ball boundary is inside (distance <= radius), one just beyond is outside', async () => {
    // Real 0, 1, 2, 3 on a line: with k = 1 the ball of 0 has radius 1, so -1 lies exactly on it.
    const real = [[0, 0], [1, 0], [2, 0], [3, 0]];
    expect((await precisionRecall(real, [[-1, 0], [100, 0]], 'on-boundary', { k: 1 })).precision).toBe(0.5);
    expect((await precisionRecall(real, [[-1.0001, 0], [100, 0]], 'beyond-boundary', { k: 1 })).precision).toBe(0);
  });

  it('check the plan before a run: k neighbours need k + 1 reference samples, and k + 1 generated ones for recall', () => {
    const plan = { data: recordingEnv(2).data, referenceSplit: 'test' as const, referenceCount: 3, generatedCount: 100 };
    const pr = precisionRecallMetricPlugin.create(precisionRecallOptions.parse({}), recordingEnv(2));
    expect(() => pr.check!(plan)).toThrow('k = 3 needs at least 4 reference (test) samples, got 3');
    expect(() => pr.check!({ ...plan, referenceCount: 100, generatedCount: 3 })).toThrow('k = 3 needs at least 4 generated samples, got 3');
    const dc = densityCoverageMetricPlugin.create(densityCoverageOptions.parse({}), recordingEnv(2));
    expect(() => dc.check!({ ...plan, referenceCount: 100, generatedCount: 1 })).not.toThrow();
    expect(() => dc.check!({ ...plan, referenceCount: 5, generatedCount: 100 })).toThrow('k = 5 needs at least 6 reference (test) samples, got 5');
  });

  it('precision-recall: 1 and 1 for identical sets', async () => {
    const rows = [...square(0, 0), ...square(5, 1)];
    expect(await precisionRecall(rows, rows, 'same', { k: 2 })).toEqual({ precision: 1, recall: 1 });
  });

  it('precision-recall: subsamples each set to maxSamples with the run rng, reproducibly', async () => {
    const real = Array.from({ length: 60 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
    const generated = Array.from({ length: 60 }, (_, i) => [Math.sin(i) + 0.3, Math.cos(5 * i)]);
    const a = await precisionRecall(real, generated, 'sub-a', { maxSamples: 20 }, 1);
    const b = await precisionRecall(real, generated, 'sub-b', { maxSamples: 20 }, 1);
    expect(b).toEqual(a);
    for (const value of [a.precision!, a.recall!]) expect(value * 20).toBeCloseTo(Math.round(value * 20), 9);
  });

  it('reuse the reference radii across generations only for a whole reference: with a subsampled one each generation equals a fresh metric on its own subsample', async () => {
    const real = Array.from({ length: 80 }, (_, i) => [Math.sin(1.7 * i), Math.cos(0.9 * i) + 0.01 * i]);
    const generated = Array.from({ length: 30 }, (_, i) => [Math.sin(i) + 0.2, Math.cos(3 * i)]);
    const data = await input(real, generated, 'radii-cache');
    for (const [plugin, options] of [[precisionRecallMetricPlugin, precisionRecallOptions], [densityCoverageMetricPlugin, densityCoverageOptions]] as const) {
      for (const maxSamples of [25, 1000]) {
        const parsed = options.parse({ maxSamples });
        const kept = plugin.create(parsed as never, recordingEnv(2));
        for (const generation of [1, 2, 3]) {
          const fresh = await plugin.create(parsed as never, recordingEnv(2)).compute(data, testContext(0, generation));
          expect(await kept.compute(data, testContext(0, generation)), `${plugin.id}, maxSamples ${maxSamples}, generation ${generation}`).toEqual(fresh);
        }
      }
    }
  });

  it('precision-recall: computes a whole reference\'s radii once per run (maxSamples = its count), a subsampled one\'s every generation', async () => {
    const real = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
    const generated = Array.from({ length: 10 }, (_, i) => [Math.sin(i) + 0.3, Math.cos(5 * i)]);
    const data = await input(real, generated, 'radii-once');
    for (const [maxSamples, passes] of [[12, [1, 0, 0]], [11, [1, 1, 1]]] as const) {
      const metric = precisionRecallMetricPlugin.create(precisionRecallOptions.parse({ maxSamples }), recordingEnv(2));
      const realPasses: number[] = [];
      for (const generation of [1, 2, 3]) {
        const details = new Set<string>();
        await metric.compute(data, testContext(0, generation, { progress: (_f, detail) => void details.add(detail) }));
        realPasses.push([...details].filter((d) => d.includes('real samples')).length);
      }
      expect(realPasses, `maxSamples ${maxSamples}`).toEqual(passes);
    }
  });

  it('precision-recall: names the set that is too small for k', async () => {
    await expect(precisionRecall(square(0, 0), square(1, 1).slice(0, 3), 'small')).rejects.toThrow('precision-recall: k = 3 needs at least 4 generated samples, got 3');
  });

  it('density-coverage: k = 5 by default; density counts the real balls around each generated sample, coverage the real balls that hold one', async () => {
    // Real: two clusters of 6 points; each real 5-NN ball covers its own cluster (radius^2 <= 2).
    const cluster = (x: number) => [[x, 0], [x + 1, 0], [x, 1], [x + 1, 1], [x + 0.5, 0.5], [x + 0.5, 1.5]];
    const real = [...cluster(0), ...cluster(20)];
    // Generated: 6 copies of the first cluster's centre, none near the second cluster.
    const generated = Array.from({ length: 6 }, () => [0.5, 0.5]);
    const metric = densityCoverageMetricPlugin.create(densityCoverageOptions.parse({}), recordingEnv(2));
    const values = await metric.compute(await input(real, generated, 'dc'), testContext());
    // Radii of the first cluster (5th neighbour among the other 11): corners 2, (0.5,0.5) 0.5, (0.5,1.5) 2.5.
    // (0.5, 0.5) is at distance 0 from one of them and 0.5 from the corners and (0.5, 1.5): strictly inside all 6
    // balls of the first cluster, none of the second: density = 6 * 6 / (5 * 6) = 1.2; coverage = 6 / 12.
    expect(values).toEqual({ density: expect.closeTo(1.2, 12), coverage: expect.closeTo(0.5, 12) });
  });

  it('validate their options: k = 3 / 5 and maxSamples = 10000 by default, k an integer >= 1', () => {
    expect(precisionRecallOptions.parse({})).toEqual({ k: 3, maxSamples: 10_000, search: 'auto' });
    expect(densityCoverageOptions.parse({})).toEqual({ k: 5, maxSamples: 10_000, search: 'auto' });
    expect(() => precisionRecallOptions.parse({ k: 0 })).toThrow();
    expect(() => densityCoverageOptions.parse({ k: 1.5 })).toThrow();
  });
});
