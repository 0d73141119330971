import { z } from 'zod';
import { splitCountsShape } from '../split-counts.ts';
import { noiseOption, toy2dPlugin, type Point } from './toy2d.ts';

/** Smallest and largest roll parameter of sklearn make_swiss_roll: t = 1.5π (1 + 2u), u in [0, 1). */
export const SWISS_ROLL_T_MIN = 1.5 * Math.PI;
export const SWISS_ROLL_T_MAX = 4.5 * Math.PI;

/** The (x, z) projection of make_swiss_roll's curve: (t cos t, t sin t). */
export function swissRollPoint(t: number): Point {
  return [t * Math.cos(t), t * Math.sin(t)];
}

// FFJORD lib/toy_data.py 'swissroll': make_swiss_roll(noise=1.0), columns (x, z), divided by 5.
const swissRollOptions = z.strictObject({
  ...splitCountsShape,
  noise: noiseOption(1).describe('std of the gaussian noise added to each coordinate before scaling (make_swiss_roll units)'),
  scale: z.number().positive().default(0.2).describe('factor applied to the noisy roll'),
});

export type SwissRollOptions = z.output<typeof swissRollOptions>;

export const swissRollDataset = toy2dPlugin({
  id: 'swiss-roll',
  description: '2-D swiss roll: scale · ((t cos t, t sin t) + noise), t uniform in [1.5π, 4.5π] (FFJORD)',
  options: swissRollOptions,
  sampler: ({ noise, scale }) => (rng) => {
    const t = SWISS_ROLL_T_MIN + (SWISS_ROLL_T_MAX - SWISS_ROLL_T_MIN) * rng.uniform();
    const [x, y] = swissRollPoint(t);
    return [scale * (x + noise * rng.normal()), scale * (y + noise * rng.normal())];
  },
});
