import { createHash } from 'node:crypto';

/** W&B's history value of an image stored as a run file. */
export interface ImageFileValue {
  readonly _type: 'image-file';
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
  readonly format: 'png';
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk (bytes 16..23, big-endian), without decoding it. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const isPng = png.length >= 24 && PNG_SIGNATURE.every((b, i) => png[i] === b) && String.fromCharCode(...png.subarray(12, 16)) === 'IHDR';
  if (!isPng) throw new Error(`not a PNG (${png.length} bytes without the PNG signature and IHDR chunk)`);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The run-file path and history value of a PNG logged under `key` at `_step` `step`: media/images/{key}_{step}_{sha256[:20]}.png. */
export function imageFile(key: string, step: number, png: Uint8Array): ImageFileValue {
  const sha256 = createHash('sha256').update(png).digest('hex');
  const safeKey = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return { _type: 'image-file', path: `media/images/${safeKey}_${step}_${sha256.slice(0, 20)}.png`, sha256, size: png.length, format: 'png', ...pngSize(png) };
}
