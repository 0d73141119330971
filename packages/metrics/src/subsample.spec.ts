import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@ouroboros/core';
import { tempDir, vectorStore } from '@ouroboros/core/testing';
import { readSamples, subsampleIndices } from './subsample.ts';

const temp = tempDir('subsample-');
afterAll(() => temp.cleanup());

describe('subsampling a store', () => {
  it('keeps every sample (no indices) without a maximum or when the store holds at most the maximum', () => {
    expect(subsampleIndices(10, undefined, Rng.from(1))).toBeUndefined();
    expect(subsampleIndices(10, 10, Rng.from(1))).toBeUndefined();
    expect(subsampleIndices(10, 11, Rng.from(1))).toBeUndefined();
  });

  it('draws max distinct indices below the count, ascending (the store reads runs of rows in order), the same for the same rng', () => {
    const indices = subsampleIndices(50, 20, Rng.from(1, 'x'))!;
    expect(indices).toHaveLength(20);
    expect(new Set(indices).size).toBe(20);
    expect(Array.from(indices)).toEqual(Array.from(indices).sort((a, b) => a - b));
    expect(Math.max(...indices)).toBeLessThan(50);
    expect(subsampleIndices(50, 20, Rng.from(1, 'x'))).toEqual(indices);
  });

  it('reads the whole store, flagged whole, or the rows at the drawn indices', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => [i, 10 * i]);
    const store = await vectorStore(join(temp.dir, 'six'), rows);
    expect(await readSamples(store, 6, Rng.from(2))).toEqual({ values: Float32Array.from(rows.flat()), count: 6, whole: true });
    const indices = subsampleIndices(6, 4, Rng.from(2))!;
    expect(await readSamples(store, 4, Rng.from(2))).toEqual({ values: Float32Array.from([...indices].flatMap((i) => rows[i]!)), count: 4, whole: false });
  });
});
