import { z } from 'zod';
import type { CuratorPlugin } from '../contracts/curator.ts';
import { ConfigError } from '../config/config-error.ts';
import * as tf from '@tensorflow/tfjs';
import { inModelSpace, logLikelihoods } from './log-likelihoods.ts';

const MAX_DIMS = 256;

const options = z.strictObject({
  steps: z.int().min(1).default(5).describe('Ascent (or Langevin) steps per sample.'),
  stepSize: z.number().gt(0).default(0.01).describe('eta in x <- x + eta grad log p(x) (+ sqrt(2 eta) noise), in model space.'),
  langevin: z.boolean().default(false).describe('Add sqrt(2 eta) N(0, I) noise each step (unadjusted Langevin) instead of plain ascent.'),
  difference: z.number().gt(0).default(1e-3).describe('h of the central differences (log p(x + h e_j) - log p(x - h e_j)) / 2h giving grad log p.'),
});

/**
 * Gillman et al. 2024 (self-correcting loops): moves every sample towards higher likelihood under a
 * frozen expert, generation 0's model: `steps` of x <- x + eta grad_x log p(x) (+ sqrt(2 eta) xi with
 * `langevin`), the gradient by central differences of the expert's log-likelihood (2d evaluations a
 * step, so for vectors of at most 256 dimensions).
 */
export const selfCorrectCurator: CuratorPlugin<z.infer<typeof options>> = {
  id: 'self-correct',
  description: 'moves every sample a few likelihood-ascent (or Langevin) steps under generation 0, a frozen expert (Gillman et al. 2024)',
  options,
  create: ({ steps, stepSize, langevin, difference }, { data }) => {
    const dims = data.sampleShape.reduce((a, b) => a * b, 1);
    if (dims > MAX_DIMS) throw new ConfigError(`curator.id = "self-correct": samples of ${dims} dimensions; expected at most ${MAX_DIMS} (its gradient takes 2 likelihood evaluations per dimension)`);
    return {
      samplesToDraw: (needed) => needed,
      async curate({ samples, verifier, codec, ctx }) {
        const expert = await verifier();
        const score = (x: Float32Array) => logLikelihoods(expert, x, data.sampleShape, ctx, 'curator self-correct');
        const x = await inModelSpace(await samples.readAll(), codec);
        const n = x.length / dims;
        const before = mean(await score(x));
        const noise = ctx.rng.fork('langevin');
        for (let step = 0; step < steps; step++) {
          const gradient = new Float64Array(x.length);
          for (let j = 0; j < dims; j++) {
            const plus = await score(shifted(x, dims, j, difference));
            const minus = await score(shifted(x, dims, j, -difference));
            for (let i = 0; i < n; i++) gradient[i * dims + j] = (plus[i]! - minus[i]!) / (2 * difference);
          }
          for (let k = 0; k < x.length; k++) x[k]! += stepSize * gradient[k]! + (langevin ? Math.sqrt(2 * stepSize) * noise.normal() : 0);
          ctx.progress((step + 1) / steps, `${step + 1}/${steps} correction steps`);
        }
        const after = mean(await score(x));
        const moved = tf.tensor(x, [n, ...data.sampleShape], 'float32');
        const values = await codec.decode(moved).finally(() => moved.dispose());
        return {
          values,
          reason: `moved all ${n} samples ${steps} ${langevin ? 'Langevin' : 'likelihood-ascent'} steps of ${stepSize} under generation 0: mean log-likelihood ${before.toPrecision(4)} -> ${after.toPrecision(4)}`,
          stats: { mean_loglik_drawn: before, mean_loglik_corrected: after },
        };
      },
    };
  },
};

// x + h e_j on every row.
function shifted(x: Float32Array, dims: number, j: number, h: number): Float32Array {
  const out = Float32Array.from(x);
  for (let k = j; k < out.length; k += dims) out[k]! += h;
  return out;
}

function mean(values: Float64Array): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(values.length, 1);
}
