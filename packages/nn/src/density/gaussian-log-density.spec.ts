import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { diagonalGaussianLogDensity, LOG_2PI, standardNormalLogDensity } from './gaussian-log-density.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Gaussian log-densities', () => {
  it('log N(x; μ, diag σ²) sums each row’s terms, with one σ per value broadcast over the rows', () => {
    const x = tf.tensor2d([[0.3, -1], [2, 0]]);
    const mean = tf.tensor2d([[-0.2, 0.5], [1, 1]]);
    const logStd = tf.tensor1d([Math.log(0.5), Math.log(3)]);
    const got = Array.from(diagonalGaussianLogDensity(x, mean, logStd).dataSync());
    const term = (v: number, m: number, s: number) => -0.5 * Math.log(2 * Math.PI * s * s) - (v - m) ** 2 / (2 * s * s);
    expect(got[0]).toBeCloseTo(term(0.3, -0.2, 0.5) + term(-1, 0.5, 3), 5);
    expect(got[1]).toBeCloseTo(term(2, 1, 0.5) + term(0, 1, 3), 5);
    tf.dispose([x, mean, logStd]);
  });

  it('the standard normal is the diagonal one at μ = 0, σ = 1, over every axis but the first', () => {
    const z = tf.tensor4d(Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), [2, 2, 3, 2]);
    const zeros = tf.zerosLike(z);
    const expected = Array.from(diagonalGaussianLogDensity(z, zeros, zeros).dataSync());
    const before = tf.memory().numTensors;
    const got = standardNormalLogDensity(z);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(got.shape).toEqual([2]);
    got.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    expect(standardNormalLogDensity(tf.zeros([1, 5])).dataSync()[0]).toBeCloseTo(-2.5 * LOG_2PI, 5);
    tf.dispose([z, zeros, got]);
  });
});
