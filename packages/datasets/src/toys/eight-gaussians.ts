import { z } from 'zod';
import { splitCountsShape } from '../split-counts.ts';
import { jitter, noiseOption, toy2dPlugin, type Point } from './toy2d.ts';

export const EIGHT_GAUSSIANS_MODES = 8;

/** Center of mode k: radius · (cos(kπ/4), sin(kπ/4)). */
export function eightGaussiansCenter(mode: number, radius: number): Point {
  const angle = (mode * Math.PI) / 4;
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

// FFJORD lib/toy_data.py '8gaussians': centers at radius 4, std 0.5, all divided by 1.414, i.e. radius 2√2, std √2/4.
const eightGaussiansOptions = z.strictObject({
  ...splitCountsShape,
  noise: noiseOption(Math.SQRT2 / 4),
  scale: z.number().positive().default(2 * Math.SQRT2).describe('radius of the circle the 8 centers lie on'),
});

export type EightGaussiansOptions = z.output<typeof eightGaussiansOptions>;

export const eightGaussiansDataset = toy2dPlugin({
  id: 'eight-gaussians',
  description: 'equal mixture of 8 isotropic gaussians centred on a circle of radius scale at angles kπ/4 (FFJORD)',
  options: eightGaussiansOptions,
  sampler: ({ noise, scale }) => (rng) => jitter(eightGaussiansCenter(rng.int(EIGHT_GAUSSIANS_MODES), scale), noise, rng),
});
