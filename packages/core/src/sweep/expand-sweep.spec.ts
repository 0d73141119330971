import { describe, expect, it } from 'vitest';
import { expandSweep, isSweepConfig, sweepBase } from './expand-sweep.ts';

const base = { name: 'grid', seed: 10, generations: 3, dataset: { id: 'two-moons', train: 100 }, model: { id: 'gaussian' }, schedule: { id: 'constant-lambda', lambda: 0 } };

describe('expandSweep', () => {
  it('takes the cartesian product of the matrix axes (first axis slowest), times the seeds, each over the base config', () => {
    const plan = expandSweep({ ...base, matrix: { 'schedule.lambda': [0, 0.5], 'dataset.train': [100, 200] }, seeds: 2 });
    expect(plan.axes).toEqual(['schedule.lambda', 'dataset.train', 'seed']);
    expect(plan.cells.map((c) => c.values)).toEqual([
      { 'schedule.lambda': 0, 'dataset.train': 100, seed: 10 },
      { 'schedule.lambda': 0, 'dataset.train': 100, seed: 11 },
      { 'schedule.lambda': 0, 'dataset.train': 200, seed: 10 },
      { 'schedule.lambda': 0, 'dataset.train': 200, seed: 11 },
      { 'schedule.lambda': 0.5, 'dataset.train': 100, seed: 10 },
      { 'schedule.lambda': 0.5, 'dataset.train': 100, seed: 11 },
      { 'schedule.lambda': 0.5, 'dataset.train': 200, seed: 10 },
      { 'schedule.lambda': 0.5, 'dataset.train': 200, seed: 11 },
    ]);
    const last = plan.cells.at(-1)!.config;
    expect(last).toEqual({ ...base, seed: 11, dataset: { id: 'two-moons', train: 200 }, schedule: { id: 'constant-lambda', lambda: 0.5 } });
    expect(last).not.toHaveProperty('matrix');
    expect(last).not.toHaveProperty('seeds');
    // The base config is never modified in place.
    expect(plan.cells[0]!.config.dataset).not.toBe(plan.cells[1]!.config.dataset);
  });

  it('excludes matching matrix cells, adds included cells for every seed (unless they set one), and lists the fields only include sets as axes', () => {
    const plan = expandSweep({
      ...base,
      matrix: { 'schedule.lambda': [0, 0.5, 1] },
      exclude: [{ 'schedule.lambda': 1, seed: 1 }],
      include: [{ schedule: { id: 'fully-synthetic' } }, { 'schedule.lambda': 2, seed: 7 }],
      seeds: [0, 1],
    });
    expect(plan.axes).toEqual(['schedule.lambda', 'schedule', 'seed']);
    expect(plan.cells.map((c) => [c.origin, c.values])).toEqual([
      ['matrix', { 'schedule.lambda': 0, seed: 0 }],
      ['matrix', { 'schedule.lambda': 0, seed: 1 }],
      ['matrix', { 'schedule.lambda': 0.5, seed: 0 }],
      ['matrix', { 'schedule.lambda': 0.5, seed: 1 }],
      ['matrix', { 'schedule.lambda': 1, seed: 0 }],
      ['include.0', { schedule: { id: 'fully-synthetic' }, seed: 0 }],
      ['include.0', { schedule: { id: 'fully-synthetic' }, seed: 1 }],
      ['include.1', { 'schedule.lambda': 2, seed: 7 }],
    ]);
    expect(plan.cells[5]!.config.schedule).toEqual({ id: 'fully-synthetic' });
    expect(plan.cells[7]!.config).toMatchObject({ seed: 7, schedule: { id: 'constant-lambda', lambda: 2 } });
  });

  it('sets fields inside lists and removes a field given null; without a matrix the base is one cell, or include lists the cells', () => {
    const withMetrics = { ...base, metrics: [{ id: 'precision-recall', k: 3 }] };
    expect(expandSweep({ ...withMetrics, matrix: { 'metrics.0.k': [1, 5] } }).cells.map((c) => c.config.metrics)).toEqual([[{ id: 'precision-recall', k: 1 }], [{ id: 'precision-recall', k: 5 }]]);
    expect(expandSweep({ ...base, matrix: { 'dataset.train': [null] } }).cells[0]!.config.dataset).toEqual({ id: 'two-moons' });
    expect(expandSweep({ ...base, seeds: 3 }).cells.map((c) => c.config.seed)).toEqual([10, 11, 12]);
    expect(expandSweep({ ...base, include: [{ generations: 1 }, { generations: 2 }] }).cells.map((c) => c.config.generations)).toEqual([1, 2]);
    expect(expandSweep({ ...base, matrix: {} }).cells.map((c) => c.config)).toEqual([base]);
  });

  it('rejects a bad sweep with one line naming the field', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ matrix: { 'schedule.lambda': [] } }, /^matrix\.schedule\.lambda = \[\]: expected a non-empty list of values$/],
      [{ matrix: { 'schedule.lambda': 0.5 } }, /^matrix\.schedule\.lambda = 0\.5: expected array/],
      [{ matrix: { 'schedule..lambda': [1] } }, /^matrix\.schedule\.\.lambda: not a dotted config path/],
      [{ seeds: 0 }, /^seeds = 0: expected/],
      [{ seeds: [1, 2, 1] }, /^seeds: 1 is listed twice; expected distinct seeds$/],
      [{ seeds: 2, matrix: { seed: [1, 2] } }, /^matrix\.seed and seeds: both set the seed/],
      [{ matrix: { 'schedule.lambda': [0] }, exclude: [{ 'dataset.train': 5 }] }, /^exclude\.0\.dataset\.train: not a matrix axis; expected one of schedule\.lambda$/],
      [{ matrix: { 'schedule.lambda': [0] }, exclude: [{ 'schedule.lambda': 0.25 }] }, /^exclude\.0 = \{"schedule\.lambda":0\.25\}: matches no cell of the matrix/],
      [{ matrix: { 'seeds.x': [1] } }, /^matrix\.seeds\.x: a sweep cannot vary its own seeds/],
      [{ matrix: { 'generations.x': [1] } }, /^matrix\.generations\.x: generations is 3, not an object$/],
    ];
    for (const [sweep, message] of cases) expect(() => expandSweep({ ...base, ...sweep }), JSON.stringify(sweep)).toThrow(message);
  });
});

describe('isSweepConfig and sweepBase', () => {
  it('tell a sweep config from an experiment config and strip the sweep keys', () => {
    expect(isSweepConfig(base)).toBe(false);
    expect(isSweepConfig({ ...base, seeds: 2 })).toBe(true);
    expect(sweepBase({ ...base, matrix: {}, include: [], exclude: [], seeds: 1 })).toEqual(base);
  });
});
