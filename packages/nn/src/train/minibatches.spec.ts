import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Rng, SampleStore, TrainingSet } from '@ouroboros/core';
import { tempDir } from '@ouroboros/core/testing';
import { MiniBatches } from './minibatches.ts';

const t = tempDir();
afterAll(() => t.cleanup());

async function labelledSet(n: number): Promise<TrainingSet> {
  const values = Float32Array.from({ length: n }, (_, i) => i);
  const labels = Int32Array.from({ length: n }, (_, i) => 1000 + i);
  const store = await SampleStore.write(join(t.dir, `s${n}`), { dtype: 'float32', sampleShape: [1] }, values, labels);
  return new TrainingSet([{ name: 'real', store }]);
}

describe('MiniBatches', () => {
  it('visits every sample once per epoch, in a new seeded order each epoch, labels aligned', async () => {
    const set = await labelledSet(10);
    const batches = new MiniBatches(set, 4, Rng.from(1, 'data'));
    expect(batches.stepsPerEpoch).toBe(3);
    const epoch = async (e: number) => {
      const seen: number[] = [];
      for (let k = 3 * e; k < 3 * e + 3; k++) {
        const batch = await batches.at(k);
        expect([...batch.labels!]).toEqual([...batch.values].map((v) => 1000 + v));
        seen.push(...batch.values);
      }
      return seen;
    };
    const first = await epoch(0);
    const second = await epoch(1);
    expect([...first].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...second].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(second).not.toEqual(first);
  });

  it('gives step k the same batch whether or not the steps before it were read (what a resumed fit relies on)', async () => {
    const set = await labelledSet(37);
    const sequential = new MiniBatches(set, 5, Rng.from(2, 'data'));
    const values: number[][] = [];
    for (let k = 0; k < 20; k++) values.push([...(await sequential.at(k)).values]);
    const jumping = new MiniBatches(set, 5, Rng.from(2, 'data'));
    for (const k of [13, 2, 19, 8]) expect([...(await jumping.at(k)).values]).toEqual(values[k]);
  });

  it('counts the steps of fractional epochs', async () => {
    const batches = new MiniBatches(await labelledSet(10), 4, Rng.from(0));
    expect([batches.stepsFor(1), batches.stepsFor(2.5), batches.stepsFor(0.01)]).toEqual([3, 8, 1]);
  });
});
