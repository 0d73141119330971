import { z } from 'zod';

/** Sizes of the two splits every sampled dataset has. */
export interface SplitCounts {
  readonly train: number;
  readonly test: number;
}

const DEFAULT_SPLIT_SIZE = 2000;

/** Zod fields `train` and `test`, spread into each dataset's options schema. */
export const splitCountsShape = {
  train: z.number().int().positive().default(DEFAULT_SPLIT_SIZE).describe('number of training samples'),
  test: z.number().int().positive().default(DEFAULT_SPLIT_SIZE).describe('number of held-out test samples'),
};
