import { z } from 'zod';
import { sampleBatchOption } from './sample-batch.ts';

/** Samples a closed-form model draws per batch unless its options say otherwise. */
export const CLOSED_FORM_SAMPLE_BATCH = 4096;

/** The schema of a closed-form model family: `sampleBatch` (4096), then the family's own options. */
export function closedFormOptions<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject({ sampleBatch: sampleBatchOption(CLOSED_FORM_SAMPLE_BATCH), ...shape });
}
