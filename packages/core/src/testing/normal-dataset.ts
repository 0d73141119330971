import { z } from 'zod';
import type { DatasetPlugin } from '../contracts/dataset.ts';
import type { Rng } from '../rng/rng.ts';

const options = z.strictObject({
  dim: z.int().min(1).default(2),
  train: z.int().positive().default(200),
  test: z.int().positive().default(200),
  scale: z.number().positive().default(1),
  /** When false the dataset offers no fresh draws, like a fixed dataset on disk. */
  fresh: z.boolean().default(true),
});

/** Isotropic normal data N(0, scale^2 I), for testing the engine inside core. */
export const normalDatasetPlugin: DatasetPlugin<z.infer<typeof options>> = {
  id: 'test-normal',
  description: 'isotropic normal vectors (tests only)',
  options,
  create: ({ dim, train, test, scale, fresh }) => {
    const draw = async function* (n: number, rng: Rng) {
      const values = new Float32Array(n * dim);
      for (let i = 0; i < values.length; i++) values[i] = scale * rng.normal();
      yield { values };
    };
    return {
      info: { kind: 'vector', dtype: 'float32', sampleShape: [dim], trainCount: train, testCount: test },
      split: (split, rng) => draw(split === 'train' ? train : test, rng.fork(split)),
      ...(fresh ? { fresh: (n: number, rng: Rng) => draw(n, rng) } : {}),
    };
  },
};
