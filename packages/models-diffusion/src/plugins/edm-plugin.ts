import { z } from 'zod';
import { EdmObjective } from '../objectives/edm.ts';
import { diffusionModelPlugin, diffusionOptions } from './diffusion-plugin.ts';

export const edmOptions = diffusionOptions.extend({
  sigmaData: z.number().positive().default(0.5).describe("σ_data: the data's standard deviation the preconditioning assumes (0.5 for images in [-1, 1])."),
  pMean: z.number().default(-1.2).describe('Mean of ln σ while training.'),
  pStd: z.number().positive().default(1.2).describe('Standard deviation of ln σ while training.'),
  sigmaMin: z.number().positive().default(0.002).describe('Smallest noise level of the sampler.'),
  sigmaMax: z.number().positive().default(80).describe('Largest noise level of the sampler (the start).'),
  rho: z.number().positive().default(7).describe('ρ of the noise-level spacing.'),
  samplerSteps: z.int().positive().default(18).describe('Noise levels of the sampler (18 for CIFAR-10: 35 network calls with Heun; 40 for FFHQ 64); formerly `steps`.'),
  sampler: z.enum(['heun', 'euler']).default('heun').describe("`heun` (EDM's 2nd-order deterministic sampler) or `euler`."),
});
export type EdmOptions = z.output<typeof edmOptions>;

/** `edm`: Karras et al. 2022 (preconditioning, log-normal σ, loss weighting, Heun sampler). */
export const edmModelPlugin = diffusionModelPlugin({
  id: 'edm',
  description: 'EDM (Karras et al. 2022): preconditioned denoiser, log-normal noise levels, Heun sampler with rho-spaced steps; MLP or U-Net',
  unstableOptions: ['sigmaMax', 'guidance'],
  options: edmOptions.refine((o) => o.sigmaMax > o.sigmaMin, { message: 'sigmaMax must be larger than sigmaMin', path: ['sigmaMax'] }),
  objective: (o) => new EdmObjective({ sigmaData: o.sigmaData, pMean: o.pMean, pStd: o.pStd, sigmaMin: o.sigmaMin, sigmaMax: o.sigmaMax, rho: o.rho, steps: o.samplerSteps, sampler: o.sampler }),
});
