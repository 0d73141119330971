import { describe, expect, it } from 'vitest';
import type { MetricRow } from '@ouroboros/core';
import { curve, seedPoints, type CellGroup } from './cell-groups.ts';
import { describeShifts, generationZeroShifts } from './generation-zero-shifts.ts';
import type { CellResult } from './sweep-results.ts';

/** A group of cells whose fd histories are `histories` (one array of values per seed, by generation). */
function group(line: string, histories: number[][]): CellGroup {
  const cells = histories.map((values, seed) => ({
    cell: { id: `${line}-${seed}`, index: seed, values: { seed }, origin: 'matrix' },
    rows: values.map((fd, generation) => ({ generation, fd }) as MetricRow),
  })) as unknown as CellResult[];
  return { line, panel: '', cells };
}

const format = (v: number) => v.toPrecision(3);

describe('the report: bands and what the curves show', () => {
  it('draws the band from the lowest to the highest seed, so a metric that cannot be negative never gets a band below 0', () => {
    // mean - std of [0.01, 0.01, 2] is about -0.6: the old band crossed zero
    const points = curve([group('0', [[0.01, 0.01], [0.01, 0.01], [0.01, 2]])], 'fd');
    const last = points.find((p) => p.generation === 1)!;
    expect(last.mean - last.std).toBeLessThan(0);
    expect([last.lo, last.hi, last.n]).toEqual([0.01, 2, 3]);
    expect(seedPoints([group('0', [[1, 2], [3, 4]])], 'fd').map((p) => [p.cell, p.generation, p.value])).toEqual([
      ['0-0', 0, 1],
      ['0-0', 1, 2],
      ['0-1', 0, 3],
      ['0-1', 1, 4],
    ]);
  });

  it('says which groups left generation 0\'s range over seeds, in which direction, and which stayed within it', () => {
    const groups = [
      group('fully-synthetic', [[0.006, 0.5, 1.1], [0.007, 0.4, 0.9]]),
      group('0.5', [[0.006, 0.0065, 0.0068], [0.007, 0.006, 0.0061]]),
      group('1', [[0.9, 0.5, 0.2], [1.0, 0.6, 0.3]]),
      group('lonely', [[0.5, 0.7]]),
    ];
    const shifts = generationZeroShifts(curve(groups, 'fd'));
    expect(shifts.map((s) => [s.line, s.direction, s.end.generation])).toEqual([
      ['fully-synthetic', 'rose', 2],
      ['0.5', 'within', 2],
      ['1', 'fell', 2],
      ['lonely', 'one seed', 1],
    ]);
    expect(describeShifts('fd', shifts, format)).toBe(
      "fd: left generation 0's range over seeds: fully-synthetic rose (0.00600–0.00700 at generation 0, 0.900–1.10 at 2); 1 fell (0.900–1.00 at generation 0, 0.200–0.300 at 2). " +
        'Stayed within it: 0.5. One seed, no spread to compare: lonely (0.500 -> 0.700 at 1).',
    );
    // touching ranges overlap: not a shift
    expect(generationZeroShifts(curve([group('edge', [[1, 2], [2, 3]])], 'fd'))[0]!.direction).toBe('within');
    expect(describeShifts('fd', generationZeroShifts(curve([group('g0 only', [[1], [2]])], 'fd')), format)).toBeNull();
  });
});
