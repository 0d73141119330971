/**
 * Shrinks `count` HWC uint8 images by an integer `factor` per side by area averaging:
 * out[y, x, k] = round(mean of in[f*y + i, f*x + j, k] over 0 <= i, j < f), as a box filter does.
 */
export function areaDownsample(values: Uint8Array, count: number, shape: readonly [number, number, number], factor: number): Uint8Array {
  const [h, w, c] = shape;
  if (!Number.isInteger(factor) || factor < 1 || h % factor !== 0 || w % factor !== 0) {
    throw new RangeError(`areaDownsample: factor ${factor} does not divide ${h}x${w}`);
  }
  if (factor === 1) return values;
  const oh = h / factor;
  const ow = w / factor;
  const area = factor * factor;
  const out = new Uint8Array(count * oh * ow * c);
  for (let n = 0; n < count; n++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        for (let k = 0; k < c; k++) {
          let sum = 0;
          for (let i = 0; i < factor; i++) {
            const row = ((n * h + y * factor + i) * w + x * factor) * c + k;
            for (let j = 0; j < factor; j++) sum += values[row + j * c]!;
          }
          out[((n * oh + y) * ow + x) * c + k] = Math.round(sum / area);
        }
      }
    }
  }
  return out;
}
