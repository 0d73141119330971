import { z } from 'zod';
import { OtcfmObjective } from '../objectives/otcfm.ts';
import { diffusionModelPlugin, diffusionOptions } from './diffusion-plugin.ts';

export const otcfmOptions = diffusionOptions.extend({
  sigma: z.number().min(0).default(0).describe('σ of the Gaussian probability path around the straight line (0 in the paper).'),
  coupling: z.enum(['exact-ot', 'independent']).default('exact-ot').describe("`exact-ot`: noise paired with data by the minibatch's exact OT plan (OT-CFM); `independent`: random pairs (I-CFM)."),
  sampler: z.enum(['dopri5', 'euler', 'heun']).default('dopri5').describe('ODE solver for sampling: adaptive `dopri5` (the paper), or fixed-step `euler` / `heun`.'),
  samplerSteps: z.int().positive().default(100).describe('Steps of the fixed-step ODE solvers (`euler`, `heun`); formerly `steps`.'),
  rtol: z.number().positive().default(1e-5).describe('Relative tolerance of dopri5 (sampling and likelihood).'),
  atol: z.number().positive().default(1e-5).describe('Absolute tolerance of dopri5 (sampling and likelihood).'),
  likelihoodEstimator: z.enum(['none', 'hutchinson', 'exact-trace']).default('none').describe('Log-likelihood by the probability-flow ODE, labelled an estimate: `hutchinson` (stochastic trace), `exact-trace` (one vector-Jacobian product per value; at most 64 values per sample), `none` (no likelihood, the nll metric skips it); formerly `likelihood`.'),
  probes: z.int().positive().default(1).describe('Hutchinson probe vectors per sample.'),
});
export type OtcfmOptions = z.output<typeof otcfmOptions>;

/** `otcfm`: Tong et al. 2024 (conditional flow matching with exact minibatch OT), ODE sampling. */
export const otcfmModelPlugin = diffusionModelPlugin({
  id: 'otcfm',
  description: 'OT-CFM (Tong et al. 2024): flow matching with exact minibatch optimal-transport pairs, dopri5/Euler/Heun ODE sampling; MLP or U-Net',
  options: otcfmOptions,
  renamedOptions: { likelihood: 'likelihoodEstimator' },
  unstableOptions: ['guidance', 'sigma'],
  objective: (o, data) =>
    new OtcfmObjective({
      sigma: o.sigma,
      coupling: o.coupling,
      sampler: o.sampler,
      steps: o.samplerSteps,
      rtol: o.rtol,
      atol: o.atol,
      clip: data.kind === 'image',
      likelihood: o.likelihoodEstimator,
      probes: o.probes,
    }),
});
