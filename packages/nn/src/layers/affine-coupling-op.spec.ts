import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.ts';
import { nativeSkipReason } from '../backend/native/testing/native-libraries.ts';
import { AFFINE_COUPLING } from '../backend/fused-ops.ts';
import { affineCouplingTransform, type CouplingParts } from './affine-coupling-op.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** y, logDet and the gradients to x and h of L = Σ y ⊙ r + Σ logDet ⊙ q, in float64 by hand from the formulas. */
function reference(x: Float32Array, h: Float32Array, r: Float32Array, q: Float32Array, samples: number, features: number, { movingStart, movingSize: m }: CouplingParts) {
  const rows = x.length / features;
  const perSample = rows / samples;
  const y = Float64Array.from(x);
  const logDet = new Float64Array(samples);
  const dx = Float64Array.from(r);
  const dh = new Float64Array(h.length);
  for (let row = 0; row < rows; row++) {
    const i = Math.floor(row / perSample);
    for (let j = 0; j < m; j++) {
      const [xi, raw, shift] = [row * features + movingStart + j, h[row * 2 * m + j]!, h[row * 2 * m + m + j]!];
      const s = Math.tanh(raw);
      y[xi] = x[xi]! * Math.exp(s) + shift;
      logDet[i]! += s;
      dx[xi] = r[xi]! * Math.exp(s);
      dh[row * 2 * m + j] = (r[xi]! * x[xi]! * Math.exp(s) + q[i]!) * (1 - s * s);
      dh[row * 2 * m + m + j] = r[xi]!;
    }
  }
  return [y, logDet, dx, dh];
}

function values(n: number, seed: number, scale: number): Float32Array {
  return tf.tidy(() => tf.randomNormal([n], 0, scale, 'float32', seed).dataSync() as Float32Array);
}

const cases: Array<[string, number[], CouplingParts]> = [
  ['2-D points, second coordinate moves', [7, 2], { movingStart: 1, movingSize: 1 }],
  ['odd D = 5, first two move (kept second)', [4, 5], { movingStart: 0, movingSize: 2 }],
  ['NHWC maps [2, 3, 3, 6], channels 3.. move', [2, 3, 3, 6], { movingStart: 3, movingSize: 3 }],
  ['batch 1', [1, 4], { movingStart: 2, movingSize: 2 }],
];

describe('affineCouplingTransform', () => {
  it.each(['wasm', 'native', 'cpu'])('gives y, log|det J| and the gradients to x and h of the formulas on %s', async (backend) => {
    if (backend === 'native' && nativeSkipReason) return;
    if (backend === 'cpu') await tf.setBackend('cpu');
    else await selectBackend(backend as 'wasm' | 'native');
    expect(tf.getKernel(AFFINE_COUPLING, tf.getBackend()) !== undefined).toBe(backend !== 'cpu');
    for (const [, shape, parts] of cases) {
      const features = shape[shape.length - 1]!;
      const size = shape.reduce((a, b) => a * b, 1);
      const hShape = [...shape.slice(0, -1), 2 * parts.movingSize];
      const hSize = (size / features) * 2 * parts.movingSize;
      const [xv, hv, rv, qv] = [values(size, 1, 1.5), values(hSize, 2, 1.2), values(size, 3, 1), values(shape[0]!, 4, 1)];
      const [x, h, r, q] = [tf.tensor(xv, shape), tf.tensor(hv, hShape), tf.tensor(rv, shape), tf.tensor(qv, [shape[0]!])];
      const before = tf.memory().numTensors;
      const loss = (xi: tf.Tensor, hi: tf.Tensor) => {
        const { y, logDet } = affineCouplingTransform(xi, hi, parts);
        return tf.add(tf.sum(tf.mul(y, r)), tf.sum(tf.mul(logDet, q))) as tf.Scalar;
      };
      const out = tf.tidy(() => affineCouplingTransform(x, h, parts));
      const [dx, dh] = tf.grads(loss)([x, h]);
      const got = [out.y, out.logDet, dx!, dh!].map((t) => t.dataSync());
      const want = reference(xv, hv, rv, qv, shape[0]!, features, parts);
      got.forEach((g, k) => {
        expect(g.length).toBe(want[k]!.length);
        g.forEach((v, i) => expect(Math.abs(v - want[k]![i]!)).toBeLessThan(1e-4 * (1 + Math.abs(want[k]![i]!))));
      });
      tf.dispose([out.y, out.logDet, dx!, dh!]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, h, r, q]);
    }
  });

  it('takes a missing gradient of either output as zero (only y or only log|det J| in the loss)', async () => {
    await selectBackend('wasm');
    const parts = { movingStart: 1, movingSize: 1 };
    const x = tf.tensor2d([[0.5, -1], [2, 0.25]]);
    const h = tf.tensor2d([[0.3, 0.1], [-0.7, 2]]);
    const [, dhFromLogDet] = tf.grads((xi: tf.Tensor, hi: tf.Tensor) => tf.sum(affineCouplingTransform(xi, hi, parts).logDet))([x, h]);
    const s = [Math.tanh(0.3), Math.tanh(-0.7)];
    expect(Array.from(dhFromLogDet!.dataSync())).toEqual([1 - s[0]! ** 2, 0, 1 - s[1]! ** 2, 0].map((v) => expect.closeTo(v, 6)));
    const [dxFromY] = tf.grads((xi: tf.Tensor, hi: tf.Tensor) => tf.sum(affineCouplingTransform(xi, hi, parts).y))([x, h]);
    expect(Array.from(dxFromY!.dataSync())).toEqual([1, Math.exp(s[0]!), 1, Math.exp(s[1]!)].map((v) => expect.closeTo(v, 6)));
    tf.dispose([x, h, dhFromLogDet!, dxFromY!]);
  });
});
