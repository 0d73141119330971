import { z } from 'zod';
import { samplesToTensor, takeFloat32, type Metric, type MetricPlugin } from '@ouroboros/core';

export const nllOptions = z.strictObject({
  /** Held-out samples per logLikelihood call. */
  batchSize: z.int().positive().default(1024),
});
export type NllOptions = z.infer<typeof nllOptions>;

/** `nll`: mean negative log-likelihood in nats of the held-out real data, -(1/n) sum_i log p(x_i). */
export const nllMetricPlugin: MetricPlugin<NllOptions> = {
  id: 'nll',
  description: 'mean negative log-likelihood (nats) of held-out real data under the model',
  options: nllOptions,
  create: ({ batchSize }, env): Metric => {
    const noted = new Set<string>();
    const noteOnce = (message: string) => {
      if (!noted.has(message)) env.note(message);
      noted.add(message);
    };
    return {
      async compute({ real, model, modelId }): Promise<Record<string, number>> {
        if (!model.logLikelihood) {
          noteOnce(`nll skipped: model '${modelId}' has no likelihood`);
          return {};
        }
        if (model.likelihood === 'bound') noteOnce(`nll: model '${modelId}' gives a lower bound on the log-likelihood, so nll is an upper bound`);
        if (real.count === 0) throw new RangeError('nll: the held-out real set has 0 samples; expected at least 1');
        let sum = 0;
        for await (const batch of real.batches(batchSize)) {
          const x = samplesToTensor(batch, real);
          let logLikelihood;
          try {
            logLikelihood = model.logLikelihood(x);
          } finally {
            x.dispose();
          }
          for (const value of await takeFloat32(logLikelihood)) sum -= value;
        }
        return { nll: sum / real.count };
      },
    };
  },
};
