import { type Rng, type SampleStore } from '@ouroboros/core';

/** `max` indices of 0..count-1 drawn without replacement with `rng`, ascending; undefined when all samples are kept. */
export function subsampleIndices(count: number, max: number | undefined, rng: Rng): Uint32Array | undefined {
  if (max === undefined || count <= max) return undefined;
  return rng.choose(count, max).sort();
}

/** The samples of `store` (all, or a random subset of at most `max`), as float32 values n x d. */
export async function readSamples(store: SampleStore, max: number | undefined, rng: Rng): Promise<{ values: Float32Array; count: number; whole: boolean }> {
  const indices = subsampleIndices(store.count, max, rng);
  const raw = indices ? await store.gather(indices) : await store.readAll();
  const values = raw instanceof Float32Array ? raw : Float32Array.from(raw);
  return { values, count: indices ? indices.length : store.count, whole: indices === undefined };
}
