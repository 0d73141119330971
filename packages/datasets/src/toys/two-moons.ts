import { z } from 'zod';
import { splitCountsShape } from '../split-counts.ts';
import { jitter, noiseOption, toy2dPlugin, type Point } from './toy2d.ts';

/** sklearn make_moons: upper moon (cos θ, sin θ), lower moon (1 − cos θ, 1/2 − sin θ), θ in [0, π]. */
export function moonPoint(lower: boolean, angle: number): Point {
  return lower ? [1 - Math.cos(angle), 0.5 - Math.sin(angle)] : [Math.cos(angle), Math.sin(angle)];
}

const twoMoonsOptions = z.strictObject({
  ...splitCountsShape,
  // FFJORD lib/toy_data.py 'moons' uses make_moons(noise=0.1).
  noise: noiseOption(0.1),
});

export type TwoMoonsOptions = z.output<typeof twoMoonsOptions>;

export const twoMoonsDataset = toy2dPlugin({
  id: 'two-moons',
  description: 'two interleaving half circles (sklearn make_moons geometry), each point on either moon with probability 1/2',
  options: twoMoonsOptions,
  sampler: ({ noise }) => (rng) => jitter(moonPoint(rng.uniform() < 0.5, Math.PI * rng.uniform()), noise, rng),
});
