import { concatFloat32, concatInto, type Dataset, type DatasetEnv, type DatasetPlugin, type SampleChunk } from '@ouroboros/core';

/** Parses `options` with the plugin's schema (as the registry does) and creates the dataset. */
export function createDataset<T>(plugin: DatasetPlugin<T>, options: Record<string, unknown> = {}, env: Partial<DatasetEnv> = {}): Dataset {
  return plugin.create(plugin.options.parse(options), { cacheDir: '/tmp/ouroboros-dataset-cache', note: () => {}, ...env });
}

/** Every image and label of `chunks`, joined. */
export async function collectImages(chunks: AsyncIterable<SampleChunk>): Promise<{ values: Uint8Array; labels: Int32Array | undefined }> {
  const values: Uint8Array[] = [];
  const labels: Int32Array[] = [];
  for await (const chunk of chunks) {
    if (!(chunk.values instanceof Uint8Array)) throw new Error('collectImages: expected uint8 chunks');
    values.push(chunk.values);
    if (chunk.labels) labels.push(chunk.labels);
  }
  return { values: concatInto((n) => new Uint8Array(n), values), labels: labels.length ? concatInto((n) => new Int32Array(n), labels) : undefined };
}

/** All chunks of `chunks` joined into one array. */
export async function collect(chunks: AsyncIterable<SampleChunk>): Promise<Float32Array> {
  const parts: SampleChunk['values'][] = [];
  for await (const chunk of chunks) parts.push(chunk.values);
  return concatFloat32(parts);
}

/** Rows of a flat array of 2-D points. */
export function points(flat: Float32Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Root mean square of `values`. */
export function rms(values: readonly number[]): number {
  return Math.sqrt(mean(values.map((v) => v * v)));
}
