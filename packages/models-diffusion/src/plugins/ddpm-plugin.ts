import { z } from 'zod';
import { DdpmObjective } from '../objectives/ddpm.ts';
import { diffusionModelPlugin, diffusionOptions } from './diffusion-plugin.ts';

export const ddpmOptions = diffusionOptions.extend({
  timesteps: z.int().min(2).default(1000).describe('Diffusion steps T.'),
  betaSchedule: z.enum(['linear', 'cosine']).default('linear').describe('β schedule: `linear` (Ho et al.) or `cosine` (Nichol & Dhariwal 2021); formerly `schedule`.'),
  betaStart: z.number().positive().lt(1).default(1e-4).describe('β of the first step (linear schedule).'),
  betaEnd: z.number().positive().lt(1).default(0.02).describe('β of the last step (linear schedule).'),
  variance: z.enum(['large', 'small']).default('large').describe("Reverse-process variance: `large` β_t (Ho et al.'s CIFAR-10 choice) or `small` β̃_t."),
  sampler: z.enum(['ddim', 'ancestral']).default('ddim').describe('`ddim` (Song et al. 2021; the paper samples DDPM with 100 DDIM steps) or `ancestral` (all T steps).'),
  samplerSteps: z.int().positive().default(100).describe('DDIM steps, evenly spaced over the T timesteps; formerly `steps`.'),
  eta: z.number().min(0).default(0).describe('DDIM η: 0 deterministic, 1 DDPM-like noise.'),
  clipDenoised: z.boolean().optional().describe('Clip x̂_0 to [-1, 1] while sampling and in the bound (default: on for images, off for vectors).'),
  boundTimesteps: z.int().positive().nullable().default(null).describe('Terms of the variational bound evaluated by the likelihood: null for all T, k for an unbiased stratified estimate with k network calls.'),
});
export type DdpmOptions = z.output<typeof ddpmOptions>;

/** `ddpm`: Ho et al. 2020 (ε-prediction, linear/cosine β), DDIM or ancestral sampling, variational bound. */
export const ddpmModelPlugin = diffusionModelPlugin({
  id: 'ddpm',
  description: 'DDPM (Ho et al. 2020): epsilon-prediction, DDIM/ancestral sampling, variational bound on the likelihood; MLP or U-Net',
  options: ddpmOptions.superRefine((o, ctx) => {
    if (o.sampler === 'ddim' && o.samplerSteps > o.timesteps) {
      ctx.addIssue({ code: 'custom', path: ['samplerSteps'], message: `expected at most ${o.timesteps} DDIM steps (the timesteps; the default is 100); lower samplerSteps or use sampler: ancestral` });
    }
  }),
  renamedOptions: { schedule: 'betaSchedule' },
  unstableOptions: ['betaEnd', 'betaStart', 'guidance'],
  objective: (o, data) =>
    new DdpmObjective({
      timesteps: o.timesteps,
      schedule: o.betaSchedule,
      betaStart: o.betaStart,
      betaEnd: o.betaEnd,
      variance: o.variance,
      sampler: o.sampler,
      steps: o.samplerSteps,
      eta: o.eta,
      clipDenoised: o.clipDenoised ?? data.kind === 'image',
      boundTimesteps: o.boundTimesteps,
      discrete: data.dtype === 'uint8',
    }),
});
