import { RunFolder, writeFileAtomic } from '@ouroboros/core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeValues } from '../sweep/axis-label.ts';
import type { CellStatus } from '../sweep/sweep-file.ts';
import { UsageError } from '../usage-error.ts';
import { curve, defaultAxis, finalValue, groupCells, metricNames, seedPoints, type CellGroup } from './cell-groups.ts';
import { describeShifts, generationZeroShifts } from './generation-zero-shifts.ts';
import { chartSpec, renderSvg } from './metric-chart.ts';
import { reportHtml, type PageChart, type PageTable } from './report-page.ts';
import { readSweepResults, type CellResult } from './sweep-results.ts';
import { theoryCharts } from './theory-chart.ts';

export interface ReportOptions {
  /** The axis lines are coloured by; default the lambda axis, else the first matrix axis. */
  readonly by?: string;
  /** Told each problem found in a cell's files (the report is written all the same). */
  readonly note?: (message: string) => void;
}

/** Most generations shown as columns of the sample grid (evenly spaced, first and last always). */
const SAMPLE_COLUMNS = 8;

/**
 * Writes DIR/report.html and DIR/report/<metric>.svg for the sweep in DIR from what its cells have
 * committed so far; returns the page's path.
 */
export async function writeReport(dir: string, options: ReportOptions): Promise<string> {
  const { sweep, cells } = readSweepResults(dir);
  const problems = cells.filter((c) => c.problem !== undefined).map((c) => `cell ${c.cell.index} (${c.cell.id}): ${c.problem}`);
  for (const problem of problems) options.note?.(problem);
  const matrixAxes = [...new Set(sweep.cells.filter((c) => c.origin === 'matrix').flatMap((c) => Object.keys(c.values)))].filter((a) => a !== 'seed');
  if (options.by !== undefined && (options.by === 'seed' || !sweep.axes.includes(options.by))) {
    const axes = sweep.axes.filter((a) => a !== 'seed');
    throw new UsageError(`--by ${options.by}: not an axis of the sweep in ${dir}; expected ${axes.length ? `one of ${axes.join(', ')}` : 'nothing: its cells differ only in seed'}`);
  }
  const grouping = groupCells(cells, sweep.axes, options.by ?? defaultAxis(sweep.axes, matrixAxes));
  const lines = ordered(grouping.groups.map((g) => g.line));
  const panels = [...new Set(grouping.groups.map((g) => g.panel))];
  const groups = [...grouping.groups].sort((a, b) => panels.indexOf(a.panel) - panels.indexOf(b.panel) || lines.indexOf(a.line) - lines.indexOf(b.line));
  const metrics = metricNames(cells);

  const figures = join(dir, 'report');
  mkdirSync(figures, { recursive: true });
  const charts: PageChart[] = [];
  const findings: string[] = [];
  for (const metric of metrics) {
    const points = curve(groups, metric);
    const finding = describeShifts(metric, generationZeroShifts(points), number);
    if (finding) findings.push(finding);
    const spec = chartSpec(points, seedPoints(groups, metric), { metric, lineTitle: grouping.by ?? 'cells', lines, panels });
    const svg = await renderSvg(spec);
    const file = join('report', `${metric.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`);
    writeFileAtomic(join(dir, file), svg);
    charts.push({ metric, svg, file });
  }
  const theory = theoryCharts(groups, lines);
  const theoryFigures: PageChart[] = [];
  for (const { title, spec } of theory.specs) {
    const svg = await renderSvg(spec);
    const file = join('report', `${title.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`);
    writeFileAtomic(join(dir, file), svg);
    theoryFigures.push({ metric: title, svg, file });
  }

  const statuses: Partial<Record<CellStatus, number>> = {};
  for (const { state } of cells) statuses[state.status] = (statuses[state.status] ?? 0) + 1;
  const summary = [
    `${cells.length} cells: ${Object.entries(statuses).map(([s, n]) => `${n} ${s}`).join(', ')}. Config: ${sweep.source}${sweep.sets.length ? ` with --set ${sweep.sets.join(' --set ')}` : ''}.`,
    ...problems,
    `One line per group of cells that differ only in seed (their mean, each seed's own curve, and the band from the lowest to the highest seed), coloured by ${grouping.by ?? 'cell'}${grouping.panelAxes.length ? `, one panel per ${grouping.panelAxes.join(' × ')}` : ''}. Written ${new Date().toISOString()}.`,
  ];
  const page = reportHtml({
    title: `Sweep ${sweep.name}`,
    summary,
    findings,
    charts,
    ...(theoryFigures.length ? { theory: { finding: theory.finding, charts: theoryFigures } } : {}),
    finals: finalsTable(groups, metrics, grouping.by, panels.length > 1 || panels[0] !== ''),
    samples: sampleGrid(groups, dir),
    cells: cellsTable(cells),
    statuses,
  });
  const path = join(dir, 'report.html');
  writeFileAtomic(path, page);
  return path;
}

