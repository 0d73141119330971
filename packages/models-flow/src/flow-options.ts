import { z } from 'zod';
import type { FlowSampling } from './flow-model.ts';

/** The sampling option every flow plugin's schema spreads in beside the kit's training options and `sampleBatch`. */
export const flowOptionsShape = {
  temperature: z.number().positive().default(1).describe("Multiplies the standard deviation of the base noise when sampling (1: the model's distribution; < 1: Glow's reduced temperature)."),
};

/** Earlier names of the flows' options. */
export const flowRenamedOptions = { evalBatchSize: 'sampleBatch' } as const;

/** What the flows' sampling reads from their parsed options. */
export function flowSampling(options: FlowSampling): FlowSampling {
  return { temperature: options.temperature, sampleBatch: options.sampleBatch };
}
