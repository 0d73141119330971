import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComposeInput } from '../contracts/schedule.ts';
import { Rng } from '../rng/rng.ts';
import { SampleStore } from '../store/sample-store.ts';
import { readTrainingSetManifest, writeTrainingSetManifest } from '../store/training-set-manifest.ts';
import { tempDir } from '../testing/index.ts';
import { accumulateSubsampleSchedule } from './accumulate-subsample.ts';

const REAL = 100;
const PER_GENERATION = 250;
let root: { dir: string; cleanup: () => void };
let real: SampleStore;
const synthetic: SampleStore[] = [];

/** Real samples are 0..99; generation k's samples are 1000(k+1) + i, so every value names its row. */
beforeAll(async () => {
  root = tempDir();
  const write = (name: string, values: Float32Array) => SampleStore.write(join(root.dir, name), { dtype: 'float32', sampleShape: [1] }, values);
  real = await write('real', Float32Array.from({ length: REAL }, (_, i) => i));
  for (let k = 0; k < 3; k++) synthetic.push(await write(`gen-${k}`, Float32Array.from({ length: PER_GENERATION }, (_, i) => 1000 * (k + 1) + i)));
});
afterAll(() => root.cleanup());

function input(generation: number, seed = 0): ComposeInput {
  return {
    generation,
    real,
    synthetic: synthetic.slice(0, generation),
    rng: Rng.from(seed, 'mix', generation),
    drawFreshReal: () => Promise.reject(new Error('not used')),
  };
}

function schedule(options: unknown) {
  return accumulateSubsampleSchedule.create(accumulateSubsampleSchedule.options.parse(options), { canDrawFresh: false });
}

/** The pool at generation t: D and the first `perGeneration` samples of every earlier generation. */
function pool(generation: number, perGeneration = REAL): number[] {
  const values = Array.from({ length: REAL }, (_, i) => i);
  for (let k = 0; k < generation; k++) for (let i = 0; i < perGeneration; i++) values.push(1000 * (k + 1) + i);
  return values;
}

describe('accumulate-subsample', () => {
  it('trains every generation on |D| distinct rows of D + the first round(lambda*|D|) samples of each earlier generation', async () => {
    const s = schedule({});
    expect(s.samplesNeeded(REAL)).toBe(REAL);
    for (const t of [1, 3]) {
      const set = await s.compose(input(t));
      const values = [...(await set.readAll())];
      expect(set.count).toBe(REAL);
      expect(new Set(values).size).toBe(REAL);
      const allowed = new Set(pool(t));
      expect(values.every((v) => allowed.has(v))).toBe(true);
    }
    const sized = await schedule({ lambda: 0.5, size: 180 }).compose(input(3));
    expect(sized.count).toBe(180);
    expect([...(await sized.readAll())].every((v) => v < REAL || v % 1000 < 50)).toBe(true);
  });

  it('draws a uniform subsample of the pool: over 400 seeds every pooled row is kept 100/250 of the time, real or synthetic', async () => {
    const s = schedule({ lambda: 0.5 });
    const rows = pool(3, 50);
    const kept = new Map(rows.map((v) => [v, 0]));
    const seeds = 400;
    for (let seed = 0; seed < seeds; seed++) {
      for (const v of await (await s.compose(input(3, seed))).readAll()) kept.set(v, kept.get(v)! + 1);
    }
    const q = REAL / rows.length;
    const expected = seeds * q;
    // Each row's count is Binomial(400, 0.4): the statistic is chi-square with ~249 degrees of freedom (sd 22).
    const chiSquare = [...kept.values()].reduce((sum, c) => sum + (c - expected) ** 2 / (expected * (1 - q)), 0);
    expect(chiSquare).toBeLessThan(rows.length + 5 * Math.sqrt(2 * rows.length));
    const bySource = [0, 1, 2, 3].map((k) => rows.filter((v) => Math.floor(v / 1000) === k).reduce((sum, v) => sum + kept.get(v)!, 0) / seeds);
    expect(bySource[0]).toBeCloseTo(REAL * q, 0);
    for (const mean of bySource.slice(1)) expect(mean).toBeCloseTo(50 * q, 0);
  });

  it('is seeded, and its manifest records the kept rows so that reading it back gives the same training set', async () => {
    const s = schedule({ lambda: 1 });
    const set = await s.compose(input(2, 7));
    const again = await s.compose(input(2, 7));
    expect([...(await again.readAll())]).toEqual([...(await set.readAll())]);
    expect([...(await (await s.compose(input(2, 8))).readAll())]).not.toEqual([...(await set.readAll())]);
    const dir = join(root.dir, 'manifest');
    mkdirSync(dir);
    const manifest = writeTrainingSetManifest(dir, set, root.dir);
    expect(manifest.count).toBe(REAL);
    expect(manifest.segments.map((m) => m.source)).toEqual(set.segments.map((seg) => seg.store.dir.slice(root.dir.length + 1)));
    expect(manifest.segments.every((m) => m.indices)).toBe(true);
    const rebuilt = readTrainingSetManifest(dir, root.dir);
    expect([...(await rebuilt.readAll())]).toEqual([...(await set.readAll())]);
  });

  it('refuses a size larger than the pool, and a missing or short generation', async () => {
    await expect(schedule({ size: 201 }).compose(input(1))).rejects.toThrow('accumulate-subsample: size 201 is larger than the pool of 200 samples (real 100, gen-0 100); expected size <= 200');
    await expect(schedule({}).compose({ ...input(3), synthetic: synthetic.slice(0, 1) })).rejects.toThrow('accumulate-subsample: generation 3 needs the samples of generation 1, which are missing');
    await expect(schedule({ lambda: 2.6 }).compose(input(1))).rejects.toThrow(`generation 0 has 250 samples, but accumulate-subsample needs 260`);
    expect(accumulateSubsampleSchedule.options.safeParse({ size: 0 }).success).toBe(false);
  });
});
