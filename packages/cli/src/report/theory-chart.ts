import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TheoryReport } from '../theory/run-theory.ts';
import type { CellGroup } from './cell-groups.ts';

/** One generation of one cell: the theory's expectation and 5-95% band, and the cell's own value. */
interface TheoryPoint {
  readonly line: string;
  readonly cell: string;
  readonly generation: number;
  readonly expected: number;
  readonly lo: number;
  readonly hi: number;
  readonly measured?: number;
}

const quantities = [
  { title: 'theory: tr Sigma_t', expected: 'expectedTrace', band: 'traceBand', measured: 'trace' },
  { title: 'theory: |mu_t - mu_0|^2', expected: 'expectedMeanDrift', band: 'meanDriftBand', measured: 'meanDrift' },
] as const;

/**
 * The Gaussian cells' theory.json (written by `ouro theory`) as charts: per cell the predicted band
 * (5%-95% of simulated loops on its D), the exact expectation (dashed) and its measured curve; and a
 * sentence saying how many measured values lie inside their band. Empty when no cell has one.
 */
export function theoryCharts(groups: readonly CellGroup[], lines: readonly string[]): { specs: Array<{ title: string; spec: Record<string, unknown> }>; finding: string | null } {
  const curves = groups.flatMap((group) =>
    group.cells.flatMap(({ cell, dir }) => {
      const path = join(dir, 'theory.json');
      if (!existsSync(path)) return [];
      const report = JSON.parse(readFileSync(path, 'utf8')) as TheoryReport;
      return report.gaussian ? [{ line: group.line, cell: cell.id, curve: report.gaussian.curve }] : [];
    }),
  );
  if (curves.length === 0) return { specs: [], finding: null };
  let inside = 0;
  let measuredCount = 0;
  const specs = quantities.map((q) => {
    const points: TheoryPoint[] = curves.flatMap(({ line, cell, curve }) =>
      curve.map((p) => {
        const [lo, hi] = p[q.band] ?? [p[q.expected], p[q.expected]];
        const measured = p[q.measured];
        if (measured !== undefined && p[q.band]) {
          measuredCount++;
          if (measured >= lo && measured <= hi) inside++;
        }
        return { line, cell, generation: p.generation, expected: p[q.expected], lo, hi, ...(measured !== undefined ? { measured } : {}) };
      }),
    );
    return { title: q.title, spec: theorySpec(q.title, points, lines) };
  });
  const finding = measuredCount > 0 ? `Theory vs measurement (${curves.length} Gaussian cells with theory.json): ${inside} of ${measuredCount} measured values lie inside the predicted 5%-95% band.` : null;
  return { specs, finding };
}

function theorySpec(title: string, points: readonly TheoryPoint[], lines: readonly string[]): Record<string, unknown> {
  const x = { field: 'generation', type: 'quantitative', title: 'generation', axis: { tickMinStep: 1, format: 'd' } };
  const color = { field: 'line', type: 'nominal', scale: { domain: lines } };
  const y = (field: string) => ({ field, type: 'quantitative', title, scale: { zero: false } });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'predicted: 5%-95% of simulated loops (band) and exact expectation (dashed); measured: each cell (solid)', anchor: 'start' },
    width: 360,
    height: 230,
    data: { values: points },
    layer: [
      { mark: { type: 'area', fillOpacity: 0.15 }, encoding: { x, y: y('lo'), y2: { field: 'hi' }, color, detail: { field: 'cell' } } },
      { mark: { type: 'line', strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x, y: y('expected'), color, detail: { field: 'cell' } } },
      { transform: [{ filter: 'isValid(datum.measured)' }], mark: { type: 'line', point: { size: 20 }, strokeWidth: 2 }, encoding: { x, y: y('measured'), color, detail: { field: 'cell' } } },
    ],
    config: { font: 'sans-serif', view: { stroke: '#ddd' }, legend: { orient: 'right', labelLimit: 320 } },
    background: 'white',
  };
}
