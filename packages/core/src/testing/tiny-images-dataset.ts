import { z } from 'zod';
import type { DatasetPlugin } from '../contracts/dataset.ts';
import type { Rng } from '../rng/rng.ts';

/** Colours of the squares; the class of an image is its colour. */
const COLOURS = [
  ['red', [230, 40, 40]],
  ['green', [40, 200, 60]],
  ['blue', [50, 80, 230]],
] as const;

const options = z.strictObject({
  size: z.int().min(4).default(8),
  train: z.int().positive().default(64),
  test: z.int().positive().default(64),
});

/**
 * Labelled uint8 RGB images of one coloured square (side size/2, random position) on black, for
 * testing image data paths inside core: uint8 stores, labels, grids, the codec.
 */
export const tinyImagesDatasetPlugin: DatasetPlugin<z.infer<typeof options>> = {
  id: 'test-tiny-images',
  description: 'labelled uint8 RGB images of a coloured square on black (tests only)',
  options,
  create: ({ size, train, test }) => {
    const draw = async function* (n: number, rng: Rng) {
      const values = new Uint8Array(n * size * size * 3);
      const labels = new Int32Array(n);
      const side = size / 2;
      for (let i = 0; i < n; i++) {
        const label = rng.int(COLOURS.length);
        const rgb = COLOURS[label]![1];
        const x0 = rng.int(size - side + 1);
        const y0 = rng.int(size - side + 1);
        labels[i] = label;
        for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) values.set(rgb, ((i * size + y) * size + x) * 3);
      }
      yield { values, labels };
    };
    return {
      info: { kind: 'image', dtype: 'uint8', sampleShape: [size, size, 3], trainCount: train, testCount: test, classes: COLOURS.map(([name]) => name) },
      split: (split, rng) => draw(split === 'train' ? train : test, rng.fork(split)),
      fresh: (n, rng) => draw(n, rng),
    };
  },
};
