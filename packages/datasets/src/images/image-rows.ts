/** The images of one split, HWC uint8 each, with one label per image when the data has classes. */
export interface ImageRows {
  readonly count: number;
  readonly labels?: Int32Array;
  /** The images at `indices`, in that order, as one flat NHWC array. */
  gather(indices: Uint32Array): Promise<Uint8Array>;
}

/** Rows over images held in memory: `values` is NHWC with `imageSize` bytes per image. */
export function inMemoryRows(values: Uint8Array, imageSize: number, labels?: Int32Array): ImageRows {
  const count = values.length / imageSize;
  if (!Number.isInteger(count)) throw new RangeError(`inMemoryRows: ${values.length} bytes are not whole images of ${imageSize} bytes`);
  if (labels && labels.length !== count) throw new RangeError(`inMemoryRows: ${labels.length} labels for ${count} images`);
  return {
    count,
    ...(labels ? { labels } : {}),
    gather: async (indices) => {
      const out = new Uint8Array(indices.length * imageSize);
      indices.forEach((row, i) => out.set(values.subarray(row * imageSize, (row + 1) * imageSize), i * imageSize));
      return out;
    },
  };
}
