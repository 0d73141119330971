import { Rng } from '@ouroboros/core';
import { findPython, runPython, tempDir } from '@ouroboros/core/testing';
import { readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { collectImages, createDataset } from '../testing/collect-samples.ts';
import { writeFile } from '../testing/file-fixtures.ts';
import { holdOut } from './hold-out.ts';
import { ffhqDataset, imageFolderDataset } from './image-folder.ts';

const tmp = tempDir('ouroboros-folder-');
afterAll(() => tmp.cleanup());

const SIDE = 16;
/** Image i of the fixture, SIDE x SIDE RGB, distinct in every pixel. */
function known(i: number): Uint8Array {
  return Uint8Array.from({ length: SIDE * SIDE * 3 }, (_, p) => (i * 41 + p * 7) % 256);
}
async function png(pixels: Uint8Array, width: number, height: number, channels: 1 | 3 | 4 = 3): Promise<Uint8Array> {
  return sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
}

/** A folder as EDM's dataset_tool writes it: 00000/img00000000.png ..., with dataset.json labels. */
async function writeEdmFolder(dir: string, count: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => `${String(Math.floor(i / 4)).padStart(5, '0')}/img${String(i).padStart(8, '0')}.png`);
  for (const [i, name] of names.entries()) writeFile(join(dir, name), await png(known(i), SIDE, SIDE));
  writeFile(join(dir, 'dataset.json'), JSON.stringify({ labels: names.map((name, i) => [name, i % 3]) }));
  return names;
}

const edm = join(tmp.dir, 'edm');
const COUNT = 10;
const edmNames = await writeEdmFolder(edm, COUNT);

async function everything(options: Record<string, unknown>, notes: string[] = [], cacheDir = join(tmp.dir, 'cache')) {
  const dataset = createDataset(imageFolderDataset, { resolution: SIDE, ...options }, { cacheDir, note: (m) => notes.push(m) });
  const train = await collectImages(dataset.split('train', Rng.from(0)));
  const test = await collectImages(dataset.split('test', Rng.from(0)));
  return { dataset, train, test };
}

/** The images of `names` (positions of the fixture) joined. */
const expected = (positions: ArrayLike<number>) => Uint8Array.from(Array.from(positions).flatMap((i) => [...known(i)]));

