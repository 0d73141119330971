import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.ts';
import { onBackend, seededValues } from './testing/kernel-cases.ts';

beforeAll(() => registerWasmTrainingKernels());

describe('trig kernels on wasm', () => {
  it('sin and cos agree with the cpu backend to float32 rounding', async () => {
    const values = seededValues([512, 32], 9).map((v) => v * 1000);
    const expected = await onBackend('cpu', () => [tf.sin(tf.tensor(values)), tf.cos(tf.tensor(values))]);
    const actual = await onBackend('wasm', () => [tf.sin(tf.tensor(values)), tf.cos(tf.tensor(values))]);
    actual.forEach((a, i) => a.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(1e-6)));
  });

});
