import { z } from 'zod';
import { OtcfmObjective } from '../objectives/otcfm.ts';
import { diffusionModelPlugin, diffusionOptionsShape } from './diffusion-plugin.ts';

export const otcfmOptions = z.strictObject({
  ...diffusionOptionsShape,
  /** σ of the Gaussian probability path around the straight line (0 in the paper). */
  sigma: z.number().min(0).default(0),
  /** `exact-ot`: noise paired with data by the minibatch's exact OT plan (OT-CFM); `independent`: random pairs (I-CFM). */
  coupling: z.enum(['exact-ot', 'independent']).default('exact-ot'),
  /** ODE solver for sampling: adaptive `dopri5` (the paper), or fixed-step `euler` / `heun`. */
  sampler: z.enum(['dopri5', 'euler', 'heun']).default('dopri5'),
  /** Steps of the fixed-step solvers. */
  steps: z.int().positive().default(100),
  /** Relative tolerance of dopri5 (sampling and likelihood). */
  rtol: z.number().positive().default(1e-5),
  /** Absolute tolerance of dopri5 (sampling and likelihood). */
  atol: z.number().positive().default(1e-5),
  /**
   * Log-likelihood by the probability-flow ODE, labelled an estimate: `hutchinson` (stochastic trace), `exact-trace`
   * (one vector-Jacobian product per value; at most 64 values per sample), `none` (no likelihood, the nll metric skips it).
   */
  likelihood: z.enum(['none', 'hutchinson', 'exact-trace']).default('none'),
  /** Hutchinson probe vectors per sample. */
  probes: z.int().positive().default(1),
});
export type OtcfmOptions = z.output<typeof otcfmOptions>;

/** `otcfm`: Tong et al. 2024 (conditional flow matching with exact minibatch OT), ODE sampling. */
export const otcfmModelPlugin = diffusionModelPlugin({
  id: 'otcfm',
  description: 'OT-CFM (Tong et al. 2024): flow matching with exact minibatch optimal-transport pairs, dopri5/Euler/Heun ODE sampling; MLP or U-Net',
  options: otcfmOptions,
  unstableOptions: ['guidance', 'sigma'],
  objective: (o, data) =>
    new OtcfmObjective({
      sigma: o.sigma,
      coupling: o.coupling,
      sampler: o.sampler,
      steps: o.steps,
      rtol: o.rtol,
      atol: o.atol,
      clip: data.kind === 'image',
      likelihood: o.likelihood,
      probes: o.probes,
    }),
});
