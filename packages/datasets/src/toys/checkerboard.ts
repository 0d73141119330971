import { z } from 'zod';
import { splitCountsShape } from '../split-counts.ts';
import { jitter, noiseOption, toy2dPlugin, type Point } from './toy2d.ts';

/** Side of one square of the 4 x 4 board on [-4, 4]^2. */
export const CHECKERBOARD_SQUARE = 2;

/** Whether (x, y) lies in a filled square: ⌊x/2⌋ + ⌊y/2⌋ even, the squares FFJORD's checkerboard fills. */
export function isFilledSquare([x, y]: Point): boolean {
  const sum = Math.floor(x / CHECKERBOARD_SQUARE) + Math.floor(y / CHECKERBOARD_SQUARE);
  return ((sum % 2) + 2) % 2 === 0;
}

/**
 * FFJORD lib/toy_data.py 'checkerboard' from three uniform draws: x1 = 4u − 2,
 * x2 = v − 2b + (⌊x1⌋ mod 2) with b in {0, 1}, point 2 (x1, x2); uniform on the 8 filled squares.
 */
export function checkerboardPoint(u: number, v: number, lowerHalf: boolean): Point {
  const x1 = 4 * u - 2;
  const column = ((Math.floor(x1) % 2) + 2) % 2;
  const x2 = v - (lowerHalf ? 2 : 0) + column;
  return [CHECKERBOARD_SQUARE * x1, CHECKERBOARD_SQUARE * x2];
}

const checkerboardOptions = z.strictObject({
  ...splitCountsShape,
  noise: noiseOption(0),
});

export type CheckerboardOptions = z.output<typeof checkerboardOptions>;

export const checkerboardDataset = toy2dPlugin({
  id: 'checkerboard',
  description: 'uniform on the alternating squares of a 4 x 4 checkerboard on [-4, 4]^2 (FFJORD), plus optional gaussian noise',
  options: checkerboardOptions,
  sampler: ({ noise }) => (rng) => jitter(checkerboardPoint(rng.uniform(), rng.uniform(), rng.uniform() < 0.5), noise, rng),
});
