import type { DatasetPlugin, Rng } from '@ouroboros/core';
import { z } from 'zod';
import { drawnDataset } from '../sampled-dataset.ts';
import { drawShape, SHAPE_KINDS, type Shape } from './draw-shape.ts';

export const SHAPE_COLOURS = [
  ['red', [255, 0, 0]],
  ['green', [0, 255, 0]],
  ['blue', [0, 0, 255]],
  ['yellow', [255, 255, 0]],
  ['magenta', [255, 0, 255]],
  ['cyan', [0, 255, 255]],
] as const;

/** Class c is shape floor(c / 6) in colour c mod 6: `red square` ... `cyan triangle`. */
export const SHAPE_CLASSES: readonly string[] = SHAPE_KINDS.flatMap((kind) => SHAPE_COLOURS.map(([colour]) => `${colour} ${kind}`));

/** Circumradius range as a fraction of the image side. */
const MIN_RADIUS = 0.25;
const MAX_RADIUS = 0.45;

const shapesOptions = z.strictObject({
  resolution: z.literal([16, 32]).default(32).describe('Image side in pixels.'),
  train: z.int().positive().default(10_000).describe('Number of training images.'),
  test: z.int().positive().default(2000).describe('Number of held-out test images.'),
});

export type ShapesOptions = z.output<typeof shapesOptions>;

/**
 * One random shape, drawn from `rng` in this order: the class (uniform over 18), the circumradius
 * (uniform in [0.25, 0.45] x side), the centre (uniform where the whole circumcircle fits), the
 * rotation (uniform in [0, 2 pi)).
 */
export function randomShape(rng: Rng, size: number): { shape: Shape; label: number } {
  const label = rng.int(SHAPE_CLASSES.length);
  const radius = size * (MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * rng.uniform());
  const cx = radius + (size - 2 * radius) * rng.uniform();
  const cy = radius + (size - 2 * radius) * rng.uniform();
  const angle = 2 * Math.PI * rng.uniform();
  const kind = SHAPE_KINDS[Math.floor(label / SHAPE_COLOURS.length)]!;
  const rgb = SHAPE_COLOURS[label % SHAPE_COLOURS.length]![1];
  return { shape: { kind, cx, cy, radius, angle, rgb }, label };
}

/** Procedural images whose known classes make mode collapse countable. */
export const shapesDataset: DatasetPlugin<ShapesOptions> = {
  id: 'shapes',
  description: 'procedural RGB images of one anti-aliased square, circle or triangle in one of 6 colours on black (18 classes), unlimited draws',
  options: shapesOptions,
  create: ({ resolution, train, test }) =>
    drawnDataset<Uint8Array>({ kind: 'image', dtype: 'uint8', sampleShape: [resolution, resolution, 3], classes: SHAPE_CLASSES }, { train, test }, (rng, out, offset) => {
      const { shape, label } = randomShape(rng, resolution);
      drawShape(out, offset, resolution, shape);
      return label;
    }),
};
