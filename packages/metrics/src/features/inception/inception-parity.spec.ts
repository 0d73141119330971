import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataInfo } from '@ouroboros/core';
import { findPython, runPython, tempDir, testContext } from '@ouroboros/core/testing';
import { selectBackend } from '@ouroboros/nn';
import { inceptionFeaturesPlugin, inceptionOptions } from './inception-plugin.ts';
import { readInceptionWeights } from './inception-weights.ts';

const python = findPython(['torch', 'torchvision', 'numpy']);
const temp = tempDir('inception-parity-');
afterAll(() => temp.cleanup());

/** The reference: torchvision's inception_v3 with pytorch-fid's block changes (see the script's docstring). */
const script = readFileSync(join(import.meta.dirname, 'fid_inception_reference.py'), 'utf8');

/** Bit-for-bit equality (vitest's toEqual walks millions of elements slowly). */
const sameBytes = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const images: DataInfo = { kind: 'image', dtype: 'uint8', sampleShape: [32, 32, 3], trainCount: 0, testCount: 0 };

async function features(file: string, count: number): Promise<Float32Array> {
  const extractor = inceptionFeaturesPlugin.create(inceptionOptions.parse({ weights: join(temp.dir, file), batchSize: 2 }), { data: images });
  try {
    const pixels = new Uint8Array(readFileSync(join(temp.dir, 'images.u8'))).subarray(0, count * 32 * 32 * 3);
    return await extractor.extract(pixels, count, testContext());
  } finally {
    extractor.dispose?.();
  }
}

describe.skipIf(!python)('inception-v3 against torchvision + pytorch-fid\'s blocks on random weights (needs python3 with torch and torchvision)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    runPython(python!, script, [temp.dir]);
  });

  it('gives the pool3 features of PyTorch to 1e-4 relative (max |difference| / max |feature|, per image)', async () => {
    const ours = await features('zip.pth', 3);
    const raw = readFileSync(join(temp.dir, 'features.f32'));
    const theirs = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    expect(ours.length).toBe(3 * 2048);
    for (let n = 0; n < 3; n++) {
      let diff = 0;
      let scale = 0;
      for (let j = n * 2048; j < (n + 1) * 2048; j++) {
        diff = Math.max(diff, Math.abs(ours[j]! - theirs[j]!));
        scale = Math.max(scale, Math.abs(theirs[j]!));
      }
      expect(scale).toBeGreaterThan(0);
      expect(diff / scale, `image ${n}`).toBeLessThan(1e-4);
    }
  });

  it('reads the same weights from the zip .pth, the legacy .pth and the safetensors file, so the features are identical', async () => {
    const zip = readInceptionWeights(join(temp.dir, 'zip.pth'));
    for (const file of ['legacy.pth', 'weights.safetensors']) {
      const other = readInceptionWeights(join(temp.dir, file));
      expect([...other.keys()]).toEqual([...zip.keys()]);
      for (const [name, conv] of zip) {
        expect(sameBytes(other.get(name)!.filter, conv.filter), `${file} ${name}`).toBe(true);
        expect(sameBytes(other.get(name)!.bias, conv.bias), `${file} ${name}`).toBe(true);
      }
    }
    expect(sameBytes(await features('weights.safetensors', 1), await features('legacy.pth', 1))).toBe(true);
  });
});
