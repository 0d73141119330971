import { decodePng } from '@ouroboros/core';
import { tempDir } from '@ouroboros/core/testing';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ouro } from './testing/run-ouro.ts';

const tmp = tempDir('ouroboros-dataset-cmd-');
afterAll(() => tmp.cleanup());

/** Pixel (y, x, k) of CIFAR fixture image n. */
const pixel = (n: number, y: number, x: number, k: number) => (n * 11 + y * 5 + x * 3 + k * 80) % 256;

/** A cifar-10-batches-bin folder: 2 images per training batch, 3 in the test batch, labels n mod 10. */
function writeCifar(): string {
  const dir = join(tmp.dir, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const [name, count] of [['data_batch_1', 2], ['data_batch_2', 2], ['data_batch_3', 2], ['data_batch_4', 2], ['data_batch_5', 2], ['test_batch', 3]] as const) {
    const bytes = new Uint8Array(count * 3073);
    for (let i = 0; i < count; i++, n++) {
      bytes[i * 3073] = n % 10;
      for (let k = 0; k < 3; k++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) bytes[i * 3073 + 1 + k * 1024 + y * 32 + x] = pixel(n, y, x, k);
    }
    writeFileSync(join(dir, `${name}.bin`), bytes);
  }
  return dir;
}

describe('ouro dataset', () => {
  const cifar = writeCifar();

  it('prints the size, sample shape, value range and class histogram of a CIFAR-10 folder, and writes its grid', async () => {
    const grid = join(tmp.dir, 'cifar.png');
    const result = await ouro('dataset', 'cifar10', '--set', `path=${cifar}`, '--grid', grid);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('size           10 train, 3 test (seed 0)');
    expect(result.stdout).toContain('sample shape   32 x 32 x 3 uint8 (image)');
    expect(result.stdout).toMatch(/values +0 \.\. 255, mean/);
    expect(result.stdout).toContain('classes        10: airplane 1, automobile 1, bird 1, cat 1, deer 1, dog 1, frog 1, horse 1, ship 1, truck 1');
    const png = decodePng(readFileSync(grid));
    // 8 columns of 32-pixel images with 2-pixel gaps, 2 rows for 10 images.
    expect([png.width, png.height]).toEqual([8 * 34 + 2, 2 * 34 + 2]);
    for (const n of [0, 9]) {
      const x0 = 2 + (n % 8) * 34;
      const y0 = 2 + Math.floor(n / 8) * 34;
      for (const [y, x, k] of [[0, 0, 0], [31, 31, 2], [7, 20, 1]] as const) expect(png.pixels[((y0 + y) * png.width + x0 + x) * 3 + k]).toBe(pixel(n, y, x, k));
    }
  });

  it('answers in JSON with count, shape and classes as label -> count, for the split and seed a run would use', async () => {
    const result = await ouro('dataset', 'cifar10', '--set', `path=${cifar}`, '--set', 'classes=[cat, dog, bird]', '--set', 'limit=2', '--json', '--split', 'train', '--seed', '3');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ id: 'cifar10', split: 'train', count: 2, splits: { train: 2, test: 1 }, shape: [32, 32, 3], dtype: 'uint8', range: [expect.any(Number), expect.any(Number)] });
    expect(Object.keys(json.classes)).toEqual(['bird', 'cat', 'dog']);
    expect(Object.values(json.classes as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(2);
    const again = await ouro('dataset', 'cifar10', '--set', `path=${cifar}`, '--set', 'classes=[cat, dog, bird]', '--set', 'limit=2', '--json', '--seed', '3');
    expect(again.stdout).toBe(result.stdout);
    const test = JSON.parse((await ouro('dataset', 'cifar10', '--set', `path=${cifar}`, '--json', '--split', 'test')).stdout);
    expect([test.count, test.classes]).toEqual([3, { airplane: 1, automobile: 1, bird: 1, cat: 0, deer: 0, dog: 0, frog: 0, horse: 0, ship: 0, truck: 0 }]);
  });

  it('shows the shapes histogram and a vector dataset as a scatter plot', async () => {
    const shapes = JSON.parse((await ouro('dataset', 'shapes', '--set', 'resolution=16', '--set', 'train=360', '--set', 'test=10', '--json')).stdout);
    expect([shapes.count, shapes.shape, Object.keys(shapes.classes).length]).toEqual([360, [16, 16, 3], 18]);
    const plot = join(tmp.dir, 'moons.png');
    const moons = await ouro('dataset', 'two-moons', '--grid', plot);
    expect(moons.stdout).toContain('sample shape   2 float32 (vector)');
    expect(decodePng(readFileSync(plot)).width).toBe(256);
  });

  it('fails in one line naming the option or file, exit 1; usage errors exit 2', async () => {
    const missing = await ouro('dataset', 'cifar10', '--set', `path=${join(tmp.dir, 'nowhere')}`);
    expect([missing.code, missing.stderr]).toEqual([1, `ouro: cifar10: path ${join(tmp.dir, 'nowhere')} does not exist; expected a cifar-10-batches-bin or cifar-10-batches-py folder (data_batch_1..5[.bin] and test_batch[.bin]), a folder holding one, or the cifar-10-binary.tar.gz / cifar-10-python.tar.gz archive\n`]);
    expect((await ouro('dataset', 'cifar10')).stderr).toBe('ouro: dataset.path is missing: expected string, received undefined\n');
    expect((await ouro('dataset', 'shapes', '--set', 'resolution=12')).stderr).toBe('ouro: dataset.resolution = 12: expected one of 16|32\n');
    expect((await ouro('dataset', 'cifar100')).stderr).toMatch(/^ouro: dataset\.id = "cifar100": unknown dataset; known dataset ids: .*cifar10/);
    expect((await ouro('dataset', 'shapes', '--split', 'val')).code).toBe(2);
    expect((await ouro('dataset')).code).toBe(2);
  });
});
