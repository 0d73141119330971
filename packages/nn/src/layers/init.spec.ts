import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.ts';
import { fanIn, fanOut, initBias, initWeight, kaimingUniform, normalInit, torchBiasInit, uniformInit, xavierUniform, zeros } from './init.ts';

beforeAll(async () => {
  await selectBackend('cpu');
});

function valuesOf(t: tf.Tensor): Float32Array {
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function moments(values: Float32Array): { mean: number; variance: number; maxAbs: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, variance, maxAbs: values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) };
}

/** U(-b, b) has mean 0 and variance b²/3; with n = 20 000 draws both are within a few percent. */
function expectUniform(values: Float32Array, bound: number): void {
  const { mean, variance, maxAbs } = moments(values);
  expect(maxAbs).toBeLessThanOrEqual(bound);
  expect(maxAbs).toBeGreaterThan(0.99 * bound);
  expect(Math.abs(mean)).toBeLessThan(0.02 * bound);
  expect(variance / (bound * bound / 3)).toBeCloseTo(1, 1);
}

describe('fan sizes', () => {
  it('count the inputs and outputs of one unit for dense and conv weights', () => {
    expect([fanIn([7, 3]), fanOut([7, 3])]).toEqual([7, 3]);
    expect([fanIn([3, 3, 4, 8]), fanOut([3, 3, 4, 8])]).toEqual([36, 72]);
    expect(() => fanIn([5])).toThrow('fanIn: a weight shape needs at least 2 axes ([in, out] or [kh, kw, in, out]), got [5]');
  });
});

describe('initialisers', () => {
  it('zeros is float32 zeros of the shape', () => {
    const t = zeros([2, 3]);
    expect([t.dtype, t.shape]).toEqual(['float32', [2, 3]]);
    expect(valuesOf(t).every((v) => v === 0)).toBe(true);
  });

  it('uniformInit draws U(-bound, bound)', () => {
    expectUniform(valuesOf(uniformInit([100, 200], 0.3, Rng.from(1))), 0.3);
  });

  it('normalInit draws N(0, std²)', () => {
    const { mean, variance } = moments(valuesOf(normalInit([20000], 0.5, Rng.from(2))));
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance / 0.25).toBeCloseTo(1, 1);
  });

  it("kaimingUniform with a = √5 (PyTorch's Linear/Conv default) has bound 1/sqrt(fan_in)", () => {
    expectUniform(valuesOf(kaimingUniform([100, 200], Rng.from(3))), 1 / Math.sqrt(100));
    expectUniform(valuesOf(kaimingUniform([5, 5, 4, 200], Rng.from(4))), 1 / Math.sqrt(100));
    expectUniform(valuesOf(kaimingUniform([100, 200], Rng.from(3), 0)), Math.sqrt(6 / 100));
  });

  it('torchBiasInit has bound 1/sqrt(fan_in of the weight)', () => {
    expectUniform(valuesOf(torchBiasInit(20000, 64, Rng.from(5))), 1 / 8);
  });

  it('xavierUniform has bound gain·sqrt(6 / (fan_in + fan_out))', () => {
    expectUniform(valuesOf(xavierUniform([100, 200], Rng.from(6))), Math.sqrt(6 / 300));
    expectUniform(valuesOf(xavierUniform([3, 3, 20, 40], Rng.from(7), 2)), 2 * Math.sqrt(6 / (180 + 360)));
  });

  it('draw the same values from the same rng key path, and different ones otherwise', () => {
    const a = valuesOf(kaimingUniform([4, 4], Rng.from(1, 'layer')));
    expect(valuesOf(kaimingUniform([4, 4], Rng.from(1, 'layer')))).toEqual(a);
    expect(valuesOf(kaimingUniform([4, 4], Rng.from(2, 'layer')))).not.toEqual(a);
    expect(valuesOf(kaimingUniform([4, 4], Rng.from(1, 'other')))).not.toEqual(a);
  });

  it('weight and bias come from separate forks, so the bias does not shift with the weight size', () => {
    const rng = Rng.from(8);
    const biasA = valuesOf(initBias('test', 'torch', [4, 3], rng));
    expect(valuesOf(initBias('test', 'torch', [4, 3], rng))).toEqual(biasA);
    const weight = valuesOf(initWeight('test', 'torch', [4, 3], rng));
    expect(weight.slice(0, 3)).not.toEqual(biasA);
  });

  it('reject bad shapes, bounds and init names in one line', () => {
    expect(() => uniformInit([3, 0], 1, Rng.from(0))).toThrow('uniformInit: shape[1] must be a positive integer, got 0');
    expect(() => uniformInit([3], -1, Rng.from(0))).toThrow('uniformInit: bound must be a finite number >= 0, got -1');
    expect(() => normalInit([3], Number.NaN, Rng.from(0))).toThrow('normalInit: std must be a finite number >= 0, got NaN');
    expect(() => initWeight('Dense', 'kaiming' as never, [2, 2], Rng.from(0))).toThrow("Dense: init must be one of 'torch', 'xavier', 'zero', got 'kaiming'");
  });

  it('leave only the tensor they return', () => {
    const before = tf.memory().numTensors;
    const t = xavierUniform([3, 3, 2, 4], Rng.from(0));
    expect(tf.memory().numTensors).toBe(before + 1);
    t.dispose();
  });
});
