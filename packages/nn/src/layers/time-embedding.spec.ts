import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorLog, expectBackendsAgree, loadBackends, parameterValues, tensorsLeftBy, useBackend } from './testing/layer-cases.ts';
import { timeEmbeddingRef } from './testing/float64-reference.ts';
import { TimeEmbedding } from './time-embedding.ts';

const errors = new ErrorLog();

beforeAll(loadBackends);
afterAll(() => console.log(errors.summary('TimeEmbedding wasm vs cpu')));

const timesteps = [0, 3, 41, 500, 999];

describe('TimeEmbedding', () => {
  it('equals Dense -> SiLU -> Dense of the sinusoidal embedding (against plain loops)', async () => {
    await useBackend('wasm');
    const embed = new TimeEmbedding(8, 6, Rng.from(1), { hiddenFeatures: 5 });
    const e = tf.tidy(() => embed.apply(tf.tensor1d(timesteps)));
    const params = new Map([...parameterValues(embed)].map(([name, v]) => [name, Float64Array.from(v)]));
    expect(e.shape).toEqual([timesteps.length, 6]);
    const expected = timeEmbeddingRef(timesteps, 8, 5, 6, params);
    expect(Array.from(e.dataSync())).toEqual(Array.from(expected).map((v) => expect.closeTo(v, 4)));
    e.dispose();
    embed.dispose();
  });

  it('gradients on wasm match cpu', async () => {
    await expectBackendsAgree('TimeEmbedding 8 -> 5 -> 6', {
      build: () => {
        const module = new TimeEmbedding(8, 6, Rng.from(2), { hiddenFeatures: 5 });
        return { module, forward: (t) => module.apply(t as tf.Tensor1D) };
      },
      inputShape: [4],
      input: Float32Array.from([0, 2.5, 40, 700]),
    }, errors);
  });

  it('has parameters hidden.{weight,bias} and out.{weight,bias}: dim·h + h + h·out + out', () => {
    const embed = new TimeEmbedding(16, 64, Rng.from(0), { hiddenFeatures: 32 });
    expect(embed.namedParameters().map(([name, v]) => [name, v.shape])).toEqual([
      ['hidden.weight', [16, 32]], ['hidden.bias', [32]], ['out.weight', [32, 64]], ['out.bias', [64]],
    ]);
    expect(embed.parameterCount()).toBe(16 * 32 + 32 + 32 * 64 + 64);
    embed.dispose();
  });

  it('draws identical weights from the same seed, different ones from another, distinct per layer', () => {
    const a = new TimeEmbedding(4, 4, Rng.from(5));
    const b = new TimeEmbedding(4, 4, Rng.from(5));
    const c = new TimeEmbedding(4, 4, Rng.from(6));
    expect(parameterValues(a)).toEqual(parameterValues(b));
    expect(parameterValues(a).get('out.weight')).not.toEqual(parameterValues(c).get('out.weight'));
    expect(parameterValues(a).get('hidden.weight')).not.toEqual(parameterValues(a).get('out.weight'));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('leaves no tensors after apply in tf.tidy, nor after dispose()', async () => {
    await useBackend('wasm');
    const t = tf.tensor1d([1, 2]);
    const left = tensorsLeftBy(() => {
      const embed = new TimeEmbedding(6, 4, Rng.from(0));
      expect(tensorsLeftBy(() => tf.tidy(() => { embed.apply(t); }))).toBe(0);
      embed.dispose();
    });
    expect(left).toBe(0);
    t.dispose();
  });

  it('rejects non-positive sizes in one line', () => {
    expect(() => new TimeEmbedding(0, 4, Rng.from(0))).toThrow('TimeEmbedding: sinusoidalDim must be a positive integer, got 0');
    expect(() => new TimeEmbedding(4, 4, Rng.from(0), { hiddenFeatures: -2 })).toThrow('TimeEmbedding: hiddenFeatures must be a positive integer, got -2');
  });
});
