import type { RgbImage } from './png.ts';

/**
 * Tiles `count` HWC uint8 images (1 or 3 channels; grey is repeated to RGB) into a grid of
 * `columns` columns on a white background with `gap` pixels between images, each image enlarged
 * `scale` times by repeating pixels (small images stay legible).
 */
export function imageGrid(pixels: Uint8Array, count: number, shape: readonly number[], columns = 8, gap = 2, scale = 1): RgbImage {
  const [sh, sw, c] = shape as [number, number, number];
  const h = sh * scale;
  const w = sw * scale;
  if (shape.length !== 3 || !(c === 1 || c === 3)) throw new RangeError(`imageGrid: image shape [${shape.join(', ')}]; expected [height, width, 1 or 3]`);
  const cols = Math.max(1, Math.min(columns, count));
  const rows = Math.max(1, Math.ceil(count / cols));
  const width = cols * w + (cols + 1) * gap;
  const height = rows * h + (rows + 1) * gap;
  const out = new Uint8Array(width * height * 3).fill(255);
  for (let n = 0; n < count; n++) {
    const x0 = gap + (n % cols) * (w + gap);
    const y0 = gap + Math.floor(n / cols) * (h + gap);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const source = ((n * sh + Math.floor(y / scale)) * sw + Math.floor(x / scale)) * c;
        const target = ((y0 + y) * width + x0 + x) * 3;
        for (let k = 0; k < 3; k++) out[target + k] = pixels[source + (c === 3 ? k : 0)]!;
      }
    }
  }
  return { width, height, pixels: out };
}

/** Images side by side, top-aligned, `gap` white pixels apart. */
export function sideBySide(images: readonly RgbImage[], gap = 8): RgbImage {
  const width = images.reduce((sum, im) => sum + im.width, 0) + gap * Math.max(0, images.length - 1);
  const height = Math.max(...images.map((im) => im.height));
  const out = new Uint8Array(width * height * 3).fill(255);
  let x0 = 0;
  for (const image of images) {
    for (let y = 0; y < image.height; y++) out.set(image.pixels.subarray(y * image.width * 3, (y + 1) * image.width * 3), (y * width + x0) * 3);
    x0 += image.width + gap;
  }
  return { width, height, pixels: out };
}
