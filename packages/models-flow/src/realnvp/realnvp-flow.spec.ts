import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { selectBackend } from '@ouroboros/nn';
import { jacobianLogDets, maxAbsError, perturb } from '../testing/flow-checks.ts';
import { RealNvpFlow, type RealNvpArchitecture } from './realnvp-flow.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

const architecture = (dims: number, actnorm: boolean, activation: 'relu' | 'tanh' = 'relu'): RealNvpArchitecture => ({ dims, couplings: 6, hidden: 32, depth: 2, actnorm, activation });
const points = (n: number, dims: number, seed: number) => tf.tensor2d(Float32Array.from(Rng.from(seed, 'points').normals(n * dims), (z) => 1.5 * z), [n, dims]);

describe('RealNvpFlow', () => {
  it.each([
    [2, false],
    [2, true],
    [5, true],
  ])('(D = %i, actnorm %s) is invertible to 1e-4: decode(encode(x)) = x and encode(decode(z)) = z', (dims, actnorm) => {
    const flow = new RealNvpFlow(architecture(dims, actnorm), [dims], Rng.from(1));
    perturb(flow, 0.2);
    const x = points(256, dims, 2);
    const { z, logDet } = flow.encode(x);
    const back = flow.decode(z);
    expect(maxAbsError(back, x)).toBeLessThan(1e-4);
    const again = flow.encode(back).z;
    expect(maxAbsError(again, z)).toBeLessThan(1e-4);
    tf.dispose([x, z, logDet, back, again]);
    flow.dispose();
  });

  it('log |det J| of the whole flow equals that of the numerically computed Jacobian on 2-D (1e-3)', () => {
    // tanh nets: finite differences straddling a ReLU kink would measure the kink, not the flow
    const flow = new RealNvpFlow(architecture(2, true, 'tanh'), [2], Rng.from(3));
    perturb(flow, 0.1);
    for (const point of [[0.3, -0.8], [1.5, 0.2], [-1, 1]]) {
      const x = tf.tensor2d([point], [1, 2]);
      const { z, logDet } = flow.encode(x);
      const numeric = jacobianLogDets((v) => flow.encode(v).z, Float32Array.from(point), [2]);
      expect(Math.abs(logDet.dataSync()[0]! - numeric.autodiff)).toBeLessThan(1e-3);
      expect(Math.abs(logDet.dataSync()[0]! - numeric.finiteDifference)).toBeLessThan(1e-3);
      tf.dispose([x, z, logDet]);
    }
    flow.dispose();
  });

  it('starts as the identity (zero-initialised last layers), so log p is the standard normal density', () => {
    const flow = new RealNvpFlow(architecture(2, false), [2], Rng.from(4));
    const x = points(8, 2, 5);
    const logProb = flow.logProb(x);
    const values = x.arraySync() as number[][];
    [...logProb.dataSync()].forEach((lp, i) => expect(lp).toBeCloseTo(-0.5 * (values[i]![0]! ** 2 + values[i]![1]! ** 2) - Math.log(2 * Math.PI), 5));
    tf.dispose([x, logProb]);
    flow.dispose();
  });
});