describe('image-folder', () => {
  it('decodes a PNG folder at its own resolution losslessly, with dataset.json labels and a test split fixed by the names', async () => {
    const { dataset, train, test } = await everything({ path: edm, test: 3 });
    const split = holdOut(edmNames, 3);
    expect(dataset.info).toEqual({ kind: 'image', dtype: 'uint8', sampleShape: [SIDE, SIDE, 3], trainCount: 7, testCount: 3, classes: ['0', '1', '2'] });
    expect(train.values).toEqual(expected(split.train));
    expect([...train.labels!]).toEqual(Array.from(split.train, (i) => i % 3));
    expect(test.values).toEqual(expected(split.test));
    expect([...test.labels!]).toEqual(Array.from(split.test, (i) => i % 3));
  });

  it.skipIf(!findPython([]))('reads the same images from an EDM zip (stored or deflated) as from the folder', async () => {
    const folder = await everything({ path: edm, test: 3 });
    for (const compression of ['ZIP_STORED', 'ZIP_DEFLATED']) {
      const zip = join(tmp.dir, `edm-${compression}.zip`);
      runPython(
        findPython([])!,
        `import os, sys, zipfile\nwith zipfile.ZipFile(sys.argv[2], 'w', compression=zipfile.${compression}) as z:\n  for root, _, files in os.walk(sys.argv[1]):\n    for f in sorted(files):\n      p = os.path.join(root, f); z.write(p, os.path.relpath(p, sys.argv[1]))`,
        [edm, zip],
      );
      const fromZip = await everything({ path: zip, test: 3 });
      expect(fromZip.dataset.info).toEqual(folder.dataset.info);
      expect(fromZip.train).toEqual(folder.train);
      expect(fromZip.test).toEqual(folder.test);
    }
  });

  it('center-crops and resizes larger images, converts grey and RGBA to RGB, reads JPEG', async () => {
    const dir = join(tmp.dir, 'mixed');
    // 48x32: an 8-pixel band on each side around a 32x32 square of one colour.
    const wide = new Uint8Array(48 * 32 * 3);
    for (let p = 0; p < 48 * 32; p++) wide.set(p % 48 < 8 || p % 48 >= 40 ? [255, 255, 255] : [200, 40, 90], p * 3);
    writeFile(join(dir, 'a-wide.png'), await png(wide, 48, 32));
    writeFile(join(dir, 'b-grey.png'), await png(new Uint8Array(20 * 20).fill(77), 20, 20, 1));
    writeFile(join(dir, 'c-rgba.png'), await png(Uint8Array.from({ length: 16 * 16 * 4 }, (_, i) => (i % 4 === 3 ? 255 : 30 * (i % 4))), 16, 16, 4));
    writeFile(join(dir, 'd-photo.jpg'), await sharp(new Uint8Array(24 * 24 * 3).fill(120), { raw: { width: 24, height: 24, channels: 3 } }).jpeg({ quality: 95 }).toBuffer());
    const { train } = await everything({ path: dir, test: 0, labels: 'none' });
    const image = (n: number) => train.values.subarray(n * SIDE * SIDE * 3, (n + 1) * SIDE * SIDE * 3);
    const near = (pixels: Uint8Array, rgb: number[], tolerance: number) => pixels.every((v, i) => Math.abs(v - rgb[i % 3]!) <= tolerance);
    expect(near(image(0), [200, 40, 90], 1)).toBe(true);
    expect(near(image(1), [77, 77, 77], 0)).toBe(true);
    expect(near(image(2), [0, 30, 60], 0)).toBe(true);
    expect(near(image(3), [120, 120, 120], 3)).toBe(true);
  });

  it('takes class folders as labels with labels: folders, and narrows to classes with a seeded limit', async () => {
    const dir = join(tmp.dir, 'classes');
    for (let i = 0; i < 9; i++) writeFile(join(dir, ['cat', 'dog', 'owl'][i % 3]!, `${i}.png`), await png(known(i), SIDE, SIDE));
    const { dataset, train } = await everything({ path: dir, labels: 'folders', test: 0, classes: ['owl', 'cat'], limit: 4 });
    expect(dataset.info.classes).toEqual(['cat', 'owl']);
    expect(dataset.info.trainCount).toBe(4);
    expect(train.labels!.length).toBe(4);
    for (let n = 0; n < 4; n++) {
      const position = [0, 3, 6, 2, 5, 8].find((p) => known(p).every((v, j) => v === train.values[n * SIDE * SIDE * 3 + j]))!;
      expect(train.labels![n]).toBe(position % 3 === 0 ? 0 : 1);
    }
  });

  it('decodes once into the shared cache and again only when a file changes', async () => {
    const cacheDir = join(tmp.dir, 'cache-once');
    const notes: string[] = [];
    const first = await everything({ path: edm, test: 3 }, notes, cacheDir);
    expect(notes.filter((n) => n.includes('decoding 10 images'))).toHaveLength(1);
    const again = await everything({ path: edm, test: 3 }, notes, cacheDir);
    expect(notes.filter((n) => n.includes('decoding'))).toHaveLength(1);
    expect(again.train).toEqual(first.train);
    expect(readdirSync(join(cacheDir, 'images'))).toHaveLength(1);
    utimesSync(join(edm, edmNames[0]!), new Date(), new Date(Date.now() + 5000));
    await everything({ path: edm, test: 3 }, notes, cacheDir);
    expect(notes.filter((n) => n.includes('decoding'))).toHaveLength(2);
    await everything({ path: edm, test: 3, resolution: 8 }, notes, cacheDir);
    expect(readdirSync(join(cacheDir, 'images'))).toHaveLength(3);
  });

  it('checks the cache entry on every use: a flipped byte is decoded again with a note, never used', async () => {
    const cacheDir = join(tmp.dir, 'cache-flipped');
    const notes: string[] = [];
    const first = await everything({ path: edm, test: 3 }, notes, cacheDir);
    const [entry] = readdirSync(join(cacheDir, 'images'));
    const chunk = join(cacheDir, 'images', entry!, 'samples', 'chunk-00000.bin');
    const bytes = readFileSync(chunk);
    bytes[5]! ^= 1;
    writeFileSync(chunk, bytes);
    const again = await everything({ path: edm, test: 3 }, notes, cacheDir);
    expect(again.train).toEqual(first.train);
    expect(again.test).toEqual(first.test);
    expect(notes).toContain(`${chunk}: sha256 differs from checksums.json; the file is damaged: the decoded-image cache entry cannot be trusted; decoding the images again`);
    expect(notes.filter((n) => n.includes('decoding 10 images'))).toHaveLength(2);
    expect(readdirSync(join(cacheDir, 'images'))).toEqual([entry]);
    expect(readFileSync(chunk)[5]).toBe(bytes[5]! ^ 1);
  });

  it('is ffhq with labels off and resolution 64 by default', () => {
    expect(ffhqDataset.options.parse({ path: '/x' })).toEqual({ path: '/x', resolution: 64, onBadImage: 'fail' });
    expect(() => ffhqDataset.options.parse({ path: '/x', labels: 'folders' })).toThrow();
  });
});

