import { z } from 'zod';

/** The one option naming how many samples a model draws (and scores) per batch; each family picks its default. */
export function sampleBatchOption(defaultSize: number) {
  return z.int().positive().default(defaultSize).describe('Samples per batch when sampling, and when evaluating log-likelihoods where the model batches them.');
}

/** The parsed option every model plugin of the kit has. */
export interface SampleBatchOptions {
  readonly sampleBatch: number;
}
