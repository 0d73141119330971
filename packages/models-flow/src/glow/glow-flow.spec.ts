import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { jacobianLogDets, maxAbsError, perturb } from '../testing/flow-checks.ts';
import { GlowFlow, type GlowArchitecture } from './glow-flow.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const images = (shape: number[], seed: number) => tf.tensor(Float32Array.from(Rng.from(seed, 'images').uniforms(shape.reduce((a, b) => a * b, 1), -1, 1)), shape);

describe('GlowFlow', () => {
  it('is invertible to 1e-3 on 8x8x3 images with 3 levels, all parameters moved off their initial values', () => {
    const architecture: GlowArchitecture = { height: 8, width: 8, channels: 3, levels: 3, steps: 2, hidden: 16 };
    const flow = new GlowFlow(architecture, Rng.from(1));
    perturb(flow, 0.05);
    const x = images([16, 8, 8, 3], 2);
    const { latents, logDet } = flow.encode(x);
    expect(latents.map((z) => z.shape.slice(1))).toEqual(flow.latentShapes());
    expect(flow.latentShapes()).toEqual([[4, 4, 6], [2, 2, 12], [1, 1, 48]]);
    expect(latents.reduce((n, z) => n + z.size / 16, 0)).toBe(8 * 8 * 3);
    const back = flow.decode(latents);
    expect(maxAbsError(back, x)).toBeLessThan(1e-3);
    tf.dispose([x, ...latents, logDet, back]);
    flow.dispose();
  });

  it('log |det J| (with the split priors) equals that of the numerically computed Jacobian on a 4x4x1 image (1e-3)', () => {
    const flow = new GlowFlow({ height: 4, width: 4, channels: 1, levels: 2, steps: 2, hidden: 8 }, Rng.from(3));
    perturb(flow, 0.1);
    // the bijection x -> (z_0, z_1) of 16 values; with the split priors' density of z_0 removed, encode's logDet is its log |det J|
    const bijection = (x: tf.Tensor) => {
      const { latents } = flow.encode(x);
      return tf.concat(latents.map((z) => z.reshape([x.shape[0]!, -1])), 1);
    };
    const splitPrior = (x: tf.Tensor) => tf.tidy(() => flow.encode(x).logDet.sub(flowStepsLogDet(flow, x)));
    for (const seed of [4, 5]) {
      const x = images([1, 4, 4, 1], seed);
      const ours = tf.tidy(() => flow.encode(x).logDet.sub(splitPrior(x)).dataSync()[0]!);
      const numeric = jacobianLogDets(bijection, x.dataSync() as Float32Array, [4, 4, 1]);
      expect(Math.abs(ours - numeric.autodiff)).toBeLessThan(1e-3);
      expect(Math.abs(ours - numeric.finiteDifference)).toBeLessThan(1e-3);
      x.dispose();
    }
    flow.dispose();
  });

  it('untrained, is a rotation of its input: log p(x) = log N(x; 0, I) exactly', () => {
    const flow = new GlowFlow({ height: 8, width: 8, channels: 3, levels: 2, steps: 2, hidden: 8 }, Rng.from(6));
    const x = images([4, 8, 8, 3], 7);
    const logProb = flow.logProb(x);
    const rows = x.reshape([4, -1]).arraySync() as number[][];
    rows.forEach((row, i) => expect(logProb.dataSync()[i]).toBeCloseTo(-0.5 * row.reduce((s, v) => s + v * v, 0) - (row.length / 2) * Math.log(2 * Math.PI), 3));
    tf.dispose([x, logProb]);
    flow.dispose();
  });
});

/** Σ of the flow steps' own log-determinants, read layer by layer (not through encode's sum). */
function flowStepsLogDet(flow: GlowFlow, x: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    let h = x;
    let total: tf.Tensor1D = tf.zeros([x.shape[0]!]);
    for (const level of flow['levels']) {
      const { y, logDet } = level['flow'].forward(h);
      total = total.add(logDet);
      h = level.hasSplit ? tf.split(y, 2, -1)[0]! : y;
    }
    return total;
  });
}
