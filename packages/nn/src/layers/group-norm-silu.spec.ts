import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.ts';
import { nativeSkipReason } from '../backend/native/testing/native-libraries.ts';
import { silu } from './activations.ts';
import { GroupNorm } from './group-norm.ts';
import { groupNormSilu } from './group-norm-silu.ts';
import { GROUP_NORM_SILU } from '../backend/fused-ops.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-6;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

describe('groupNormSilu', () => {
  it.each(['wasm', 'cpu', 'native'])('equals silu(GroupNorm(x)) and its autodiff gradients (x, weight, bias) on %s, and keeps fewer tensors alive', async (backend) => {
    if (backend === 'native' && nativeSkipReason) return;
    if (backend === 'cpu') await tf.setBackend('cpu');
    else await selectBackend(backend as 'wasm' | 'native');
    expect(tf.getKernel(GROUP_NORM_SILU, tf.getBackend()) !== undefined).toBe(backend === 'native');
    const norm = new GroupNorm(4, 8, { eps: 1e-6 });
    tf.tidy(() => {
      norm.weight!.assign(tf.randomNormal([8], 1, 0.3, 'float32', 1));
      norm.bias!.assign(tf.randomNormal([8], 0, 0.3, 'float32', 2));
    });
    const x = tf.randomNormal([3, 5, 6, 8], 0.5, 2, 'float32', 3);
    const r = tf.randomNormal([3, 5, 6, 8], 0, 1, 'float32', 4);
    const variables = [norm.weight!, norm.bias!];
    const run = (f: (input: tf.Tensor) => tf.Tensor) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x), r)) as tf.Scalar, variables);
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), r)))(x);
      const out = [tf.tidy(() => f(x)), dx, grads[norm.weight!.name]!, grads[norm.bias!.name]!].map((t) => Array.from(t.dataSync()));
      tf.dispose([value, dx, ...Object.values(grads)]);
      return out;
    };
    const fused = run((input) => groupNormSilu(norm, input));
    const reference = run((input) => silu(norm.apply(input)));
    fused.forEach((values, i) => expect(maxRelativeError(values, reference[i]!)).toBeLessThan(1e-4));

    const liveDuringBackward = (f: (input: tf.Tensor) => tf.Tensor) => {
      let live = 0;
      const { value, grads } = tf.variableGrads(() => {
        const loss = tf.sum(tf.mul(f(x), r)) as tf.Scalar;
        live = tf.memory().numTensors;
        return loss;
      }, variables);
      tf.dispose([value, ...Object.values(grads)]);
      return live;
    };
    const before = tf.memory().numTensors;
    expect(liveDuringBackward((input) => groupNormSilu(norm, input)) - before).toBeLessThan(liveDuringBackward((input) => silu(norm.apply(input))) - before);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, r]);
    norm.dispose();
    await selectBackend('wasm');
  });

  it.skipIf(nativeSkipReason !== null)('on the native kernels matches the composed op at U-Net sizes (64 channels, 8 groups, offset inputs)', async () => {
    const norm = new GroupNorm(8, 64, { eps: 1e-5 });
    tf.tidy(() => {
      norm.weight!.assign(tf.randomNormal([64], 1, 0.3, 'float32', 5));
      norm.bias!.assign(tf.randomNormal([64], 0, 0.3, 'float32', 6));
    });
    const results: number[][][] = [];
    for (const backend of ['native', 'wasm'] as const) {
      await selectBackend(backend);
      const x = tf.randomNormal([4, 16, 16, 64], 3, 2, 'float32', 7);
      const r = tf.randomNormal([4, 16, 16, 64], 0, 1, 'float32', 8);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(groupNormSilu(norm, x), r)) as tf.Scalar, [norm.weight!, norm.bias!]);
      const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(groupNormSilu(norm, input), r)))(x);
      const out = tf.tidy(() => groupNormSilu(norm, x));
      results.push([out, dx, grads[norm.weight!.name]!, grads[norm.bias!.name]!].map((t) => Array.from(t.dataSync())));
      tf.dispose([value, dx, out, x, r, ...Object.values(grads)]);
    }
    results[0]!.forEach((values, i) => expect(maxRelativeError(values, results[1]![i]!)).toBeLessThan(1e-4));
    norm.dispose();
    await selectBackend('wasm');
  });
});
