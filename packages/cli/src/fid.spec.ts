import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng, Rng } from '@ouroboros/core';
import { findPython, runPython, tempDir } from '@ouroboros/core/testing';
import { inceptionConvs } from '@ouroboros/metrics';
import { writeSafetensorsFile, type SafetensorsEntry } from '@ouroboros/nn';
import sharp from 'sharp';
import { ouro } from './testing/run-ouro.ts';

const tmp = tempDir('ouro-fid-');
afterAll(() => tmp.cleanup());
const python = findPython(['numpy', 'scipy']);

/** `count` random RGB images of size x size, brighter by `shift`, as flat pixel arrays. */
function images(count: number, size: number, shift: number, seed: number): Uint8Array[] {
  const rng = Rng.from(seed, 'fid-images');
  return Array.from({ length: count }, () => Uint8Array.from({ length: size * size * 3 }, () => Math.min(255, Math.floor(rng.uniform() * 200) + shift)));
}

function writeFolder(name: string, pixels: Uint8Array[], size: number): string {
  const dir = join(tmp.dir, name);
  mkdirSync(join(dir, 'nested'), { recursive: true });
  pixels.forEach((p, i) => writeFileSync(join(dir, i % 3 === 0 ? 'nested' : '', `img-${String(i).padStart(3, '0')}.png`), encodePng({ width: size, height: size, pixels: p })));
  return dir;
}

const size = 4;
const a = images(60, size, 0, 1);
const b = images(50, size, 40, 2);

describe('ouro fid', () => {
  let folderA: string;
  let folderB: string;
  beforeAll(() => {
    folderA = writeFolder('a', a, size);
    folderB = writeFolder('b', b, size);
  });

  it.skipIf(!python)('gives the pytorch-fid formula (numpy, scipy) on pixel features of two folders of PNGs, as JSON', async () => {
    const result = await ouro('fid', folderA, folderB, '--extractor', 'pixels', '--json', '--backend', 'wasm');
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { fd: number; extractor: string; n_a: number; n_b: number };
    expect([json.extractor, json.n_a, json.n_b]).toEqual(['pixels', 60, 50]);
    const expected = Number(
      runPython(
        python!,
        `
import base64, sys, numpy as np
from scipy import linalg
x1 = np.frombuffer(base64.b64decode(sys.argv[1]), np.uint8).reshape(60, -1).astype(np.float32) / 255
x2 = np.frombuffer(base64.b64decode(sys.argv[2]), np.uint8).reshape(50, -1).astype(np.float32) / 255
m1, s1, m2, s2 = x1.mean(0), np.cov(x1, rowvar=False), x2.mean(0), np.cov(x2, rowvar=False)
covmean = linalg.sqrtm(s1.dot(s2), disp=False)[0].real
print(repr(float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))))
`,
        [Buffer.concat(a).toString('base64'), Buffer.concat(b).toString('base64')],
      ),
    );
    expect(Math.abs(json.fd - expected) / expected).toBeLessThan(1e-6);
    // The order of files does not matter, and a set against itself is 0.
    const same = JSON.parse((await ouro('fid', folderA, folderA, '--extractor', 'pixels', '--json', '--backend', 'wasm')).stdout) as { fd: number };
    expect(Math.abs(same.fd)).toBeLessThan(1e-9);
    // printed as a distance: never below 0 (rounding of equal moments can give -1e-13)
    const printed = (await ouro('fid', folderA, folderA, '--extractor', 'pixels', '--backend', 'wasm')).stdout;
    expect(printed).toMatch(/^FD \(pixels features\): \d/);
  });

  it.skipIf(!findPython([]))('reads zips and JPEGs: a zip of the same PNGs gives the same value as the folder', async () => {
    const zip = join(tmp.dir, 'a.zip');
    runPython(findPython([])!, `
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(sys.argv[1]):
        for f in files: z.write(os.path.join(root, f), os.path.relpath(os.path.join(root, f), sys.argv[1]))
`, [folderA, zip]);
    const fromFolder = await ouro('fid', folderA, folderB, '--extractor', 'pixels', '--json', '--backend', 'wasm');
    const fromZip = await ouro('fid', zip, folderB, '--extractor', 'pixels', '--json', '--backend', 'wasm');
    expect(fromZip.code, fromZip.stderr).toBe(0);
    expect(JSON.parse(fromZip.stdout)).toEqual(JSON.parse(fromFolder.stdout));
    const jpegs = join(tmp.dir, 'jpegs');
    mkdirSync(jpegs);
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(jpegs, `${i}.JPG`), await sharp(Buffer.from(b[i]!), { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
    }
    const mixed = await ouro('fid', jpegs, folderB, '--extractor', 'pixels', '--json', '--backend', 'wasm');
    expect(mixed.code, mixed.stderr).toBe(0);
    expect(JSON.parse(mixed.stdout).n_a).toBe(5);
  });

  it('computes FID on inception-v3 features from a weights file (random weights here), printing FID: value', async () => {
    const tensors: Record<string, SafetensorsEntry> = {};
    for (const spec of inceptionConvs()) {
      const [kh, kw] = spec.kernel;
      const fanIn = spec.inChannels * kh * kw;
      // Uniform on +-sqrt(6 / fan_in) (He's variance) from a multiplicative hash: cheap for 24M values.
      const weight = new Float32Array(spec.outChannels * fanIn);
      const scale = 2 * Math.sqrt(6 / fanIn);
      for (let i = 0; i < weight.length; i++) weight[i] = ((Math.imul(i + 1, 2654435761) >>> 0) / 4294967296 - 0.5) * scale;
      tensors[`${spec.name}.conv.weight`] = { dtype: 'F32', shape: [spec.outChannels, spec.inChannels, kh, kw], data: weight };
      for (const [part, value] of [['weight', 1], ['bias', 0], ['running_mean', 0], ['running_var', 1]] as const) {
        tensors[`${spec.name}.bn.${part}`] = { dtype: 'F32', shape: [spec.outChannels], data: new Float32Array(spec.outChannels).fill(value) };
      }
    }
    const weights = join(tmp.dir, 'inception.safetensors');
    writeSafetensorsFile(weights, tensors);
    const small = (name: string, shift: number) => writeFolder(name, images(2, 8, shift, shift), 8);
    const result = await ouro('fid', small('i1', 0), small('i2', 60), '--weights', weights, '--backend', 'wasm');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^FID: \d+(\.\d+)?(e[+-]?\d+)?\n$/);
  });

  it('names what is wrong: no weights for inception-v3, an unknown extractor, an empty folder, a bad image', async () => {
    expect((await ouro('fid', folderA, folderB)).stderr).toContain("fid: --extractor inception-v3 needs --weights FILE (pytorch-fid's pt_inception-2015-12-05-6726825d.pth");
    expect((await ouro('fid', folderA, folderB, '--extractor', 'nope', '--backend', 'wasm')).stderr).toMatch(/fid: --extractor nope: no such feature extractor; expected one of .*inception-v3/);
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    expect((await ouro('fid', empty, folderB, '--extractor', 'pixels', '--backend', 'wasm')).stderr).toContain(`${empty}: 0 images`);
    const bad = join(tmp.dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'x.png'), 'not a png');
    writeFileSync(join(bad, 'y.png'), 'not a png');
    expect((await ouro('fid', bad, folderB, '--extractor', 'pixels', '--backend', 'wasm')).stderr).toContain(`${join(bad, 'x.png')}: cannot decode the image`);
    expect((await ouro('fid', folderA)).code).toBe(2);
  });
});
