import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from '../../optim/adam.ts';
import { globalNorm } from '../../optim/clip-grad-norm.ts';
import { ADAM_UPDATE, SUM_OF_SQUARES } from '../fused-ops.ts';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.ts';
import { relativeError, seededValues } from './testing/kernel-cases.ts';

beforeAll(() => registerWasmTrainingKernels());

/** Three Adam steps on two parameters; the parameters after each, on `backend`. */
async function adamRun(backend: 'cpu' | 'wasm', weightDecay: number): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const a = tf.variable(tf.tensor(seededValues([33, 17], 1), [33, 17]));
  const b = tf.variable(tf.tensor(seededValues([17], 2), [17]));
  const adam = new Adam([['a', a], ['b', b]], { lr: 0.01, weightDecay });
  const out: Float32Array[] = [];
  for (let step = 0; step < 3; step++) {
    const grads = { a: tf.tensor(seededValues([33, 17], 10 + step), [33, 17]), b: tf.tensor(seededValues([17], 20 + step), [17]) };
    adam.step(grads);
    tf.dispose(Object.values(grads));
    out.push(a.dataSync() as Float32Array, b.dataSync() as Float32Array);
  }
  adam.dispose();
  tf.dispose([a, b]);
  return out;
}

describe('fused optimizer kernels on wasm', () => {
  it('are the ones wasm runs, and no other backend has them', async () => {
    expect(tf.getKernel(ADAM_UPDATE, 'wasm')).toBeDefined();
    expect(tf.getKernel(SUM_OF_SQUARES, 'wasm')).toBeDefined();
    expect(tf.getKernel(ADAM_UPDATE, 'cpu')).toBeUndefined();
  });

  it.each([0, 0.1])('Adam (weight decay %d) gives the composed ops\' parameters', async (weightDecay) => {
    const composed = await adamRun('cpu', weightDecay);
    const fused = await adamRun('wasm', weightDecay);
    fused.forEach((values, i) => expect(relativeError(values, composed[i]!)).toBeLessThan(1e-6));
  });

  it('global norm equals the composed sum of squares', async () => {
    const shapes = [[40, 30], [30], [1], [7, 3, 2]];
    const norms: number[] = [];
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const grads = shapes.map((s, i) => tf.tensor(seededValues(s, 30 + i), s));
      norms.push(globalNorm(grads));
      tf.dispose(grads);
    }
    expect(Math.abs(norms[1]! - norms[0]!) / norms[0]!).toBeLessThan(1e-6);
  });
});
