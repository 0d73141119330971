import { pathOption, type DatasetPlugin } from '@ouroboros/core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { inMemoryRows, type ImageRows } from '../images/image-rows.ts';
import { officialSplitShape, subsetShape } from '../images/image-subset.ts';
import { officialSplitsDataset } from '../images/official-splits.ts';
import { statSource } from '../source-path.ts';
import { readIdx } from './idx-file.ts';
import { padImages } from './pad-images.ts';

const SIDE = 28;

const idxOptions = z.strictObject({
  /** The folder with the four IDX files (plain or .gz), or torchvision's root holding <Name>/raw/. */
  path: pathOption(),
  ...officialSplitShape,
  ...subsetShape,
  resolution: z.literal([28, 32]).default(28).describe('28 as stored, or 32 with 2 black pixels on every side (the usual input of multi-scale flows).'),
});

export type IdxDatasetOptions = z.output<typeof idxOptions>;

/** What distinguishes MNIST from Fashion-MNIST: the id, the folder torchvision uses and the class names. */
interface IdxDatasetKind {
  readonly id: string;
  readonly title: string;
  readonly torchvisionFolder: string;
  readonly classes: readonly string[];
}

/** The file of `stem` (e.g. `train-images-idx3-ubyte`) in `folder`: as named, with `.gz`, or with a dot before `idx`. */
function findIdx(folder: string, stem: string): string | undefined {
  const dotted = stem.replace(/-idx/, '.idx');
  return [stem, `${stem}.gz`, dotted, `${dotted}.gz`].map((name) => join(folder, name)).find((file) => existsSync(file));
}

const STEMS = {
  train: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
  test: ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
} as const;

/** Images [n, 28, 28] and labels [n] of one official split, checked against each other. */
function readIdxSplit(folder: string, [imagesStem, labelsStem]: readonly [string, string], kind: IdxDatasetKind): { images: Uint8Array; labels: Int32Array } {
  const file = (stem: string) => {
    const found = findIdx(folder, stem);
    if (!found) throw new Error(`${join(folder, stem)}: missing (also as .gz); expected the four ${kind.title} IDX files in ${folder}`);
    return found;
  };
  const imagesFile = file(imagesStem);
  const labelsFile = file(labelsStem);
  const images = readIdx(readFileSync(imagesFile), imagesFile);
  const labels = readIdx(readFileSync(labelsFile), labelsFile);
  if (images.shape.length !== 3 || images.shape[1] !== SIDE || images.shape[2] !== SIDE) {
    throw new Error(`${imagesFile}: dimensions ${images.shape.join(' x ')}; expected n x ${SIDE} x ${SIDE} images`);
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new Error(`${labelsFile}: dimensions ${labels.shape.join(' x ')}; expected ${images.shape[0]} labels, one per image of ${imagesFile}`);
  }
  const bad = labels.data.findIndex((label) => label >= kind.classes.length);
  if (bad >= 0) throw new Error(`${labelsFile}: label ${bad} is ${labels.data[bad]}; expected 0-${kind.classes.length - 1}`);
  return { images: images.data, labels: Int32Array.from(labels.data) };
}

/** A dataset plugin for the IDX files of MNIST or a dataset in its format. */
function idxDatasetPlugin(kind: IdxDatasetKind, description: string): DatasetPlugin<IdxDatasetOptions> {
  return {
    id: kind.id,
    description,
    options: idxOptions,
    create(options) {
      const expected = `a folder with the ${kind.title} IDX files (train-images-idx3-ubyte[.gz] ...)`;
      statSource(options.path, kind.id, expected);
      const folder = [options.path, join(options.path, 'raw'), join(options.path, kind.torchvisionFolder, 'raw')].find((f) => findIdx(f, STEMS.train[0]) || findIdx(f, STEMS.test[0]));
      if (!folder) throw new Error(`${kind.id}: ${options.path} holds no ${STEMS.train[0]} or ${STEMS.test[0]}; expected ${expected}`);
      const side = options.resolution;
      const rowsOf = ({ images, labels }: { images: Uint8Array; labels: Int32Array }): ImageRows =>
        inMemoryRows(padImages(images, labels.length, SIDE, (side - SIDE) / 2), side * side, labels);
      const official = { train: rowsOf(readIdxSplit(folder, STEMS.train, kind)), test: rowsOf(readIdxSplit(folder, STEMS.test, kind)) };
      return officialSplitsDataset(kind.id, official, [side, side, 1], kind.classes, options);
    },
  };
}

export const mnistDataset = idxDatasetPlugin(
  { id: 'mnist', title: 'MNIST', torchvisionFolder: 'MNIST', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
  'MNIST handwritten digits, 28x28 grey (or padded to 32), 60000 train / 10000 test, from the IDX files (plain or .gz)',
);

export const fashionMnistDataset = idxDatasetPlugin(
  {
    id: 'fashion-mnist',
    title: 'Fashion-MNIST',
    torchvisionFolder: 'FashionMNIST',
    classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  },
  'Fashion-MNIST clothing, 28x28 grey (or padded to 32), 60000 train / 10000 test, from the IDX files (plain or .gz)',
);
