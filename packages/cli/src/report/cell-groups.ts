import { canonicalJson, getField } from '@ouroboros/core';
import { describeValues, formatValue } from '../sweep/axis-label.ts';
import type { CellResult } from './sweep-results.ts';

/** Cells that differ only in their seed: one line of the report, in one panel. */
export interface CellGroup {
  /** The line's label: the cell's value of the `by` axis (or what an included cell sets instead). */
  readonly line: string;
  /** The panel's label: its values of the other matrix axes ('' with none). */
  readonly panel: string;
  readonly cells: readonly CellResult[];
}

export interface Grouping {
  /** The axis lines are coloured by, or null when the sweep has no axis but seed. */
  readonly by: string | null;
  /** Matrix axes other than `by` (and the fields inside or around it) and seed: one panel per combination. */
  readonly panelAxes: readonly string[];
  readonly groups: readonly CellGroup[];
}

/** The default `by`: the lambda axis when there is one (matrix first), else the first matrix axis. */
export function defaultAxis(axes: readonly string[], matrixAxes: readonly string[]): string | null {
  const lambda = (list: readonly string[]) => list.find((axis) => axis.split('.').at(-1) === 'lambda');
  return lambda(matrixAxes) ?? lambda(axes.filter((a) => a !== 'seed')) ?? matrixAxes[0] ?? axes.find((a) => a !== 'seed') ?? null;
}

/**
 * Groups cells into lines (same values on every axis but seed), labelled by their value of `by`
 * (read from the config, so an included cell that replaces the field is labelled by what it sets)
 * and placed in panels by the other matrix axes, in the sweep's cell order.
 */
export function groupCells(cells: readonly CellResult[], axes: readonly string[], by: string | null): Grouping {
  const matrixAxes = [...new Set(cells.filter((c) => c.cell.origin === 'matrix').flatMap((c) => Object.keys(c.cell.values)))].filter((a) => a !== 'seed');
  const panelAxes = matrixAxes.filter((axis) => !related(axis, by));
  const groups = new Map<string, { line: string; panel: string; cells: CellResult[] }>();
  for (const result of cells) {
    const { seed: _seed, ...own } = result.cell.values;
    const value = by === null ? undefined : getField(result.config, by.split('.'));
    const line = lineLabel(own, value, by, panelAxes, result.cell.origin === 'matrix');
    const panel = panelAxes.map((axis) => `${axis}=${formatValue(getField(result.config, axis.split('.')))}`).join(' ');
    const key = canonicalJson([panel, line, axes.filter((a) => a !== 'seed').map((a) => getField(result.config, a.split('.')))]);
    const group = groups.get(key) ?? { line, panel, cells: [] };
    group.cells.push(result);
    groups.set(key, group);
  }
  return { by, panelAxes, groups: [...groups.values()] };
}

/** `by` itself, a field inside it (schedule.lambda when lines are by schedule) or around it: says nothing beside `by`. */
function related(axis: string, by: string | null): boolean {
  return by !== null && (axis === by || axis.startsWith(`${by}.`) || by.startsWith(`${axis}.`));
}

/**
 * A line's label: its value of `by` ("0.5"), with what an included cell sets besides in brackets
 * ("1 (sampling.count=5)") so that no two groups share a label; for an included cell that leaves
 * `by` alone, what it sets instead ("fully-synthetic", "generations=10").
 */
function lineLabel(own: Record<string, unknown>, value: unknown, by: string | null, panelAxes: readonly string[], fromMatrix: boolean): string {
  const setsBy = Object.keys(own).some((axis) => related(axis, by));
  if (value !== undefined && (fromMatrix || setsBy)) {
    const others = Object.entries(own).filter(([axis]) => !panelAxes.includes(axis) && !related(axis, by));
    return others.length === 0 ? formatValue(value) : `${formatValue(value)} (${describeValues(Object.fromEntries(others))})`;
  }
  const rest = Object.entries(own).filter(([axis]) => !panelAxes.includes(axis));
  if (rest.length === 0) return 'base';
  const [only] = rest;
  const pluginEntry = rest.length === 1 && typeof only![1] === 'object' && only![1] !== null && typeof (only![1] as { id?: unknown }).id === 'string';
  return pluginEntry ? formatValue(only![1]) : describeValues(Object.fromEntries(rest));
}

/** The metrics in the histories, in order of first appearance (bookkeeping fields aside). */
export function metricNames(cells: readonly CellResult[]): string[] {
  const names = new Set<string>();
  for (const { rows } of cells) for (const row of rows) for (const key of Object.keys(row)) if (key !== 'generation' && key !== 'seconds') names.add(key);
  return [...names];
}

/** Mean and sample standard deviation (n - 1; 0 for one value). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}

/** One point of a curve: a group's metric at one generation over the seeds that reached it. */
export interface CurvePoint {
  readonly line: string;
  readonly panel: string;
  readonly generation: number;
  readonly mean: number;
  readonly std: number;
  /** The smallest and largest value over the seeds: a band that never leaves the metric's range. */
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
}

/** One cell's own value of a metric at one generation (the thin per-seed lines). */
export interface SeedPoint {
  readonly line: string;
  readonly panel: string;
  readonly cell: string;
  readonly generation: number;
  readonly value: number;
}

/** Every cell's finite values of `metric`, by generation. */
export function seedPoints(groups: readonly CellGroup[], metric: string): SeedPoint[] {
  return groups.flatMap((group) =>
    group.cells.flatMap(({ cell, rows }) =>
      rows.filter((row) => row[metric] !== undefined && Number.isFinite(row[metric])).map((row) => ({ line: group.line, panel: group.panel, cell: cell.id, generation: row.generation!, value: row[metric]! })),
    ),
  );
}

/** Every group's curve of `metric`: mean, std and min-max over its cells at each generation they have it. */
export function curve(groups: readonly CellGroup[], metric: string): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const group of groups) {
    const byGeneration = new Map<number, number[]>();
    for (const { generation, value } of seedPoints([group], metric)) byGeneration.set(generation, [...(byGeneration.get(generation) ?? []), value]);
    for (const [generation, values] of [...byGeneration].sort(([a], [b]) => a - b)) {
      const { mean, std } = meanStd(values);
      points.push({ line: group.line, panel: group.panel, generation, mean, std, lo: Math.min(...values), hi: Math.max(...values), n: values.length });
    }
  }
  return points;
}

/** A group's final value of a metric: each cell's last row that has it; mean, std and min-max over cells. */
export function finalValue(group: CellGroup, metric: string): { mean: number; std: number; min: number; max: number; n: number; generations: number[] } | null {
  const finals = group.cells.map(({ rows }) => [...rows].reverse().find((row) => row[metric] !== undefined && Number.isFinite(row[metric]))).filter((row) => row !== undefined);
  if (finals.length === 0) return null;
  const values = finals.map((row) => row[metric]!);
  return { ...meanStd(values), min: Math.min(...values), max: Math.max(...values), n: finals.length, generations: [...new Set(finals.map((row) => row.generation!))] };
}
