import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipGradNorm, globalNorm } from './clip-grad-norm.ts';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

describe('clipGradNorm', () => {
  it('measures the L2 norm of all gradients as one vector: √(3² + 4² + 12²) = 13', () => {
    const grads = [tf.tensor1d([3, 4]), tf.tensor2d([[12]])];
    expect(globalNorm(grads)).toBe(13);
    expect(globalNorm([])).toBe(0);
    tf.dispose(grads);
  });

  it('scales every gradient by maxNorm / (norm + 1e-6) when that is below 1, and returns the norm before clipping', () => {
    const grads = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) };
    const { norm, grads: clipped } = clipGradNorm(grads, 6.5);
    expect(norm).toBe(13);
    const scale = Math.fround(6.5 / (13 + 1e-6)); // a float32 scalar in tfjs, as in torch
    expect([...clipped.get('a')!.dataSync()]).toEqual([Math.fround(3 * scale), Math.fround(4 * scale)]);
    expect([...clipped.get('b')!.dataSync()]).toEqual([Math.fround(12 * scale)]);
    expect(globalNorm(clipped.values())).toBeCloseTo(6.5, 5);
    expect([...grads.a.dataSync()]).toEqual([3, 4]);
    tf.dispose([...Object.values(grads), ...clipped.values()]);
  });

  it('leaves gradients whose norm is within maxNorm unchanged, as copies the caller disposes', () => {
    const grads = new Map([['a', tf.tensor1d([3, 4])]]);
    const before = tf.memory().numTensors;
    const { norm, grads: clipped } = clipGradNorm(grads, 5.1);
    expect(norm).toBe(5);
    expect([...clipped.get('a')!.dataSync()]).toEqual([3, 4]);
    // At norm = maxNorm, the 1e-6 makes the scale 5 / 5.000001 < 1: torch clips a hair too.
    const atLimit = clipGradNorm(grads, 5).grads;
    expect([...atLimit.get('a')!.dataSync()]).toEqual([3, 4].map((g) => Math.fround(g * Math.fround(5 / 5.000001))));
    tf.dispose([...clipped.values(), ...atLimit.values()]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => clipGradNorm(grads, 0)).toThrow('clipGradNorm: maxNorm = 0: expected a positive number');
    tf.dispose([...grads.values()]);
  });
});
