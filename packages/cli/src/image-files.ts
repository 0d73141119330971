import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { ZipArchive } from '@ouroboros/metrics';
import sharp from 'sharp';

/** The image formats read (those pytorch-fid reads that libvips decodes). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff'] as const;

/** One image file of a folder or zip: its name there and a reader of its bytes. */
export interface ImageFile {
  readonly name: string;
  read(): Uint8Array;
}

/** An 8-bit RGB image, HWC. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** The images of a folder (recursively) or a .zip, by name; `close` releases the zip. */
export function listImages(path: string): { files: ImageFile[]; close: () => void } {
  if (!existsSync(path)) throw new Error(`${path}: no such folder or zip file`);
  const isImage = (name: string) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
  if (statSync(path).isDirectory()) {
    const files = walk(path)
      .filter(isImage)
      .sort()
      .map((file) => ({ name: relative(path, file), read: () => new Uint8Array(readFileSync(file)) }));
    return { files, close: () => {} };
  }
  const zip = ZipArchive.open(path);
  const files = [...zip.entries.keys()]
    .filter((name) => !name.endsWith('/') && isImage(name))
    .sort()
    .map((name) => ({ name, read: () => zip.read(name) }));
  return { files, close: () => zip.close() };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * 8-bit RGB pixels of an encoded image, as PIL's Image.open(f).convert('RGB') gives them to
 * pytorch-fid: palette and grey expanded to RGB, alpha dropped, no EXIF rotation, 16-bit scaled to 8.
 */
export async function decodeImage(bytes: Uint8Array, name: string): Promise<DecodedImage> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`${info.channels} channels after conversion to RGB`);
    return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new Error(`${name}: cannot decode the image (${String((error as Error).message ?? error).split('\n')[0]}); expected ${IMAGE_EXTENSIONS.join(', ')}`);
  }
}