/** Labels in order: numbers ascending, then the rest as they first appear. */
function ordered(labels: readonly string[]): string[] {
  const unique = [...new Set(labels)];
  const numeric = unique.filter((l) => l.trim() !== '' && Number.isFinite(Number(l))).sort((a, b) => Number(a) - Number(b));
  return [...numeric, ...unique.filter((l) => !numeric.includes(l))];
}

function finalsTable(groups: readonly CellGroup[], metrics: readonly string[], by: string | null, panelled: boolean): PageTable {
  const head = [...(panelled ? ['panel'] : []), by ?? 'cells', 'cells finished', 'generation', ...metrics.map((m) => `${m}: mean (lowest–highest seed)`)];
  const rows = groups.map((group) => {
    const finals = metrics.map((m) => finalValue(group, m));
    const generations = [...new Set(finals.flatMap((f) => f?.generations ?? []))].sort((a, b) => a - b);
    const finished = group.cells.filter((c) => c.state.status === 'finished').length;
    return [
      ...(panelled ? [group.panel] : []),
      group.line,
      `${finished}/${group.cells.length}`,
      generations.length ? (generations.length === 1 ? `${generations[0]}` : `${generations[0]}–${generations.at(-1)}`) : '–',
      ...finals.map((f) => (f ? `${number(f.mean)}${f.n > 1 ? ` (${number(f.min)}–${number(f.max)})` : ''}${f.n < group.cells.length ? ` n=${f.n}` : ''}` : '–')),
    ];
  });
  return { head, rows };
}

function sampleGrid(groups: readonly CellGroup[], sweepDir: string) {
  const cells = groups.flatMap((g) => g.cells.map((cell) => ({ group: g, cell })));
  const last = Math.max(0, ...cells.map(({ cell }) => (Number.isInteger(cell.generations) ? cell.generations : 0)));
  const generations = columns(last);
  const rows = cells.map(({ group, cell }) => {
    const folder = new RunFolder(cell.dir);
    const seed = cell.cell.values.seed ?? cell.config.seed;
    return {
      label: `cell ${cell.cell.index}: ${group.line}${group.panel ? ` | ${group.panel}` : ''}${seed !== undefined ? ` | seed ${String(seed)}` : ''}`,
      images: generations.map((t) => {
        const png = join(folder.generationDir(t), 'samples.png');
        return existsSync(png) ? { png: new Uint8Array(readFileSync(png)), href: relative(sweepDir, png).split('\\').join('/') } : null;
      }),
    };
  });
  return { generations, rows };
}

/** Up to SAMPLE_COLUMNS generations spread evenly over 0..last, both ends included. */
function columns(last: number): number[] {
  if (last + 1 <= SAMPLE_COLUMNS) return Array.from({ length: last + 1 }, (_, t) => t);
  return [...new Set(Array.from({ length: SAMPLE_COLUMNS }, (_, i) => Math.round((i * last) / (SAMPLE_COLUMNS - 1))))];
}

function cellsTable(cells: readonly CellResult[]): PageTable {
  return {
    head: ['cell', 'id', 'values', 'status', 'generations', 'folder'],
    rows: cells.map(({ cell, state, rows, generations, dir, problem }) => [
      String(cell.index),
      cell.id,
      describeValues(cell.values),
      state.status,
      `${rows.length}/${Number.isInteger(generations) ? generations + 1 : '?'}`,
      `${dir}${state.error ? ` (${state.error})` : ''}${problem ? ` (${problem})` : ''}`,
    ]),
  };
}

function number(value: number): string {
  return Math.abs(value) >= 1e4 || (Math.abs(value) < 1e-3 && value !== 0) ? value.toExponential(3) : value.toPrecision(4);
}