describe('image-folder: bad input', () => {
  it('fails on a corrupt or non-image file with its name, or skips it with a count and a note', async () => {
    const dir = join(tmp.dir, 'corrupt');
    await writeEdmFolder(dir, 6);
    const broken = join(dir, '00000', 'img00000001.png');
    writeFileSync(broken, readFileSync(broken).subarray(0, 60));
    writeFile(join(dir, '00001', 'img00000005.png'), 'not an image at all');
    writeFile(join(dir, 'README.txt'), 'ignored, not an image name');
    const notes: string[] = [];
    await expect(everything({ path: dir, test: 1 }, notes)).rejects.toThrow(new RegExp(`^${broken}: not a readable image \\(.*\\); expected a PNG or JPEG image of at least 16x16 pixels \\(onBadImage: skip leaves such files out\\)$`));
    expect(notes.join('\n')).toMatch(/left out 1 files .* that are not \.png, \.jpg or \.jpeg/);
    const skipped = await everything({ path: dir, test: 1, onBadImage: 'skip' }, notes);
    expect(skipped.train.values.length / (SIDE * SIDE * 3) + skipped.test.values.length / (SIDE * SIDE * 3)).toBe(4);
    expect(notes.join('\n')).toMatch(/image-folder: skipped 2 of 6 files that are not usable images \(first: .*img00000001\.png: not a readable image/);
    // The same cache, asked to fail, still names the file.
    await expect(everything({ path: dir, test: 1 }, [])).rejects.toThrow(/img00000001\.png: not a readable image/);
  });

  it.skipIf(!findPython([]))('fails on or skips a non-image and a damaged member inside a zip, naming the zip and the member', async () => {
    const zip = join(tmp.dir, 'bad.zip');
    runPython(
      findPython([])!,
      `import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n  for i in range(4):\n    z.write(sys.argv[2] + '/00000/img%08d.png' % i, '00000/img%08d.png' % i)\n  z.writestr('00001/img00000004.png', 'plain text, not a PNG')`,
      [zip, edm],
    );
    // Damage the stored bytes of member 2 in place: its CRC no longer matches.
    const bytes = readFileSync(zip);
    const member = readFileSync(join(edm, edmNames[2]!));
    bytes[bytes.indexOf(member) + 40] ^= 0xff;
    writeFileSync(zip, bytes);
    await expect(everything({ path: zip, test: 0, labels: 'none' })).rejects.toThrow(`${zip}: ${edmNames[2]}: cannot be read (CRC or size mismatch; expected an intact zip file); expected a PNG or JPEG image`);
    const notes: string[] = [];
    const { train } = await everything({ path: zip, test: 0, labels: 'none', onBadImage: 'skip' }, notes);
    expect(train.values).toEqual(expected([0, 1, 3]));
    expect(notes.join('\n')).toContain('image-folder: skipped 2 of 5 files that are not usable images');
  });

  it.skipIf(!findPython([]))("leaves out zip entries whose path leaves the archive ('..'), with a note naming the first", async () => {
    const zip = join(tmp.dir, 'escaping.zip');
    runPython(
      findPython([])!,
      `import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n  for i in range(3):\n    z.write(sys.argv[2] + '/00000/img%08d.png' % i, '00000/img%08d.png' % i)\n  z.write(sys.argv[2] + '/00000/img00000003.png', '../outside.png')\n  z.write(sys.argv[2] + '/00000/img00000003.png', '00000/../../up.png')`,
      [zip, edm],
    );
    const notes: string[] = [];
    const { train } = await everything({ path: zip, test: 0, labels: 'none' }, notes);
    expect(train.values).toEqual(expected([0, 1, 2]));
    expect(notes).toContain(`image-folder: left out 2 zip entries whose path leaves the archive ('..' or absolute), first: ${zip}: ../outside.png`);
  });

  it('refuses an image smaller than the resolution, a missing path, an empty folder, a missing label and too large a test split', async () => {
    const dir = join(tmp.dir, 'small');
    writeFile(join(dir, 'tiny.png'), await png(new Uint8Array(12 * 40 * 3), 40, 12));
    await expect(everything({ path: dir, test: 0 })).rejects.toThrow(`${join(dir, 'tiny.png')}: 40x12 is smaller than the requested resolution 16`);
    const nowhere = join(tmp.dir, 'nowhere');
    expect(() => createDataset(ffhqDataset, { path: nowhere })).toThrow(`ffhq: path ${nowhere} does not exist; expected a folder of PNG/JPEG images or a zip of them`);
    const empty = join(tmp.dir, 'empty');
    writeFile(join(empty, 'notes.txt'), 'x');
    expect(() => createDataset(ffhqDataset, { path: empty })).toThrow(`ffhq: ${empty} holds no .png, .jpg or .jpeg files; expected a folder of PNG/JPEG images or a zip of them`);
    const unlabelled = join(tmp.dir, 'unlabelled');
    const names = await writeEdmFolder(unlabelled, 3);
    writeFile(join(unlabelled, 'dataset.json'), JSON.stringify({ labels: [[names[0], 1]] }));
    expect(() => createDataset(imageFolderDataset, { path: unlabelled })).toThrow(`${join(unlabelled, 'dataset.json')}: has no label for ${names[1]}; expected a [name, class number] pair for every image`);
    expect(() => createDataset(imageFolderDataset, { path: edm, test: 10 })).toThrow(`image-folder: test = 10, but ${edm} holds 10 images; expected fewer test images than images`);
    rmSync(unlabelled, { recursive: true });
  });
});

describe('holdOut', () => {
  const names = Array.from({ length: 500 }, (_, i) => `${String(Math.floor(i / 100)).padStart(5, '0')}/${i}.png`);

  it('holds out exactly `test` names, the same whatever the order, and moves at most one old name when one is added', () => {
    const { train, test } = holdOut(names, 50);
    expect([train.length, test.length]).toEqual([450, 50]);
    expect(new Set([...train, ...test]).size).toBe(500);
    const shuffled = [...names].reverse();
    const again = holdOut(shuffled, 50).test;
    expect(Array.from(again, (i) => shuffled[i]).sort()).toEqual(Array.from(test, (i) => names[i]).sort());
    const grown = [...names, 'new.png'];
    const heldAfter = new Set(Array.from(holdOut(grown, 50).test, (i) => grown[i]));
    const stayed = Array.from(test, (i) => names[i]!).filter((n) => heldAfter.has(n));
    expect(stayed.length).toBeGreaterThanOrEqual(49);
  });

  it('spreads the test split over the folders instead of taking one of them', () => {
    const { test } = holdOut(names, 100);
    const perFolder = new Map<string, number>();
    for (const i of test) perFolder.set(names[i]!.slice(0, 5), (perFolder.get(names[i]!.slice(0, 5)) ?? 0) + 1);
    expect(perFolder.size).toBe(5);
    for (const count of perFolder.values()) expect(count).toBeLessThan(40);
  });
});
