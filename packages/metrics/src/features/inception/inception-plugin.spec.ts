import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '@ouroboros/core/testing';
import { writeSafetensorsFile } from '@ouroboros/nn';
import { inceptionInput, linearTaps } from './inception-input.ts';
import { inceptionFeaturesPlugin, inceptionOptions } from './inception-plugin.ts';
import { readInceptionWeights } from './inception-weights.ts';

const temp = tempDir('inception-');
afterAll(() => temp.cleanup());

describe('inception-v3 input', () => {
  it('keeps a 299 x 299 image as it is (weights 1 and 0), scaled to [-1, 1]', () => {
    const pixels = Uint8Array.from({ length: 299 * 299 * 3 }, (_, i) => (i * 7) % 256);
    const x = inceptionInput(pixels, 1, [299, 299, 3]);
    for (const i of [0, 1, 2, 1000, 299 * 299 * 3 - 1]) expect(x[i]).toBeCloseTo((2 * pixels[i]!) / 255 - 1, 6);
  });

  it('takes source index max(scale (dst + 1/2) - 1/2, 0) as PyTorch does with align_corners=False', () => {
    // 2 -> 4: scale 0.5, sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (the last row has no right neighbour).
    const taps = linearTaps(2, 4);
    expect(Array.from(taps.i0)).toEqual([0, 0, 0, 1]);
    expect(Array.from(taps.i1)).toEqual([1, 1, 1, 1]);
    expect(Array.from(taps.w1)).toEqual([0, 0.25, 0.75, 0.25]);
  });

  it('repeats a grey channel and drops alpha, as PIL convert("RGB")', () => {
    const grey = inceptionInput(Uint8Array.of(0, 255, 255, 0), 1, [2, 2, 1], 2);
    expect(Array.from(grey)).toEqual([-1, -1, -1, 1, 1, 1, 1, 1, 1, -1, -1, -1]);
    const rgba = inceptionInput(Uint8Array.of(255, 0, 255, 7, 0, 255, 0, 9), 1, [1, 2, 4], 1);
    expect(rgba.length).toBe(3);
  });

  it('names samples that are not images', () => {
    expect(() => inceptionInput(new Uint8Array(6), 1, [6], 2)).toThrow('inception-v3: samples of shape [6]; expected images [height, width, 1, 3 or 4 channels]');
  });
});

describe('inception-v3 plugin', () => {
  it('refuses vector data with a pointer to other features', () => {
    const data = { kind: 'vector' as const, dtype: 'float32' as const, sampleShape: [2], trainCount: 0, testCount: 0 };
    expect(() => inceptionFeaturesPlugin.create(inceptionOptions.parse({ weights: '/x.pth' }), { data })).toThrow(
      'inception-v3: needs uint8 images, got vector samples of float32 [2]; use the identity or pixels features',
    );
  });

  it('says where to get the weights when the file is missing, and which tensors a wrong file lacks', () => {
    expect(() => readInceptionWeights(join(temp.dir, 'none.pth'))).toThrow(/weights file .*none\.pth does not exist; download pytorch-fid's pt_inception-2015-12-05-6726825d\.pth/);
    const wrong = join(temp.dir, 'wrong.safetensors');
    writeSafetensorsFile(wrong, { 'fc.weight': { dtype: 'F32', shape: [2], data: new Float32Array(2) } });
    expect(() => readInceptionWeights(wrong)).toThrow(/wrong\.safetensors: missing 470 tensors of pytorch-fid's Inception-V3, e\.g\. 'Conv2d_1a_3x3\.conv\.weight'/);
  });

  it('defaults batchSize to 16 and needs weights', () => {
    expect(inceptionOptions.parse({ weights: 'w.pth' })).toEqual({ weights: 'w.pth', batchSize: 16 });
    expect(() => inceptionOptions.parse({})).toThrow();
  });
});
