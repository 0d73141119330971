import { Rng } from '@ouroboros/core';
import { describe, expect, it } from 'vitest';
import { CHUNK_SAMPLES, sampledDataset } from './sampled-dataset.ts';
import { collect } from './testing/collect-samples.ts';

const uniformPairs = sampledDataset(2, { train: CHUNK_SAMPLES + 100, test: 10 }, (rng, out, offset) => {
  out[offset] = rng.uniform();
  out[offset + 1] = rng.uniform();
});

describe('sampledDataset', () => {
  it('yields chunks of at most CHUNK_SAMPLES whole samples', async () => {
    const sizes: number[] = [];
    for await (const chunk of uniformPairs.split('train', Rng.from(1))) sizes.push(chunk.values.length / 2);
    expect(sizes).toEqual([CHUNK_SAMPLES, 100]);
  });

  it('does not advance the rng it is given, so one rng gives one sample set', async () => {
    const rng = Rng.from(2);
    const first = await collect(uniformPairs.split('test', rng));
    const second = await collect(uniformPairs.split('test', rng));
    expect(second).toEqual(first);
  });

  it('forks at call time, so advancing the rng before iterating changes nothing', async () => {
    const rng = Rng.from(3);
    const pending = uniformPairs.split('test', rng);
    rng.uniform();
    expect(await collect(pending)).toEqual(await collect(uniformPairs.split('test', Rng.from(3))));
  });

  it('gives fresh draws whose first n are a prefix of a longer fresh draw', async () => {
    const short = await collect(uniformPairs.fresh!(5, Rng.from(4)));
    const long = await collect(uniformPairs.fresh!(CHUNK_SAMPLES + 3, Rng.from(4)));
    expect(long.length).toBe((CHUNK_SAMPLES + 3) * 2);
    expect(long.subarray(0, 10)).toEqual(short);
  });

  it('rejects a negative or fractional fresh count', () => {
    expect(() => uniformPairs.fresh!(-1, Rng.from(0))).toThrow(/non-negative integer/);
    expect(() => uniformPairs.fresh!(1.5, Rng.from(0))).toThrow(/non-negative integer/);
  });
});
