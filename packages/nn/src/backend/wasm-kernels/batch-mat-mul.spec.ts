import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_MACS_PER_BATCH_CALL } from './batch-mat-mul.ts';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.ts';
import { ErrorLog, matMulLabel as label, onBackend, operands, relativeError, seededValues, transposes, type MatMulCase } from './testing/kernel-cases.ts';

const TOLERANCE = 1e-4;
const errors = new ErrorLog();

/** Same batch on both sides: gradients are defined (tfjs's BatchMatMul gradient has no broadcast reduction). */
const gradientCases: MatMulCase[] = [];
for (const [ta, tb] of transposes) {
  gradientCases.push(operands([], [], 5, 7, 3, ta, tb));
  gradientCases.push(operands([], [], 33, 20, 17, ta, tb));
  gradientCases.push(operands([3], [3], 5, 7, 4, ta, tb));
  // above MIN_MACS_PER_BATCH_CALL: one fast 2-D product per batch entry
  gradientCases.push(operands([3], [3], 20, 30, 24, ta, tb));
  gradientCases.push(operands([2, 3], [2, 3], 21, 26, 19, ta, tb));
}

const broadcastCases: MatMulCase[] = [];
for (const [ta, tb] of transposes) {
  broadcastCases.push(operands([4], [], 5, 7, 3, ta, tb));
  broadcastCases.push(operands([4], [1], 22, 30, 19, ta, tb));
  broadcastCases.push(operands([], [4], 5, 7, 3, ta, tb));
  broadcastCases.push(operands([], [4], 22, 30, 19, ta, tb));
  broadcastCases.push(operands([1], [2, 3], 22, 30, 19, ta, tb));
}

beforeAll(() => {
  registerWasmTrainingKernels();
});

afterAll(() => {
  console.log(errors.summary('matMul vs cpu'));
});

async function expectBackendsAgree(name: string, compute: () => tf.Tensor[]): Promise<void> {
  const expected = await onBackend('cpu', compute);
  const actual = await onBackend('wasm', compute);
  expect(actual.length).toBe(expected.length);
  const parts = ['output', 'd a', 'd b'];
  actual.forEach((values, i) => {
    const error = errors.record(`${name} ${parts[i]}`, relativeError(values, expected[i]!));
    expect(error, `${name} ${parts[i]}`).toBeLessThanOrEqual(TOLERANCE);
  });
}

describe('matMul on wasm matches the cpu backend', () => {
  it('covers both the stock batched path and the per-matrix loop', () => {
    expect(5 * 7 * 4).toBeLessThan(MIN_MACS_PER_BATCH_CALL);
    expect(20 * 30 * 24).toBeGreaterThanOrEqual(MIN_MACS_PER_BATCH_CALL);
  });

  it.each(gradientCases.map((c) => [label(c), c] as const))('forward and gradient %s', async (_, c) => {
    const aValues = seededValues(c.a, 1);
    const bValues = seededValues(c.b, 2);
    await expectBackendsAgree('matMul', () => {
      const a = tf.tensor(aValues, c.a);
      const b = tf.tensor(bValues, c.b);
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, c.transposeA, c.transposeB);
      const out = f(a, b);
      const dy = tf.tensor(seededValues(out.shape, 3), out.shape);
      return [out, ...tf.grads(f)([a, b], dy)];
    });
  });

  it.each(broadcastCases.map((c) => [label(c), c] as const))('broadcast forward %s', async (_, c) => {
    const aValues = seededValues(c.a, 4);
    const bValues = seededValues(c.b, 5);
    await expectBackendsAgree('broadcast matMul', () => [
      tf.matMul(tf.tensor(aValues, c.a), tf.tensor(bValues, c.b), c.transposeA, c.transposeB),
    ]);
  });

  it.each([
    [[2, 1, 5, 7], [1, 3, 7, 6]],
    [[2, 1, 22, 30], [1, 3, 30, 19]],
  ])('two-sided broadcast [%s] · [%s] matches explicit tiling', async (aShape, bShape) => {
    const aValues = seededValues(aShape, 6);
    const bValues = seededValues(bShape, 7);
    // The cpu kernel itself gets two-sided broadcasts wrong, so the reference tiles first.
    const [expected] = await onBackend('cpu', () => [
      tf.matMul(tf.tile(tf.tensor(aValues, aShape), [1, 3, 1, 1]), tf.tile(tf.tensor(bValues, bShape), [2, 1, 1, 1])),
    ]);
    const [actual] = await onBackend('wasm', () => [tf.matMul(tf.tensor(aValues, aShape), tf.tensor(bValues, bShape))]);
    const error = errors.record('two-sided broadcast output', relativeError(actual!, expected!));
    expect(error).toBeLessThanOrEqual(TOLERANCE);
  });

  it('is right when one memory block is used as B under two shapes (stock caches weights by id)', async () => {
    const bValues = Array.from({ length: 24 }, (_, i) => i + 1);
    const compute = () => {
      const b = tf.tensor2d(bValues, [6, 4]);
      const first = tf.matMul(tf.ones([2, 6]), b);
      // reshape shares b's memory (and wasm tensor id)
      const second = tf.matMul(tf.ones([3, 8]), b.reshape([8, 3]));
      const third = tf.matMul(tf.ones([1, 6]), b);
      return [first, second, third];
    };
    const expected = await onBackend('cpu', compute);
    const actual = await onBackend('wasm', compute);
    actual.forEach((values, i) => expect(relativeError(values, expected[i]!)).toBeLessThanOrEqual(TOLERANCE));
  });

  it('frees every intermediate it allocates', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const a = tf.tensor(seededValues([3, 30, 20], 8), [3, 30, 20]);
    const b = tf.tensor(seededValues([3, 24, 30], 9), [3, 24, 30]);
    const before = backend.numDataIds();
    tf.tidy(() => {
      tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, true, true))([a, b]);
      tf.matMul(a.slice([0, 0, 0], [1, 30, 20]), b, true, true);
      tf.matMul(a.reshape([90, 20]), b.reshape([72, 30]).slice([0, 0], [20, 30]));
    });
    expect(backend.numDataIds()).toBe(before);
    tf.dispose([a, b]);
  });
});
