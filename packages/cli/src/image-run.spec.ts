import { decodePng, SampleStore } from '@ouroboros/core';
import { readHistory, tempDir } from '@ouroboros/core/testing';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.ts';

const workspace = resolve(import.meta.dirname, '..', '..', '..');
const tmp = tempDir('ouroboros-image-run-');
afterAll(() => tmp.cleanup());

const silent = { write: () => true } as unknown as NodeJS.WritableStream;

describe('ouro run on image data (examples/shapes-gaussian.yaml, made small)', () => {
  it('stores uint8 images with labels and writes samples.png every generation, real beside generated at generation 0', async () => {
    const out = join(tmp.dir, 'run');
    const small = ['--set', 'generations=2', '--set', 'dataset.train=300', '--set', 'dataset.test=100', '--set', 'sampling.count=300', '--set', 'metrics=[{id: nll}]', '--set', 'trackers=[]'];
    const code = await main(['run', join(workspace, 'examples', 'shapes-gaussian.yaml'), '--out', out, ...small], silent, silent);
    expect(code).toBe(0);
    expect(readHistory(out).map((row) => row.generation)).toEqual([0, 1, 2]);
    const real = SampleStore.open(join(out, 'real', 'train'));
    expect([real.dtype, real.sampleShape, real.count, real.labelled]).toEqual(['uint8', [16, 16, 3], 300, true]);
    const grid = 8 * 34 + 2; // 8 columns of 16-pixel images shown 2x (32 pixels), 2-pixel gaps
    for (const generation of [0, 1, 2]) {
      const file = join(out, `gen-00${generation}`, 'samples.png');
      expect(existsSync(file)).toBe(true);
      const png = decodePng(readFileSync(file));
      expect([png.width, png.height]).toEqual([generation === 0 ? 2 * grid + 8 : grid, grid]);
    }
    // The left grid of generation 0 is the held-out real images, each pixel shown as a 2x2 block.
    const first = (await SampleStore.open(join(out, 'real', 'test')).read(0, 1)) as Uint8Array;
    const png = decodePng(readFileSync(join(out, 'gen-000', 'samples.png')));
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let k = 0; k < 3; k++) expect(png.pixels[((2 + y) * png.width + 2 + x) * 3 + k]).toBe(first[((y >> 1) * 16 + (x >> 1)) * 3 + k]);
  });
});
