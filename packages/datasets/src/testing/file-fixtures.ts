import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Test fixtures in the real file formats, written by the specs themselves (nothing is downloaded). */

/** A known 32x32 RGB image as a function of (image, row, column, channel). */
export type PixelFunction = (n: number, y: number, x: number, k: number) => number;

/** Distinct values in every channel, row and column, so any mix-up of the layout shows. */
export const knownPixel: PixelFunction = (n, y, x, k) => (n * 37 + y * 7 + x * 3 + k * 101) % 256;

/** CIFAR binary records of `count` images from `pixel`, written plane by plane as the official files are: label, then R, G, B planes. */
export function cifarRecords(first: number, labels: readonly number[], pixel: PixelFunction = knownPixel): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    const record = i * 3073;
    out[record] = label;
    for (let k = 0; k < 3; k++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out[record + 1 + k * 1024 + y * 32 + x] = pixel(first + i, y, x, k);
  });
  return out;
}

/** The NHWC bytes `pixel` describes for images first..first+count-1 of side `side`. */
export function nhwc(first: number, count: number, side: number, channels: number, pixel: PixelFunction = knownPixel): Uint8Array {
  const out = new Uint8Array(count * side * side * channels);
  for (let n = 0; n < count; n++) for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) for (let k = 0; k < channels; k++) out[((n * side + y) * side + x) * channels + k] = pixel(first + n, y, x, k);
  return out;
}

/** Labels of the fixture's batches: batch b (0-4 train, 5 test) holds `sizes[b]` images. */
export const CIFAR_FIXTURE_SIZES = [3, 2, 3, 2, 3, 4];
export function cifarFixtureLabels(batch: number): number[] {
  const before = CIFAR_FIXTURE_SIZES.slice(0, batch).reduce((a, b) => a + b, 0);
  return Array.from({ length: CIFAR_FIXTURE_SIZES[batch]! }, (_, i) => (before + i) % 10);
}
export const CIFAR_BATCH_NAMES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];

/** A `cifar-10-batches-bin` folder under `root` with the fixture's six batches; returns the folder. */
export function writeCifarBinary(root: string): string {
  const dir = join(root, 'cifar-10-batches-bin');
  mkdirSync(dir, { recursive: true });
  let first = 0;
  CIFAR_BATCH_NAMES.forEach((name, b) => {
    writeFileSync(join(dir, `${name}.bin`), cifarRecords(first, cifarFixtureLabels(b)));
    first += CIFAR_FIXTURE_SIZES[b]!;
  });
  return dir;
}

/** `tar czf archive -C root folder`, as the official archives were made (GNU tar). */
export function tarGz(archive: string, root: string, folder: string): string {
  const result = spawnSync('tar', ['-czf', archive, '-C', root, folder], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr}`);
  return archive;
}

/** An IDX file of unsigned bytes: 0, 0, 0x08, rank, big-endian dimensions, data. */
export function idxFile(shape: readonly number[], data: Uint8Array, gzip = false): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header.set([0, 0, 0x08, shape.length]);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const bytes = new Uint8Array(header.length + data.length);
  bytes.set(header);
  bytes.set(data, header.length);
  return gzip ? gzipSync(bytes) : bytes;
}

export function writeFile(path: string, bytes: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}
