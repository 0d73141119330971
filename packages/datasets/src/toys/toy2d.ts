import type { DatasetPlugin, Rng } from '@ouroboros/core';
import { z } from 'zod';
import { sampledDataset } from '../sampled-dataset.ts';
import type { SplitCounts } from '../split-counts.ts';

export type Point = readonly [x: number, y: number];

/** One draw of a 2-D toy distribution, using only `rng`. */
export type PointSampler = (rng: Rng) => Point;

/** Zod field `noise`: std of the isotropic gaussian jitter, defaulting to the toy's conventional value. */
export function noiseOption(conventionalStd: number) {
  return z.number().min(0).default(conventionalStd).describe('std of the gaussian noise added to each coordinate');
}

/** (x, y) + noise · (n1, n2) with n1, n2 ~ N(0, 1); draws both normals even when noise is 0, so noise levels share draws. */
export function jitter([x, y]: Point, noise: number, rng: Rng): Point {
  return [x + noise * rng.normal(), y + noise * rng.normal()];
}

export interface Toy2dDefinition<TOptions extends SplitCounts> {
  readonly id: string;
  readonly description: string;
  readonly options: z.ZodType<TOptions>;
  /** The distribution that parsed options describe. */
  readonly sampler: (options: TOptions) => PointSampler;
}

/** A dataset plugin of points in R^2, each sample one call of the toy's sampler. */
export function toy2dPlugin<TOptions extends SplitCounts>(toy: Toy2dDefinition<TOptions>): DatasetPlugin<TOptions> {
  return {
    id: toy.id,
    description: toy.description,
    options: toy.options,
    create(options) {
      const samplePoint = toy.sampler(options);
      return sampledDataset(2, options, (rng, out, offset) => {
        const [x, y] = samplePoint(rng);
        out[offset] = x;
        out[offset + 1] = y;
      });
    },
  };
}
