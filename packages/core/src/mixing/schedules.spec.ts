import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { ComposeInput, MixingSchedule, SchedulePlugin } from '../contracts/schedule.ts';
import { Rng } from '../rng/rng.ts';
import { SampleStore } from '../store/sample-store.ts';
import { tempDir } from '../testing/index.ts';
import { accumulateSchedule } from './accumulate.ts';
import { constantLambdaSchedule } from './constant-lambda.ts';
import { freshRealSchedule } from './fresh-real.ts';
import { fullySyntheticSchedule } from './fully-synthetic.ts';

const REAL = 100;
let root: { dir: string; cleanup: () => void };
let real: SampleStore;
const synthetic: SampleStore[] = [];

/** Real samples are 0..99; generation k's samples are 1000k + i, so every value names its origin. */
beforeAll(async () => {
  root = tempDir();
  real = await SampleStore.write(join(root.dir, 'real'), { dtype: 'float32', sampleShape: [1] }, Float32Array.from({ length: REAL }, (_, i) => i));
  for (let k = 0; k < 3; k++) {
    const n = 250;
    synthetic.push(await SampleStore.write(join(root.dir, `gen-${k}`), { dtype: 'float32', sampleShape: [1] }, Float32Array.from({ length: n }, (_, i) => 1000 * (k + 1) + i)));
  }
});
afterAll(() => root.cleanup());

function input(generation: number, overrides: Partial<ComposeInput> = {}): ComposeInput {
  let fresh = 0;
  return {
    generation,
    real,
    synthetic: synthetic.slice(0, generation),
    rng: Rng.from(0, 'mix', generation),
    drawFreshReal: (n) => SampleStore.write(join(root.dir, `fresh-${generation}-${fresh++}`), { dtype: 'float32', sampleShape: [1] }, Float32Array.from({ length: n }, (_, i) => -1 - i)),
    ...overrides,
  };
}

function build<O>(plugin: SchedulePlugin<O>, options: unknown, canDrawFresh = true): MixingSchedule {
  return plugin.create(plugin.options.parse(options), { canDrawFresh });
}

/** How many values of a training set came from real data (0..99), fresh draws (<0) and each generation. */
async function origins(schedule: MixingSchedule, generation: number) {
  const set = await schedule.compose(input(generation));
  const values = [...(await set.readAll())];
  const count = (p: (v: number) => boolean) => values.filter(p).length;
  return {
    total: set.count,
    real: count((v) => v >= 0 && v < REAL),
    fresh: count((v) => v < 0),
    gen: [0, 1, 2].map((k) => count((v) => v >= 1000 * (k + 1) && v < 1000 * (k + 2))),
    distinct: new Set(values).size,
    composition: set.composition(),
  };
}

describe('constant-lambda', () => {
  it.each([
    [0, 0],
    [0.5, 50],
    [1, 100],
    [2.5, 250],
    [0.001, 0],
  ])('lambda %s: all |D| = 100 real samples plus round(lambda*|D|) = %s distinct samples of model t-1', async (lambda, synth) => {
    const s = build(constantLambdaSchedule, { lambda });
    expect(s.samplesNeeded(REAL)).toBe(synth);
    const o = await origins(s, 3);
    expect(o.total).toBe(REAL + synth);
    expect(o.real).toBe(REAL);
    expect(o.gen).toEqual([0, 0, synth]);
    expect(o.distinct).toBe(REAL + synth);
  });

  it('replaces the synthetic part each generation instead of accumulating it', async () => {
    const s = build(constantLambdaSchedule, { lambda: 0.5 });
    expect((await origins(s, 2)).gen).toEqual([0, 50, 0]);
  });

  it('rejects a negative lambda', () => {
    expect(constantLambdaSchedule.options.safeParse({ lambda: -0.1 }).success).toBe(false);
  });
});

