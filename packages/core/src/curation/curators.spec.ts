import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataCodec } from '../codec/data-codec.ts';
import type { CurateInput, CuratorPlugin } from '../contracts/curator.ts';
import type { GenerativeModel } from '../contracts/model.ts';
import { Rng } from '../rng/rng.ts';
import { SampleStore } from '../store/sample-store.ts';
import { tempDir, testContext } from '../testing/index.ts';
import { classifierFilterCurator } from './classifier-filter.ts';
import { functionCurator } from './function-curator.ts';
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

function input(needed: number, verifier: GenerativeModel = expert, overrides: Partial<CurateInput> = {}): CurateInput {
  return { generation: 1, samples, needed, real: samples, verifier: async () => verifier, codec: dataCodec(layout), ctx: testContext(0, 1), ...overrides };
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

describe('classifier-filter', () => {
  /** D: 30 rows around (-5, 0) of class 0 and 10 around (5, 0) of class 1; samples: 20 near each and 10 on the boundary x0 = 0. */
  async function fixture(labelled: boolean) {
    const rng = Rng.from(2, 'classes');
    const around = (x0: number, n: number) => Array.from({ length: n }, () => [x0 + 0.5 * rng.normal(), 0.5 * rng.normal()]).flat();
    const realValues = Float32Array.from([...around(-5, 30), ...around(5, 10)]);
    const real = await SampleStore.write(join(root.dir, `real-${labelled}`), layout, realValues, labelled ? Int32Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : 1)) : undefined);
    const drawn = await SampleStore.write(join(root.dir, `drawn-${labelled}`), layout, Float32Array.from([...around(-5, 20), ...around(5, 20), ...Array.from({ length: 10 }, (_, i) => [0, i - 5]).flat()]));
    return { real, drawn };
  }

  it.each([true, false])("keeps the confidently classified samples in D's class balance (labels: %s, else k-means clusters)", async (labelled) => {
    const { real, drawn } = await fixture(labelled);
    const curator = classifierFilterCurator.create(classifierFilterCurator.options.parse({ k: 10, confidence: 0.9 }), { data: labelled ? { ...data, classes: ['left', 'right'] } : data });
    const result = await curator.curate(input(8, expert, { samples: drawn, real }));
    const kept = [...result.kept!];
    expect(kept.every((i) => i < 40)).toBe(true);
    // 20 pass on each side; D's shares 3/4 and 1/4 allow floor(20 / (3/4)) = 26 in all: floor(19.5) and floor(6.5) of them.
    expect([kept.filter((i) => i < 20).length, kept.filter((i) => i >= 20).length]).toEqual([19, 6]);
    expect(result.stats).toMatchObject({ filled: 0 });
    expect(result.reason).toContain(labelled ? "10-NN classifier on D's labels" : '10-NN classifier on 2 k-means clusters of D');
  });

  it('keeps every confident sample without balance, and fills up with the most confident when too few pass', async () => {
    const { real, drawn } = await fixture(true);
    const plain = classifierFilterCurator.create(classifierFilterCurator.options.parse({ k: 10, balance: false }), { data });
    expect([...(await plain.curate(input(8, expert, { samples: drawn, real }))).kept!]).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const strict = await plain.curate(input(45, expert, { samples: drawn, real }));
    expect(strict.kept!.length).toBe(45);
    expect(strict.reason).toContain('and 5 below it, the most confident, to reach the 45 the schedule takes');
    expect(plain.samplesToDraw(45)).toBe(90);
  });
});

describe('function', () => {
  const moduleFile = (name: string, body: string) => {
    const path = join(root.dir, name);
    writeFileSync(path, body);
    return path;
  };
  const curatorFor = (path: string, extra = {}) => functionCurator.create(functionCurator.options.parse({ module: path, ...extra }), { data });

  it("runs the user's function on the samples as stored and takes its rows or its values", async () => {
    const even = curatorFor(moduleFile('even.mjs', 'export function curate({ count, needed }) { const kept = []; for (let i = 0; i < count; i += 2) kept.push(i); return { kept, reason: `even rows for ${needed}` }; }'), { oversample: 2 });
    expect(even.samplesToDraw(10)).toBe(20);
    expect(await even.curate(input(10))).toEqual({ kept: Uint32Array.from({ length: 25 }, (_, i) => 2 * i), reason: 'even rows for 10' });
    const halve = curatorFor(moduleFile('halve.mjs', 'export const shrink = async ({ values }) => ({ values: values.map((v) => v / 2), reason: "halved" });'), { export: 'shrink' });
    expect([...(await halve.curate(input(50))).values!]).toEqual([...values].map((v) => Math.fround(v / 2)));
  });

  it('names what is wrong with what the function returns', async () => {
    await expect(curatorFor(moduleFile('none.mjs', 'export const other = 1;')).curate(input(5))).rejects.toThrow("exports no function 'curate'");
    await expect(curatorFor(moduleFile('both.mjs', 'export const curate = () => ({ reason: "x" });')).curate(input(5))).rejects.toThrow('returned neither kept nor values; expected one of them');
    await expect(curatorFor(moduleFile('bad.mjs', 'export const curate = () => ({ kept: [3, 1], reason: "x" });')).curate(input(5))).rejects.toThrow('kept[1] = 1; expected ascending row indices below 50');
    await expect(curatorFor(moduleFile('short.mjs', 'export const curate = () => ({ values: [1], reason: "x" });')).curate(input(5))).rejects.toThrow('returned 1 values; expected 100 (every sample)');
  });
});
