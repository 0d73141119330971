import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '@ouroboros/core/testing';
import type { CellGroup } from './cell-groups.ts';
import type { CellResult } from './sweep-results.ts';
import { theoryCharts } from './theory-chart.ts';

const root = tempDir('theory-chart-');
afterAll(() => root.cleanup());

/** A cell folder with a theory.json whose measured trace leaves the band at generation 2. */
function cell(id: string, gaussian: boolean): CellResult {
  const dir = join(root.dir, id);
  mkdirSync(dir, { recursive: true });
  const curve = [0, 1, 2].map((generation) => ({
    generation,
    expectedTrace: 2,
    expectedMeanDrift: 0.1 * generation,
    traceBand: [1.5, 2.5],
    meanDriftBand: [0, 0.3],
    trace: generation === 2 ? 3 : 2.1,
    meanDrift: 0.05,
  }));
  writeFileSync(join(dir, 'theory.json'), JSON.stringify({ model: 'gaussian', schedule: { id: 'constant-lambda', lambda: 1 }, certificate: { unavailable: 'x' }, ...(gaussian ? { gaussian: { realCount: 10, syntheticCount: 10, curve } } : {}) }));
  return { cell: { id }, dir } as unknown as CellResult;
}

describe('theoryCharts', () => {
  it("draws each Gaussian cell's predicted band, expectation and measured curve, and counts the values inside the band", () => {
    const groups: CellGroup[] = [{ line: '1', panel: '', cells: [cell('a', true), cell('b', false)] }];
    const { specs, finding } = theoryCharts(groups, ['1']);
    expect(specs.map((s) => s.title)).toEqual(['theory: tr Sigma_t', 'theory: |mu_t - mu_0|^2']);
    const values = (specs[0]!.spec.data as { values: Array<Record<string, number | string>> }).values;
    expect(values).toEqual([0, 1, 2].map((generation) => ({ line: '1', cell: 'a', generation, expected: 2, lo: 1.5, hi: 2.5, measured: generation === 2 ? 3 : 2.1 })));
    expect(finding).toBe('Theory vs measurement (1 Gaussian cells with theory.json): 5 of 6 measured values lie inside the predicted 5%-95% band.');
  });

  it('gives nothing when no cell has a Gaussian theory.json', () => {
    expect(theoryCharts([{ line: '1', panel: '', cells: [cell('c', false)] }], ['1'])).toEqual({ specs: [], finding: null });
  });
});
