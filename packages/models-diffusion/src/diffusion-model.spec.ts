import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, type DataInfo } from '@ouroboros/core';
import { testContext } from '@ouroboros/core/testing';
import { selectBackend, trainingOptions } from '@ouroboros/nn';
import { DiffusionModel } from './diffusion-model.ts';
import { DenoiserNetwork } from './networks/denoiser-network.ts';
import type { ConditionedNetwork, Objective } from './objectives/objective.ts';
import type { StepProgress } from './samplers/sampler-types.ts';

/**
 * Classifier-free guidance and label dropout on a stand-in network whose output says which label it
 * saw, F(x, c, y) = x (y + 1) + c, and a stand-in objective whose "sampler" is one call F(x_s, 0.25)
 * on fixed inputs and whose "loss" records the labels the network was given.
 */
beforeAll(async () => {
  await selectBackend('wasm');
});

const CLASSES = 3;
const data: DataInfo = { kind: 'vector', dtype: 'float32', sampleShape: [2], trainCount: 8, testCount: 0, classes: ['a', 'b', 'c'] };
const F = (x: number, c: number, y: number) => x * (y + 1) + c;
const sampleInput = (rows: number) => Float32Array.from({ length: rows * 2 }, (_, i) => 0.5 + 0.25 * i);

class LabelledStandIn extends DenoiserNetwork {
  readonly architecture = { width: 3 };
  seen: number[][] = [];
  constructor(readonly classes = CLASSES) {
    super();
    this.param('unused', tf.zeros([1]));
  }
  apply(x: tf.Tensor, c: tf.Tensor1D, labels: tf.Tensor1D | null): tf.Tensor {
    const y = labels ? Array.from(labels.dataSync()) : Array<number>(x.shape[0]!).fill(this.classes);
    this.seen.push(y);
    return tf.tidy(() => tf.add(tf.mul(x, tf.reshape(tf.tensor1d(y.map((v) => v + 1)), [-1, 1])), tf.reshape(c, [-1, 1])));
  }
}

class OneCallObjective implements Objective {
  readonly family = 'stand-in';
  readonly architecture = { schedule: 'x' };
  loss(net: ConditionedNetwork, x0: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mean(net(x0, tf.zeros([x0.shape[0]!]) as tf.Tensor1D)) as tf.Scalar);
  }
  /** One draw of each rng the model hands over. */
  draws: number[] = [];
  async sample(net: ConditionedNetwork, shape: number[], rng: Rng, onStep?: StepProgress): Promise<tf.Tensor> {
    this.draws.push(rng.fork('probe').uniform());
    await onStep?.(1, 2);
    await onStep?.(2, 2);
    return tf.tidy(() => net(tf.tensor(sampleInput(shape[0]!), shape), tf.fill([shape[0]!], 0.25) as tf.Tensor1D));
  }
  /** Σ_j F(x, 0)_j per row, plus one draw of the rng. */
  async logLikelihood(net: ConditionedNetwork, x: tf.Tensor, rng: Rng, onStep?: StepProgress): Promise<Float64Array> {
    await onStep?.(1, 4);
    const sums = tf.tidy(() => tf.sum(net(x, tf.zeros([x.shape[0]!]) as tf.Tensor1D), 1).dataSync());
    const draw = rng.uniform();
    return Float64Array.from(sums, (v) => v + draw);
  }
}

function model(guidance: number, labelDropout = 0.5, classes = CLASSES): { model: DiffusionModel; network: LabelledStandIn; objective: OneCallObjective } {
  const network = new LabelledStandIn(classes);
  const objective = new OneCallObjective();
  return { model: new DiffusionModel(data, objective, network, trainingOptions.parse({}), { labelDropout, guidance }, 2), network, objective };
}

async function sampled(m: DiffusionModel, n: number, labels?: Int32Array): Promise<number[]> {
  const out: number[] = [];
  for await (const batch of m.sample(n, testContext(0), labels ? { labels } : {})) {
    out.push(...(await batch.data()));
    batch.dispose();
  }
  return out;
}

describe('classifier-free guidance', () => {
  const labels = Int32Array.of(0, 2, 1);

  it('samples with F(x, ∅) + s (F(x, y) − F(x, ∅)) for s = 0, 2.5 and 7', async () => {
    const x = sampleInput(2);
    for (const s of [0, 2.5, 7]) {
      const { model: m, network } = model(s);
      const got = await sampled(m, 3, labels);
      // batches of 2 rows: rows 0-1, then row 2 (x of its batch restarts)
      const want = [0, 1, 2].flatMap((row) => [0, 1].map((k) => {
        const xk = x[2 * (row % 2) + k]!;
        return F(xk, 0.25, CLASSES) + s * (F(xk, 0.25, labels[row]!) - F(xk, 0.25, CLASSES));
      }));
      got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 4));
      expect(network.seen[0]).toEqual([0, 2, CLASSES, CLASSES]);
      m.dispose();
    }
  });

  it('is plain conditional sampling F(x, y) at s = 1, and the null label without labels or for the likelihood', async () => {
    const x = sampleInput(2);
    const { model: m, network } = model(1);
    expect(await sampled(m, 2, labels.subarray(0, 2))).toEqual([F(x[0]!, 0.25, 0), F(x[1]!, 0.25, 0), F(x[2]!, 0.25, 2), F(x[3]!, 0.25, 2)].map(Math.fround));
    expect(network.seen, 'one pass over the rows, no null-label half').toEqual([[0, 2]]);
    m.dispose();
    const { model: guided } = model(4);
    expect(await sampled(guided, 2)).toEqual(Array.from(x, (v) => Math.fround(F(v, 0.25, CLASSES))));
    guided.dispose();
  });
});

