import { Rng } from '@ouroboros/core';
import { tempDir } from '@ouroboros/core/testing';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectImages, createDataset } from '../testing/collect-samples.ts';
import { idxFile, writeFile } from '../testing/file-fixtures.ts';
import { fashionMnistDataset, mnistDataset } from './mnist.ts';

const tmp = tempDir('ouroboros-mnist-');
afterAll(() => tmp.cleanup());

const pixel = (n: number, y: number, x: number) => (n * 29 + y * 9 + x * 5 + 1) % 256;
function images(first: number, count: number): Uint8Array {
  return Uint8Array.from({ length: count * 784 }, (_, i) => pixel(first + Math.floor(i / 784), Math.floor((i % 784) / 28), i % 28));
}
const labelsOf = (first: number, count: number) => Uint8Array.from({ length: count }, (_, i) => (first + i * 3) % 10);

/** The four IDX files of a 7-image train and 4-image test split, plain or gzipped, named as the official downloads. */
function writeMnist(dir: string, gzip: boolean): string {
  const gz = gzip ? '.gz' : '';
  writeFile(join(dir, `train-images-idx3-ubyte${gz}`), idxFile([7, 28, 28], images(0, 7), gzip));
  writeFile(join(dir, `train-labels-idx1-ubyte${gz}`), idxFile([7], labelsOf(0, 7), gzip));
  writeFile(join(dir, `t10k-images-idx3-ubyte${gz}`), idxFile([4, 28, 28], images(7, 4), gzip));
  writeFile(join(dir, `t10k-labels-idx1-ubyte${gz}`), idxFile([4], labelsOf(7, 4), gzip));
  return dir;
}

const plain = writeMnist(join(tmp.dir, 'plain'), false);
const gzipped = writeMnist(join(tmp.dir, 'root', 'MNIST', 'raw'), true);

describe('mnist', () => {
  it('reads the IDX files, plain and gzipped (also from torchvision root/MNIST/raw), as 28x28x1 images with labels', async () => {
    for (const path of [plain, join(tmp.dir, 'root')]) {
      const dataset = createDataset(mnistDataset, { path });
      expect(dataset.info).toEqual({ kind: 'image', dtype: 'uint8', sampleShape: [28, 28, 1], trainCount: 7, testCount: 4, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] });
      const train = await collectImages(dataset.split('train', Rng.from(0)));
      expect(train.values).toEqual(images(0, 7));
      expect(train.labels).toEqual(Int32Array.from(labelsOf(0, 7)));
      const test = await collectImages(dataset.split('test', Rng.from(0)));
      expect(test.values).toEqual(images(7, 4));
      expect(test.labels).toEqual(Int32Array.from(labelsOf(7, 4)));
    }
  });

  it('pads to 32x32 with 2 black pixels on every side', async () => {
    const { values } = await collectImages(createDataset(mnistDataset, { path: plain, resolution: 32 }).split('train', Rng.from(0)));
    expect(values.length).toBe(7 * 1024);
    for (let n = 0; n < 7; n++) {
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
        const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
        expect(values[n * 1024 + y * 32 + x]).toBe(inside ? pixel(n, y - 2, x - 2) : 0);
      }
    }
  });

  it('is the same reader for fashion-mnist, with its class names', async () => {
    const dataset = createDataset(fashionMnistDataset, { path: plain, classes: ['Trouser', 'Bag'] });
    expect(dataset.info.classes).toEqual(['Trouser', 'Bag']);
    const { labels } = await collectImages(dataset.split('train', Rng.from(0)));
    // labels (i * 3) % 10 for i < 7: 0 3 6 9 2 5 8; Trouser = 1 and Bag = 8 -> only the 8 is kept.
    expect([...labels!]).toEqual([1]);
  });

  it('refuses a missing, truncated, mismatched or non-IDX file, and a missing path, naming the file', () => {
    const dir = join(tmp.dir, 'bad');
    const fresh = () => {
      rmSync(dir, { recursive: true, force: true });
      return writeMnist(dir, false);
    };
    const create = () => createDataset(mnistDataset, { path: dir });
    fresh();
    rmSync(join(dir, 't10k-labels-idx1-ubyte'));
    expect(create).toThrow(`${join(dir, 't10k-labels-idx1-ubyte')}: missing (also as .gz); expected the four MNIST IDX files in ${dir}`);
    fresh();
    const imagesFile = join(dir, 'train-images-idx3-ubyte');
    writeFile(imagesFile, readFileSync(imagesFile).subarray(0, 1000));
    expect(create).toThrow(`${imagesFile}: 984 data bytes for dimensions 7 x 28 x 28 (5488); expected a complete IDX file`);
    writeFile(imagesFile, 'not an idx file');
    expect(create).toThrow(`${imagesFile}: does not start with the IDX magic 0x00 0x00; expected an IDX file (plain or .gz)`);
    writeFile(imagesFile, idxFile([7, 32, 32], new Uint8Array(7 * 1024)));
    expect(create).toThrow(`${imagesFile}: dimensions 7 x 32 x 32; expected n x 28 x 28 images`);
    fresh();
    writeFile(join(dir, 'train-labels-idx1-ubyte'), idxFile([6], labelsOf(0, 6)));
    expect(create).toThrow(`${join(dir, 'train-labels-idx1-ubyte')}: dimensions 6; expected 7 labels, one per image of ${imagesFile}`);
    writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), readFileSync(join(gzipped, 'train-labels-idx1-ubyte.gz')).subarray(0, 20));
    rmSync(join(dir, 'train-labels-idx1-ubyte'));
    expect(create).toThrow(/train-labels-idx1-ubyte\.gz: cannot be gunzipped \(unexpected end of file\); expected a complete gzip file/);
    expect(() => createDataset(mnistDataset, { path: join(tmp.dir, 'nowhere') })).toThrow(/^mnist: path .*nowhere does not exist; expected a folder with the MNIST IDX files/);
  });
});
