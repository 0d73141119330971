import { z } from 'zod';
import { bitsPerDim, dataCodec, stopPoint, type Metric, type MetricPlugin } from '@ouroboros/core';

export const nllOptions = z.strictObject({
  batchSize: z.int().positive().default(1024).describe('Reference samples per logLikelihood call.'),
});
export type NllOptions = z.infer<typeof nllOptions>;

/**
 * `nll`: mean negative log-likelihood of the real reference data, -(1/n) sum_i log p(x_i), in nats
 * per sample. On discrete data (uint8 images) each sample is uniformly dequantized and the codec's
 * Jacobian added, so `nll` bounds the discrete data's and `bpd` = nll / (D ln 2) is the bits per
 * dimension RealNVP and Glow report.
 */
export const nllMetricPlugin: MetricPlugin<NllOptions> = {
  id: 'nll',
  description: 'mean negative log-likelihood (nats; bits/dim on images) of real reference data under the model',
  options: nllOptions,
  create: ({ batchSize }, env): Metric => {
    const noted = new Set<string>();
    const noteOnce = (message: string) => {
      if (!noted.has(message)) env.note(message);
      noted.add(message);
    };
    return {
      async compute({ reference, model, modelId, data }, ctx): Promise<Record<string, number>> {
        if (!model.logLikelihood) {
          noteOnce(`nll skipped: model '${modelId}' has no likelihood`);
          return {};
        }
        if (model.likelihood === 'bound') noteOnce(`nll: model '${modelId}' gives a lower bound on the log-likelihood, so nll is an upper bound`);
        if (model.likelihood === 'estimate') noteOnce(`nll: model '${modelId}' gives a stochastic estimate of the log-likelihood`);
        if (reference.count === 0) throw new RangeError('nll: the reference set has 0 samples; expected at least 1');
        const codec = dataCodec(data);
        let sum = 0;
        let batchIndex = 0;
        const stop = stopPoint(ctx.signal);
        for await (const batch of reference.batches(batchSize)) {
          const x = codec.discrete ? codec.dequantize(batch, ctx.rng.fork('dequantize', batchIndex)) : codec.encode(batch);
          batchIndex++;
          try {
            for (const value of await model.logLikelihood(x, ctx)) sum -= value + codec.logJacobian;
          } finally {
            x.dispose();
          }
          ctx.progress(Math.min(1, (batchIndex * batchSize) / reference.count), 'log-likelihood of the reference data');
          await stop();
        }
        const nll = sum / reference.count;
        return codec.discrete ? { nll, bpd: bitsPerDim(nll, codec.dims) } : { nll };
      },
    };
  },
};
