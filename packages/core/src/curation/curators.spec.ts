import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataCodec } from '../codec/data-codec.ts';
import type { CurateInput, CuratorPlugin } from '../contracts/curator.ts';
import type { GenerativeModel } from '../contracts/model.ts';
import { Rng } from '../rng/rng.ts';
import { SampleStore } from '../store/sample-store.ts';
import { tempDir, testContext } from '../testing/index.ts';
import { likelihoodFilterCurator } from './likelihood-filter.ts';
import { selfCorrectCurator } from './self-correct.ts';

const layout = { dtype: 'float32', sampleShape: [2] } as const;
const data = { ...layout, kind: 'vector', trainCount: 10, testCount: 10 } as const;
const CENTRE = [1, -2];

/** A verifier whose log p(x) = -|x - c|^2 / 2: its gradient is c - x. */
const expert = {
  likelihood: 'exact',
  logLikelihood: async (x: tf.Tensor) => {
    const v = await x.data();
    return Float64Array.from({ length: v.length / 2 }, (_, i) => -0.5 * ((v[2 * i]! - CENTRE[0]!) ** 2 + (v[2 * i + 1]! - CENTRE[1]!) ** 2));
  },
} as unknown as GenerativeModel;

let root: { dir: string; cleanup: () => void };
let samples: SampleStore;
const values = Float32Array.from(Rng.from(1, 'samples').normals(2 * 50), (z) => 3 * z);

beforeAll(async () => {
  root = tempDir();
  samples = await SampleStore.write(join(root.dir, 'samples'), layout, values);
});
afterAll(() => root.cleanup());

function input(needed: number, verifier: GenerativeModel = expert): CurateInput {
  return { generation: 1, samples, needed, real: samples, verifier: async () => verifier, codec: dataCodec(layout), ctx: testContext(0, 1) };
}

function build<O>(plugin: CuratorPlugin<O>, options: unknown) {
  return plugin.create(plugin.options.parse(options), { data });
}

const logp = (i: number) => -0.5 * ((values[2 * i]! - CENTRE[0]!) ** 2 + (values[2 * i + 1]! - CENTRE[1]!) ** 2);

describe('likelihood-filter', () => {
  it('keeps exactly the top fraction by the verifier\'s log-likelihood, and draws enough for the schedule', async () => {
    const curator = build(likelihoodFilterCurator, { keep: 0.4 });
    expect(curator.samplesToDraw(20)).toBe(50);
    expect(curator.samplesToDraw(21)).toBe(53);
    const result = await curator.curate(input(20));
    const ranked = Array.from({ length: 50 }, (_, i) => i).sort((a, b) => logp(b) - logp(a));
    expect([...result.kept!]).toEqual(ranked.slice(0, 20).sort((a, b) => a - b));
    expect(result.stats!.threshold).toBeCloseTo(logp(ranked[19]!), 5);
    expect(result.stats!.mean_loglik_kept).toBeGreaterThan(result.stats!.mean_loglik_drawn!);
    expect(result.reason).toMatch(/^kept the 20 of 50 samples with log-likelihood >= -[\d.]+ under generation 0 \(top 0.4\)$/);
  });

  it('never keeps fewer than the schedule takes, and refuses a verifier without a likelihood', async () => {
    expect((await build(likelihoodFilterCurator, { keep: 0.1 }).curate(input(30))).kept!.length).toBe(30);
    await expect(build(likelihoodFilterCurator, {}).curate(input(10, {} as GenerativeModel))).rejects.toThrow('curator likelihood-filter: the verifier model has no likelihood');
    expect(likelihoodFilterCurator.options.safeParse({ keep: 0 }).success).toBe(false);
  });
});

describe('self-correct', () => {
  it('moves every sample by likelihood ascent: x_s = c + (1 - eta)^s (x_0 - c) under a Gaussian expert', async () => {
    const result = await build(selfCorrectCurator, { steps: 3, stepSize: 0.2 }).curate(input(50));
    const moved = result.values!;
    for (let k = 0; k < values.length; k++) {
      const c = CENTRE[k % 2]!;
      expect(moved[k]!).toBeCloseTo(c + 0.8 ** 3 * (values[k]! - c), 3);
    }
    expect(result.stats!.mean_loglik_corrected).toBeGreaterThan(result.stats!.mean_loglik_drawn!);
  });

  it('adds sqrt(2 eta) noise per step with langevin, from the seeded stream', async () => {
    const curator = build(selfCorrectCurator, { steps: 1, stepSize: 0.5, langevin: true });
    const a = (await curator.curate(input(50))).values!;
    const b = (await curator.curate(input(50))).values!;
    expect([...a]).toEqual([...b]);
    const residual = Array.from(a, (v, k) => v - (values[k]! + 0.5 * (CENTRE[k % 2]! - values[k]!)));
    const variance = residual.reduce((s, r) => s + r * r, 0) / residual.length;
    expect(variance).toBeGreaterThan(0.5);
    expect(variance).toBeLessThan(1.6);
  });

  it('refuses samples of more than 256 dimensions', () => {
    expect(() => selfCorrectCurator.create(selfCorrectCurator.options.parse({}), { data: { ...data, sampleShape: [3, 16, 16] } })).toThrow('curator.id = "self-correct": samples of 768 dimensions; expected at most 256');
  });
});
