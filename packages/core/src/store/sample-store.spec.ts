import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../rng/rng.ts';
import { tempDir } from '../testing/index.ts';
import { SampleStore } from './sample-store.ts';
import { TrainingSet } from './training-set.ts';

let cleanup = () => {};
afterEach(() => cleanup());

function workdir(): string {
  const t = tempDir();
  cleanup = t.cleanup;
  return t.dir;
}

describe('SampleStore', () => {
  it('round-trips samples across chunk boundaries and reads any range or index set', async () => {
    const dir = join(workdir(), 's');
    const writer = SampleStore.create(dir, { dtype: 'float32', sampleShape: [3] }, 4);
    const data = Float32Array.from({ length: 30 }, (_, i) => i + 0.5);
    writer.append(data.subarray(0, 9));
    writer.append(data.subarray(9));
    const store = writer.close();
    expect(store.count).toBe(10);
    expect([...(await store.readAll())]).toEqual([...data]);
    expect([...(await store.read(3, 6))]).toEqual([...data.subarray(9, 18)]);
    expect([...(await store.gather([9, 0, 4]))]).toEqual([...data.subarray(27, 30), ...data.subarray(0, 3), ...data.subarray(12, 15)]);
    const reopened = SampleStore.open(dir);
    const batches = [];
    for await (const b of reopened.batches(4)) batches.push(b.length / 3);
    expect(batches).toEqual([4, 4, 2]);
  });

  it('gathers any order of rows, across chunks and in runs, exactly as a full read would', async () => {
    const dir = join(workdir(), 'gather');
    const data = Float32Array.from({ length: 2 * 1000 }, (_, i) => i);
    const writer = SampleStore.create(dir, { dtype: 'float32', sampleShape: [2] }, 64);
    writer.append(data);
    const store = writer.close();
    const order = Rng.from(1).permutation(1000);
    const runs = Uint32Array.from([5, 6, 7, 62, 63, 64, 65, 999, 0, 0]);
    for (const indices of [order, runs]) {
      const got = await store.gather(indices);
      const want = Float32Array.from(Array.from(indices).flatMap((i) => [2 * i, 2 * i + 1]));
      expect(got).toEqual(want);
    }
    await expect(store.gather([1000])).rejects.toThrow(/sample 1000 out of range 0\.\.999/);
  });

  it('keeps uint8 images as bytes', async () => {
    const store = await SampleStore.write(join(workdir(), 'img'), { dtype: 'uint8', sampleShape: [2, 2, 3] }, Uint8Array.from({ length: 24 }, (_, i) => i * 10));
    const back = await store.readAll();
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back[23]).toBe(230);
  });

  it('rejects partial samples, wrong dtypes and missing stores with the path in the message', async () => {
    const dir = join(workdir(), 'bad');
    const writer = SampleStore.create(dir, { dtype: 'float32', sampleShape: [2] });
    expect(() => writer.append(new Float32Array(3))).toThrow(/3 values is not a whole number of samples of 2/);
    expect(() => writer.append(new Uint8Array(2))).toThrow(/expected float32 samples/);
    expect(() => SampleStore.open(join(dir, 'nope'))).toThrow(/nope.*missing samples.json/);
  });
});

describe('TrainingSet', () => {
  it('concatenates segments, honours index subsets and reports its composition', async () => {
    const root = workdir();
    const real = await SampleStore.write(join(root, 'r'), { dtype: 'float32', sampleShape: [1] }, Float32Array.from([0, 1, 2, 3]));
    const gen = await SampleStore.write(join(root, 'g'), { dtype: 'float32', sampleShape: [1] }, Float32Array.from([10, 11, 12, 13, 14]));
    const set = new TrainingSet([
      { name: 'real', store: real },
      { name: 'gen-0', store: gen, indices: Uint32Array.from([4, 1]) },
    ]);
    expect(set.count).toBe(6);
    expect([...(await set.readAll())]).toEqual([0, 1, 2, 3, 14, 11]);
    expect([...(await set.gather(Uint32Array.from([5, 0, 4])))]).toEqual([11, 0, 14]);
    expect(set.composition()).toEqual({ count: 6, segments: [{ name: 'real', count: 4, of: 4 }, { name: 'gen-0', count: 2, of: 5 }] });
    expect(set.labelled).toBe(false);
  });
});

describe('labels', () => {
  it('keeps one int32 label per sample beside each chunk, gathered in any order, across chunks', async () => {
    const root = workdir();
    const writer = SampleStore.create(join(root, 'l'), { dtype: 'uint8', sampleShape: [2], labelled: true }, 3);
    writer.append(Uint8Array.from([0, 0, 1, 1, 2, 2, 3, 3]), Int32Array.from([10, 11, 12, 13]));
    writer.append(Uint8Array.from([4, 4, 5, 5]), Int32Array.from([14, 15]));
    const store = writer.close();
    expect(store.labelled).toBe(true);
    expect([...(await store.gatherLabels([5, 0, 3, 4]))]).toEqual([15, 10, 13, 14]);
    expect([...(await store.gather([5, 0]))]).toEqual([5, 5, 0, 0]);
    const unlabelled = await SampleStore.write(join(root, 'u'), { dtype: 'uint8', sampleShape: [2] }, Uint8Array.from([7, 7]));
    const set = new TrainingSet([{ name: 'real', store }, { name: 'gen-0', store: unlabelled }]);
    expect(set.labelled).toBe(false);
    const labelledSet = new TrainingSet([{ name: 'a', store }, { name: 'b', store, indices: Uint32Array.from([1]) }]);
    expect([...(await labelledSet.gatherLabels([6, 0]))]).toEqual([11, 10]);
    await expect(set.gatherLabels([0])).rejects.toThrow(/not every segment has labels/);
  });

  it('refuses samples without labels in a labelled store and labels in an unlabelled one', () => {
    const root = workdir();
    const labelled = SampleStore.create(join(root, 'a'), { dtype: 'float32', sampleShape: [1], labelled: true });
    expect(() => labelled.append(new Float32Array(2))).toThrow(/expected a label for every sample/);
    expect(() => labelled.append(new Float32Array(2), new Int32Array(1))).toThrow(/1 labels for 2 samples/);
    const plain = SampleStore.create(join(root, 'b'), { dtype: 'float32', sampleShape: [1] });
    expect(() => plain.append(new Float32Array(1), new Int32Array(1))).toThrow(/labels given to a store created without labels/);
  });

  it('names a chunk file shorter than its header says instead of reading zeros', async () => {
    const root = workdir();
    const store = await SampleStore.write(join(root, 's'), { dtype: 'float32', sampleShape: [2] }, new Float32Array(8));
    writeFileSync(join(root, 's', 'chunk-00000.bin'), new Uint8Array(12));
    await expect(store.read(0, 4)).rejects.toThrow(/chunk-00000\.bin: file is shorter than samples\.json says/);
  });
});
