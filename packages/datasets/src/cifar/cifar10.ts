import { pathOption, type DatasetEnv, type DatasetPlugin } from '@ouroboros/core';
import { z } from 'zod';
import { areaDownsample } from '../images/area-downsample.ts';
import { inMemoryRows, type ImageRows } from '../images/image-rows.ts';
import { officialSplitShape, subsetShape } from '../images/image-subset.ts';
import { officialSplitsDataset } from '../images/official-splits.ts';
import { CIFAR_CLASSES, CIFAR_IMAGE_BYTES, CIFAR_SIDE, type CifarBatch } from './cifar-batch.ts';
import { readCifarBinaryBatch } from './cifar-binary.ts';
import { readCifarFiles, type CifarFile, type CifarLayout } from './cifar-files.ts';
import { readCifarPythonBatch } from './cifar-pickle.ts';

const OFFICIAL_BATCH_SIZE = 10_000;

const cifar10Options = z.strictObject({
  /** The cifar-10-batches-bin or -py folder, a folder holding one, or the official .tar.gz archive. */
  path: pathOption(),
  ...officialSplitShape,
  ...subsetShape,
  resolution: z.literal([32, 16, 8]).default(32).describe('Side of the images: 32 as stored, or 16 or 8 by area averaging (for CPU-scale runs).'),
});

export type Cifar10Options = z.output<typeof cifar10Options>;

const readers: Record<CifarLayout, (bytes: Uint8Array, source: string) => CifarBatch> = { binary: readCifarBinaryBatch, python: readCifarPythonBatch };

/** Reads the batches of one split into NHWC images and labels; notes batches of unofficial size. */
function readSplit(files: readonly CifarFile[], layout: CifarLayout, note: DatasetEnv['note']): CifarBatch {
  const batches = files.map((file) => {
    const batch = readers[layout](file.bytes, file.source);
    if (batch.labels.length !== OFFICIAL_BATCH_SIZE) note(`${file.source} holds ${batch.labels.length} images; the official batches hold ${OFFICIAL_BATCH_SIZE}`);
    return batch;
  });
  const count = batches.reduce((n, b) => n + b.labels.length, 0);
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(count);
  let at = 0;
  for (const batch of batches) {
    images.set(batch.images, at * CIFAR_IMAGE_BYTES);
    labels.set(batch.labels, at);
    at += batch.labels.length;
  }
  return { images, labels };
}

/**
 * CIFAR-10 (Krizhevsky 2009) from the files users already have: the binary or python version, a
 * batches folder or the official .tar.gz. Read and checked when the dataset is created.
 */
export const cifar10Dataset: DatasetPlugin<Cifar10Options> = {
  id: 'cifar10',
  description: 'CIFAR-10 32x32 RGB, 10 classes, 50000 train / 10000 test, from the binary or python batches or their .tar.gz',
  options: cifar10Options,
  create(options, env) {
    const files = readCifarFiles(options.path);
    const side = options.resolution;
    const rowsOf = (batch: CifarBatch): ImageRows =>
      inMemoryRows(areaDownsample(batch.images, batch.labels.length, [CIFAR_SIDE, CIFAR_SIDE, 3], CIFAR_SIDE / side), side * side * 3, batch.labels);
    const official = { train: rowsOf(readSplit(files.train, files.layout, env.note)), test: rowsOf(readSplit(files.test, files.layout, env.note)) };
    return officialSplitsDataset('cifar10', official, [side, side, 3], CIFAR_CLASSES, options);
  },
};
