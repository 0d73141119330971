import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocate, heapMemory, heapView, offsetOf, release } from '../wasm-heap.ts';
import { simdRelu } from './simd-relu.ts';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** x, dy and the kernels' y and dx for the given values, on the wasm heap. */
function run(xValues: number[], dyValues: number[]): { y: number[]; dx: number[] } {
  const backend = tf.backend() as BackendWasm;
  const n = xValues.length;
  const [x, dy, y, dx] = [0, 1, 2, 3].map(() => allocate(backend, [n]));
  heapView(backend, x!).set(xValues);
  heapView(backend, dy!).set(dyValues);
  const relu = simdRelu(heapMemory(backend));
  relu.forward(offsetOf(backend, x!), offsetOf(backend, y!), n);
  relu.backward(offsetOf(backend, x!), offsetOf(backend, dy!), offsetOf(backend, dx!), n);
  const out = { y: [...heapView(backend, y!)], dx: [...heapView(backend, dx!)] };
  release(backend, x!, dy!, y!, dx!);
  return out;
}

describe('relu in SIMD on the wasm heap', () => {
  // 11 values: two 4-wide blocks and a scalar tail of 3
  const x = [-2, -0.5, 0, 0.25, 3, -1e-30, 1e-30, NaN, -0, 7, -7];
  const dy = [1, 2, 3, 4, 5, 6, 7, 8, 9, NaN, NaN];

  it('y = max(x, 0), NaN kept, in the 4-wide part and the tail', () => {
    const { y } = run(x, dy);
    expect(y.slice(0, 7)).toEqual([0, 0, 0, 0.25, 3, 0, Math.fround(1e-30)]);
    expect(Number.isNaN(y[7])).toBe(true);
    expect(y.slice(8)).toEqual([0, 7, 0]);
  });

  it('dx = dy · [x > 0], so x = 0 and NaN x pass nothing and a NaN dy stays NaN (torch threshold_backward)', () => {
    const { dx } = run(x, dy);
    expect(dx.slice(0, 9)).toEqual([0, 0, 0, 4, 5, 0, 7, 0, 0]);
    expect(Number.isNaN(dx[9])).toBe(true);
    expect(Number.isNaN(dx[10])).toBe(true);
  });
});
