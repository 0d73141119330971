import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { normalNoise, seededNormalNoise } from './normal-noise.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('normal noise', () => {
  it('normalNoise is the rng’s own normal draws in row-major order, in the asked shape', () => {
    const noise = normalNoise([2, 3], Rng.from(5, 'noise'));
    expect(noise.shape).toEqual([2, 3]);
    expect(Array.from(noise.dataSync())).toEqual(Array.from(Float32Array.from(Rng.from(5, 'noise').normals(6))));
    noise.dispose();
  });

  it('seededNormalNoise repeats for the same rng state and differs for another fork', () => {
    const a = seededNormalNoise([4, 2], Rng.from(1, 'x'));
    const b = seededNormalNoise([4, 2], Rng.from(1, 'x'));
    const c = seededNormalNoise([4, 2], Rng.from(1, 'y'));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });
});