describe('label dropout while training', () => {
  it('replaces exactly the labels whose draw of the step rng is below labelDropout by the null label', () => {
    const labels = Int32Array.of(0, 1, 2, 0, 1, 2, 0, 1);
    for (const p of [0, 0.5, 1]) {
      const { model: m, network } = model(1, p);
      const x = tf.zeros([labels.length, 2]);
      const y = tf.tensor1d(labels, 'int32');
      tf.dispose(m.loss({ x, labels: y }, Rng.from(8)));
      const draws = Rng.from(8).fork('label-dropout');
      expect(network.seen[0]).toEqual(Array.from(labels, (label) => (draws.uniform() < p ? CLASSES : label)));
      if (p === 0.5) expect(new Set(network.seen[0]).size).toBe(CLASSES + 1);
      tf.dispose([x, y]);
      m.dispose();
    }
  });
});

describe('the diffusion model around its objective', () => {
  it("names its family and architecture from objective and network, samples from an index, and has a likelihood only when the objective does", () => {
    const { model: m } = model(2);
    expect([m.family, m.architecture, m.samplesFrom, typeof m.logLikelihood]).toEqual(['stand-in', { width: 3, schedule: 'x' }, true, 'function']);
    m.dispose();
    const { logLikelihood: _none, ...withoutLikelihood } = Object.getOwnPropertyDescriptors(OneCallObjective.prototype);
    const plain = Object.create(Object.prototype, withoutLikelihood) as Objective;
    const bare = new DiffusionModel(data, plain, new LabelledStandIn(), trainingOptions.parse({}), { labelDropout: 0, guidance: 1 }, 2);
    expect([bare.logLikelihood, bare.likelihood]).toEqual([undefined, undefined]);
    bare.dispose();
  });

  it('an unconditional network (0 classes) never sees labels, in training or sampling', async () => {
    const { model: m, network } = model(3, 0.5, 0);
    expect(m.conditional).toBe(false);
    const [x, y] = [tf.zeros([2, 2]), tf.tensor1d([1, 2], 'int32')];
    tf.dispose(m.loss({ x, labels: y }, Rng.from(0)));
    await sampled(m, 2, Int32Array.of(0, 1));
    expect(network.seen).toEqual([[0, 0], [0, 0]]);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('refuses labels it cannot use: a count other than n, one outside 0 … classes − 1, a training label outside them', async () => {
    const { model: m } = model(2);
    await expect(sampled(m, 3, Int32Array.of(0, 1))).rejects.toThrow('diffusion: sample(3) got 2 labels; expected one per sample');
    for (const labels of [[-1], [3], [0, 3]]) await expect(sampled(m, labels.length, Int32Array.from(labels))).rejects.toThrow('diffusion: sampling labels must be in 0 … 2');
    const x = tf.zeros([1, 2]);
    for (const label of [-1, 3]) {
      const y = tf.tensor1d([label], 'int32');
      expect(() => m.loss({ x, labels: y }, Rng.from(0))).toThrow(`diffusion: training label ${label} is outside the dataset's 3 classes`);
      y.dispose();
    }
    x.dispose();
    m.dispose();
  });

  it('samples in batches of sampleBatch, each from its fork batch/<start> (from skips whole batches), with progress per step, leaving no tensors', async () => {
    const { model: m, objective } = model(2);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const ctx = testContext(4, 0, { progress: (f) => progress.push(f) });
    const batches: number[][] = [];
    for await (const batch of m.sample(5, ctx, { labels: Int32Array.of(0, 1, 2, 0, 1) })) {
      batches.push(Array.from(await batch.data()));
      batch.dispose();
    }
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(objective.draws).toEqual([0, 2, 4].map((start) => testContext(4).rng.fork('batch', start).fork('probe').uniform()));
    expect(progress).toEqual([1 / 5, 2 / 5, 3 / 5, 4 / 5, 4.5 / 5, 1]);
    expect(tf.memory().numTensors).toBe(before);
    objective.draws = [];
    const rest: number[][] = [];
    for await (const batch of m.sample(5, testContext(4), { labels: Int32Array.of(0, 1, 2, 0, 1), from: 2 })) {
      rest.push(Array.from(await batch.data()));
      batch.dispose();
    }
    expect(rest).toEqual(batches.slice(1));
    expect(objective.draws).toEqual([2, 4].map((start) => testContext(4).rng.fork('batch', start).fork('probe').uniform()));
    m.dispose();
  });

  it("reports the objective's likelihood of the unconditional model (null label), from the fork likelihood, with its progress", async () => {
    const { model: m, network } = model(2);
    const progress: number[] = [];
    const x = tf.tensor2d([0.5, -1, 2, 0.25], [2, 2]);
    const got = await m.logLikelihood!(x, testContext(6, 0, { progress: (f) => progress.push(f) }));
    const draw = testContext(6).rng.fork('likelihood').uniform();
    expect(Array.from(got)).toEqual([F(0.5, 0, CLASSES) + F(-1, 0, CLASSES) + draw, F(2, 0, CLASSES) + F(0.25, 0, CLASSES) + draw]);
    expect(network.seen).toEqual([[CLASSES, CLASSES]]);
    expect(progress).toEqual([0.25]);
    x.dispose();
    m.dispose();
  });
});
