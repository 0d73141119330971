import { z } from 'zod';
import { splitCountsShape } from '../split-counts.ts';
import { jitter, noiseOption, toy2dPlugin, type Point } from './toy2d.ts';

/** A point at `angle` on the circle of radius `radius` around the origin: r (cos θ, sin θ). */
export function circlePoint(radius: number, angle: number): Point {
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

const circlesOptions = z.strictObject({
  ...splitCountsShape,
  // sklearn make_circles' documented examples use noise=0.05, factor=0.5.
  noise: noiseOption(0.05),
  factor: z.number().min(0).lt(1).default(0.5).describe('radius of the inner circle; the outer one has radius 1 (as in make_circles)'),
});

export type CirclesOptions = z.output<typeof circlesOptions>;

export const circlesDataset = toy2dPlugin({
  id: 'circles',
  description: 'two concentric circles of radii 1 and factor (sklearn make_circles geometry), each with probability 1/2',
  options: circlesOptions,
  sampler: ({ noise, factor }) => (rng) => {
    const radius = rng.uniform() < 0.5 ? 1 : factor;
    return jitter(circlePoint(radius, 2 * Math.PI * rng.uniform()), noise, rng);
  },
});
