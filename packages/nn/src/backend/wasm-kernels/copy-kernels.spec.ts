import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.ts';
import { onBackend, seededValues } from './testing/kernel-cases.ts';

beforeAll(() => registerWasmTrainingKernels());

/** Values and shapes computed on wasm (our copy kernels) and on the cpu backend, which must agree exactly. */
async function expectSameAsCpu(compute: () => tf.Tensor[]): Promise<void> {
  const shapesOn = async (backend: string) => {
    await tf.setBackend(backend);
    return tf.tidy(() => compute().map((t) => t.shape));
  };
  const expected = await onBackend('cpu', compute);
  const actual = await onBackend('wasm', compute);
  expect(actual.map((a) => [...a])).toEqual(expected.map((e) => [...e]));
  expect(await shapesOn('wasm')).toEqual(await shapesOn('cpu'));
}

describe('copy kernels on wasm give exactly what the cpu backend gives', () => {
  it.each([
    [[512, 2], [0, 1], [512, 1]],
    [[7, 5, 3], [1, 0, 1], [5, 5, 2]],
    [[4, 9, 8, 6], [1, 2, 0, 0], [2, 5, 8, 6]],
    [[4, 9, 8, 6], [0, 0, 3, 1], [4, 9, 2, 4]],
    [[3, 2, 4, 5, 6], [1, 0, 1, 2, 0], [2, 2, 3, 3, 6]],
    [[200, 130], [3, 1], [100, 128]],
    [[10], [2], [0]],
  ])('slice of %j from %j, size %j', async (shape, begin, size) => {
    const values = seededValues(shape, 1);
    await expectSameAsCpu(() => [tf.slice(tf.tensor(values, shape), begin, size)]);
  });

  it.each([
    [[512, 2], 2, -1],
    [[6, 9, 4], [2, 3, 4], 1],
    [[6, 9, 4], [1, 5], 0],
    [[2, 8, 8, 128], [64, 64], 3],
  ] as const)('split of %j into %j along %i', async (shape, splits, axis) => {
    const values = seededValues(shape, 2);
    await expectSameAsCpu(() => tf.split(tf.tensor(values, [...shape]), splits as number | number[], axis));
  });

  it.each([
    [[[512, 1], [512, 1]], -1],
    [[[3, 4, 2], [3, 1, 2], [3, 0, 2], [3, 7, 2]], 1],
    [[[2, 5], [4, 5]], 0],
    [[[2, 8, 8, 100], [2, 8, 8, 28]], 3],
  ] as const)('concat of %j along %i', async (shapes, axis) => {
    const values = shapes.map((s, i) => seededValues(s, 3 + i));
    await expectSameAsCpu(() => [tf.concat(shapes.map((s, i) => tf.tensor(values[i]!, [...s])), axis)]);
  });

  it('copies int32 and bool as they are', async () => {
    await expectSameAsCpu(() => [
      tf.slice(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), [0, 1], [2, 2]),
      tf.concat([tf.tensor1d([true, false], 'bool'), tf.tensor1d([true], 'bool')]).cast('int32'),
    ]);
  });

  it('identity shares memory: a clone outlives its source with the same values', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1, 2, 3]);
    const copy = tf.clone(x);
    expect(copy.dataId).toBe(x.dataId);
    x.dispose();
    expect([...(await copy.data())]).toEqual([1, 2, 3]);
    copy.dispose();
  });
});
