import { INCEPTION_SIZE } from './inception-architecture.ts';

/** For each output index: the two source indices and their weights. */
interface LinearTaps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly w0: Float32Array;
  readonly w1: Float32Array;
}

/**
 * PyTorch's bilinear resize with align_corners=False along one axis (upsample_bilinear2d,
 * area_pixel_compute_source_index): src = max(scale (dst + 1/2) - 1/2, 0) with scale = in / out,
 * i0 = floor(src), i1 = min(i0 + 1, in - 1), weights (1 - f, f) for f = src - i0.
 */
export function linearTaps(inSize: number, outSize: number): LinearTaps {
  const scale = Math.fround(inSize / outSize);
  const taps = { i0: new Int32Array(outSize), i1: new Int32Array(outSize), w0: new Float32Array(outSize), w1: new Float32Array(outSize) };
  for (let dst = 0; dst < outSize; dst++) {
    const src = Math.max(Math.fround(scale * (dst + 0.5) - 0.5), 0);
    const i0 = Math.floor(src);
    const f = Math.fround(src - i0);
    taps.i0[dst] = i0;
    taps.i1[dst] = i0 < inSize - 1 ? i0 + 1 : i0;
    taps.w0[dst] = 1 - f;
    taps.w1[dst] = f;
  }
  return taps;
}

/**
 * uint8 HWC images (1, 3 or 4 channels: grey is repeated and alpha dropped, as PIL's convert('RGB'))
 * to what pytorch-fid's InceptionV3 feeds its first convolution: x / 255, bilinear resize to 299 x 299
 * (align_corners=False), 2x - 1; float32 NHWC [count, 299, 299, 3].
 */
export function inceptionInput(samples: Uint8Array, count: number, shape: readonly number[], size = INCEPTION_SIZE): Float32Array {
  const [h, w, c] = shape as [number, number, number];
  if (shape.length !== 3 || ![1, 3, 4].includes(c)) throw new RangeError(`inception-v3: samples of shape [${shape.join(', ')}]; expected images [height, width, 1, 3 or 4 channels]`);
  if (samples.length !== count * h * w * c) throw new RangeError(`inception-v3: ${samples.length} values for ${count} images of ${h}x${w}x${c}`);
  const rows = linearTaps(h, size);
  const cols = linearTaps(w, size);
  const out = new Float32Array(count * size * size * 3);
  const pixel = (image: number, y: number, x: number, channel: number) => Math.fround(samples[((image * h + y) * w + x) * c + (c === 1 ? 0 : channel)]! / 255);
  let o = 0;
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < size; y++) {
      const y0 = rows.i0[y]!;
      const y1 = rows.i1[y]!;
      const wy0 = rows.w0[y]!;
      const wy1 = rows.w1[y]!;
      for (let x = 0; x < size; x++) {
        const x0 = cols.i0[x]!;
        const x1 = cols.i1[x]!;
        const wx0 = cols.w0[x]!;
        const wx1 = cols.w1[x]!;
        for (let ch = 0; ch < 3; ch++) {
          const top = wx0 * pixel(n, y0, x0, ch) + wx1 * pixel(n, y0, x1, ch);
          const bottom = wx0 * pixel(n, y1, x0, ch) + wx1 * pixel(n, y1, x1, ch);
          out[o++] = 2 * Math.fround(wy0 * top + wy1 * bottom) - 1;
        }
      }
    }
  }
  return out;
}
