import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sinusoidalEmbedding } from './sinusoidal-embedding.ts';
import { loadBackends, relativeError, tensorsLeftBy, useBackend } from './testing/layer-cases.ts';
import { sinusoidalRef } from './testing/float64-reference.ts';

beforeAll(loadBackends);

const timesteps = [0, 1, 17, 250.5, 999];

/** float32 rounds f_i and t·f_i, so an angle is off by up to ~2·|t·f|·2⁻²⁴; sin and cos move by as much. */
function expectMatchesFormula(actual: Float32Array, t: readonly number[], dim: number, maxPeriod: number): void {
  const expected = sinusoidalRef(t, dim, maxPeriod);
  const tMax = Math.max(...t.map(Math.abs));
  const tolerance = 4 * tMax * 2 ** -24 + 1e-6;
  actual.forEach((v, i) => expect(Math.abs(v - expected[i]!), `entry ${i}`).toBeLessThanOrEqual(tolerance));
}

describe('sinusoidalEmbedding', () => {
  it.each([
    ['wasm', 8, 10000],
    ['wasm', 7, 10000],
    ['wasm', 6, 100],
    ['cpu', 8, 10000],
  ] as const)('on %s, dim %d, maxPeriod %d: [cos(t f), sin(t f)], f_i = maxPeriod^(-i/half)', async (backend, dim, maxPeriod) => {
    await useBackend(backend);
    const e = tf.tidy(() => sinusoidalEmbedding(tf.tensor1d(timesteps), dim, maxPeriod));
    expect(e.shape).toEqual([timesteps.length, dim]);
    expectMatchesFormula(e.dataSync() as Float32Array, timesteps, dim, maxPeriod);
    e.dispose();
  });

  it('embeds t = 0 as ones then zeros, with a trailing zero column for odd dim', async () => {
    await useBackend('wasm');
    const e = tf.tidy(() => sinusoidalEmbedding(tf.tensor1d([0]), 5));
    expect(Array.from(e.dataSync())).toEqual([1, 1, 0, 0, 0]);
    e.dispose();
  });

  it('accepts integer timesteps', async () => {
    await useBackend('wasm');
    const fromInt = tf.tidy(() => sinusoidalEmbedding(tf.tensor1d([3, 40], 'int32'), 6));
    const fromFloat = tf.tidy(() => sinusoidalEmbedding(tf.tensor1d([3, 40]), 6));
    expect(fromInt.dataSync()).toEqual(fromFloat.dataSync());
    tf.dispose([fromInt, fromFloat]);
  });

  it('gives the same values on wasm and cpu', async () => {
    const compute = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const e = tf.tidy(() => sinusoidalEmbedding(tf.tensor1d(timesteps), 16));
      const values = e.dataSync() as Float32Array;
      e.dispose();
      return values;
    };
    expect(relativeError(await compute('wasm'), await compute('cpu'))).toBeLessThanOrEqual(1e-4);
  });

  it('leaves only its result', async () => {
    await useBackend('wasm');
    const t = tf.tensor1d([1, 2, 3]);
    expect(tensorsLeftBy(() => tf.tidy(() => { sinusoidalEmbedding(t, 9); }))).toBe(0);
    expect(tensorsLeftBy(() => sinusoidalEmbedding(t, 9).dispose())).toBe(0);
    t.dispose();
  });

  it('rejects a non-1-D t, dim < 2 and maxPeriod <= 1 in one line', () => {
    const t = tf.tensor1d([1]);
    const t2 = tf.tensor2d([[1]]);
    expect(() => sinusoidalEmbedding(t2 as unknown as tf.Tensor1D, 4)).toThrow('sinusoidalEmbedding: t must be 1-D [n], got shape [1, 1]');
    expect(() => sinusoidalEmbedding(t, 0)).toThrow('sinusoidalEmbedding: dim must be a positive integer, got 0');
    expect(() => sinusoidalEmbedding(t, 1)).toThrow('sinusoidalEmbedding: dim must be at least 2, got 1');
    expect(() => sinusoidalEmbedding(t, 4, 1)).toThrow('sinusoidalEmbedding: maxPeriod must be a finite number > 1, got 1');
    tf.dispose([t, t2]);
  });
});
