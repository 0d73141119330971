import sharp from 'sharp';

/** A file that cannot become a training image; `reason` says why. */
export class BadImage extends Error {
  override readonly name = 'BadImage';
}

/**
 * Decodes a PNG or JPEG into `resolution` x `resolution` RGB, HWC uint8: alpha dropped, grey and
 * other colour spaces converted to sRGB, the centred square of side min(width, height) cut out and
 * then resized with a Lanczos-3 filter (as EDM's dataset_tool --transform=center-crop does with PIL).
 * Images smaller than `resolution` on either side are refused, never upscaled.
 */
export async function decodeSquare(bytes: Uint8Array, resolution: number): Promise<Uint8Array> {
  const image = sharp(bytes);
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await image.metadata());
  } catch (error) {
    throw new BadImage(`not a readable image (${(error as Error).message})`);
  }
  if (!width || !height) throw new BadImage('not a readable image (no dimensions)');
  if (Math.min(width, height) < resolution) throw new BadImage(`${width}x${height} is smaller than the requested resolution ${resolution}; expected at least ${resolution} pixels on each side`);
  const side = Math.min(width, height);
  try {
    const { data, info } = await image
      .removeAlpha()
      .toColourspace('srgb')
      .extract({ left: Math.floor((width - side) / 2), top: Math.floor((height - side) / 2), width: side, height: side })
      .resize(resolution, resolution, { kernel: 'lanczos3' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== resolution * resolution * 3) throw new BadImage(`decoded to ${info.width}x${info.height}x${info.channels}; expected RGB`);
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (error) {
    if (error instanceof BadImage) throw error;
    throw new BadImage(`not a readable image (${(error as Error).message})`);
  }
}

/** An 8-bit RGB image, HWC. */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/**
 * 8-bit RGB pixels of an encoded image at its own size, as PIL's Image.open(f).convert('RGB') gives
 * them to pytorch-fid: palette and grey expanded to RGB, alpha dropped, no EXIF rotation, 16-bit scaled to 8.
 */
export async function decodeRgb(bytes: Uint8Array): Promise<DecodedImage> {
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new BadImage(`${info.channels} channels after conversion to RGB`);
    return { width: info.width, height: info.height, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    if (error instanceof BadImage) throw error;
    throw new BadImage(`not a readable image (${String((error as Error).message ?? error).split('\n')[0]})`);
  }
}