describe('fully-synthetic', () => {
  it('uses |D| samples of model t-1 and no real data', async () => {
    const o = await origins(build(fullySyntheticSchedule, {}), 2);
    expect(o).toMatchObject({ total: REAL, real: 0, fresh: 0, gen: [0, REAL, 0], distinct: REAL });
  });
});

describe('accumulate', () => {
  it('keeps D and round(lambda*|D|) samples of every earlier generation, the same ones each time', async () => {
    const s = build(accumulateSchedule, { lambda: 1 });
    const o = await origins(s, 3);
    expect(o).toMatchObject({ total: 4 * REAL, real: REAL, gen: [REAL, REAL, REAL], distinct: 4 * REAL });
    const at2 = await (await s.compose(input(2))).readAll();
    const at3 = await (await s.compose(input(3))).readAll();
    expect([...at3.subarray(0, at2.length)]).toEqual([...at2]);
  });

  it('defaults to lambda 1', () => {
    expect(build(accumulateSchedule, {}).samplesNeeded(REAL)).toBe(REAL);
  });
});

describe('fresh-real', () => {
  it('draws |D| fresh real samples and adds round(lambda*|D|) samples of model t-1', async () => {
    const o = await origins(build(freshRealSchedule, { lambda: 0.5 }), 1);
    expect(o).toMatchObject({ total: 150, real: 0, fresh: REAL, gen: [50, 0, 0] });
    expect(o.composition.segments.map((s) => s.name)).toEqual(['fresh-real', 'gen-0']);
  });

  it('refuses a dataset that cannot draw fresh samples', () => {
    expect(() => build(freshRealSchedule, { lambda: 0.5 }, false)).toThrow(/cannot draw fresh real samples/);
  });
});

it('reports a generation without enough samples, naming the store', async () => {
  const s = build(constantLambdaSchedule, { lambda: 3 });
  await expect(s.compose(input(1))).rejects.toThrow(/gen-0: generation 0 has 250 samples, but the schedule needs 300/);
});

describe('every schedule', () => {
  it('asks for the samples it uses, names each segment by its generation, and draws no empty synthetic segment at lambda 0', async () => {
    expect(build(fullySyntheticSchedule, {}).samplesNeeded(REAL)).toBe(REAL);
    expect(build(freshRealSchedule, { lambda: 0.5 }).samplesNeeded(REAL)).toBe(50);
    expect((await origins(build(fullySyntheticSchedule, {}), 2)).composition.segments.map((s) => s.name)).toEqual(['gen-1']);
    expect((await origins(build(constantLambdaSchedule, { lambda: 0.5 }), 2)).composition.segments.map((s) => s.name)).toEqual(['real', 'gen-1']);
    expect((await origins(build(accumulateSchedule, { lambda: 0.5 }), 2)).composition.segments.map((s) => [s.name, s.count])).toEqual([['real', REAL], ['gen-0', 50], ['gen-1', 50]]);
    for (const schedule of [build(constantLambdaSchedule, { lambda: 0 }), build(accumulateSchedule, { lambda: 0 })]) {
      expect((await origins(schedule, 3)).composition.segments.map((s) => s.name)).toEqual(['real']);
    }
  });

  it('names a missing generation and one with too few samples', async () => {
    const missing = { synthetic: synthetic.slice(0, 1) };
    await expect(build(constantLambdaSchedule, { lambda: 0.5 }).compose(input(3, missing))).rejects.toThrow('generation 3 needs the samples of generation 2, which are missing');
    await expect(build(accumulateSchedule, { lambda: 0.5 }).compose(input(3, missing))).rejects.toThrow('accumulate: generation 3 needs the samples of generation 1, which are missing');
    await expect(build(accumulateSchedule, { lambda: 2.6 }).compose(input(1))).rejects.toThrow(`${join(root.dir, 'gen-0')}: generation 0 has 250 samples, but accumulate needs 260`);
    expect((await build(accumulateSchedule, { lambda: 2.5 }).compose(input(1))).count).toBe(REAL + 250);
  });
});
