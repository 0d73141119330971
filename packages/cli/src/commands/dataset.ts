import { applySetOverride, encodePng, imageGrid, pathKeys, PluginRegistry, Rng, scatterPlot, withAbsolutePaths, type DataInfo, type Dataset, type DataSplit, type RgbImage } from '@ouroboros/core';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { buildContainer } from '../composition-root.ts';
import { bool, flags, integer, oneOf, text, texts } from '../options/flags.ts';
import { withFlags } from '../options/parse-flags.ts';

const datasetFlags = flags({ set: texts, split: oneOf(['train', 'test']), seed: integer, grid: text, json: bool, cache: text });

/** `ouro dataset ID [--set KEY=VALUE]... [--split S] [--seed N] [--grid FILE] [--json] [--cache DIR]`. */
export const dataset = withFlags(datasetFlags, async ([id], { set, split, seed, grid, json, cache }, { stdout, stderr }) =>
  describeDataset(
    {
      id: id!,
      sets: set,
      split: split ?? 'train',
      seed: seed ?? 0,
      json,
      ...(grid !== undefined ? { grid } : {}),
      ...(cache !== undefined ? { cache } : {}),
    },
    stdout,
    stderr,
  ),
);

export interface DatasetArgs {
  readonly id: string;
  readonly sets: readonly string[];
  readonly split: DataSplit;
  readonly seed: number;
  readonly grid?: string;
  readonly json: boolean;
  /** Where decoded images are cached; default `<tmp>/ouroboros-datasets`. */
  readonly cache?: string;
}

const GRID_IMAGES = 64;
const SCATTER_POINTS = 2000;

/** What one pass over a split finds. */
interface SplitSummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Samples per label, when the data has classes. */
  histogram?: number[];
  /** The first samples, for the grid. */
  head: number[];
}

/**
 * Loads a dataset exactly as a run with `--seed` would (the registry parses the
 * `--set` options, relative paths are taken from the working directory, the split is drawn from the
 * run's rng) and prints its size, sample shape, value range and class histogram; `--grid FILE`
 * writes the first 64 images as a PNG grid (vectors: a scatter plot of the first two coordinates).
 */
export async function describeDataset(args: DatasetArgs, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const registry = (await buildContainer()).resolve(PluginRegistry);
  const entry = args.sets.reduce(applySetOverride, { id: args.id }) as { id: string } & Record<string, unknown>;
  const options = withAbsolutePaths(entry, pathKeys(registry.get('dataset', args.id).options as z.ZodType), process.cwd());
  const bound = registry.bind('dataset', options, 'dataset');
  const dataset = bound.create({ cacheDir: args.cache ?? join(tmpdir(), 'ouroboros-datasets'), note: (message) => stderr.write(`note: ${message}\n`) });
  const { info } = dataset;
  const root = Rng.from(args.seed, 'experiment');
  const other: DataSplit = args.split === 'train' ? 'test' : 'train';
  const shown = await summarize(dataset, args.split, root, info);
  const counted = await summarize(dataset, other, root, info);
  if (args.grid) writeFileSync(args.grid, encodePng(picture(shown.head, info)));
  const classes = shown.histogram && Object.fromEntries(info.classes!.map((name, label) => [name, shown.histogram![label]!]));
  if (args.json) {
    const splits = { [args.split]: shown.count, [other]: counted.count };
    stdout.write(
      `${JSON.stringify({ id: args.id, options: bound.options, split: args.split, count: shown.count, splits, shape: info.sampleShape, kind: info.kind, dtype: info.dtype, range: [shown.min, shown.max], mean: shown.mean, classes: classes ?? null, ...(args.grid ? { grid: args.grid } : {}) }, null, 2)}\n`,
    );
    return 0;
  }
  const lines: Array<[string, string]> = [
    ['dataset', `${args.id} ${JSON.stringify(bound.options)}`],
    ['size', `${shown.count} ${args.split}, ${counted.count} ${other} (seed ${args.seed})`],
    ['sample shape', `${info.sampleShape.join(' x ')} ${info.dtype} (${info.kind})`],
    ['values', `${format(shown.min)} .. ${format(shown.max)}, mean ${format(shown.mean)}`],
  ];
  if (classes) lines.push(['classes', `${info.classes!.length}: ${Object.entries(classes).map(([name, n]) => `${name} ${n}`).join(', ')}`]);
  if (args.grid) lines.push(['grid', `${args.grid} (first ${Math.min(shown.count, info.kind === 'image' ? GRID_IMAGES : SCATTER_POINTS)} ${args.split} samples)`]);
  for (const [key, value] of lines) stdout.write(`${key.padEnd(14)} ${value}\n`);
  return 0;
}

async function summarize(dataset: Dataset, split: DataSplit, root: Rng, info: DataInfo): Promise<SplitSummary> {
  const size = info.sampleShape.reduce((a, b) => a * b, 1);
  const keep = (info.kind === 'image' ? GRID_IMAGES : SCATTER_POINTS) * size;
  const summary: SplitSummary = { count: 0, min: Infinity, max: -Infinity, mean: 0, head: [], ...(info.classes ? { histogram: new Array<number>(info.classes.length).fill(0) } : {}) };
  let sum = 0;
  for await (const chunk of dataset.split(split, root.fork('dataset', split))) {
    const values = chunk.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < summary.min) summary.min = v;
      if (v > summary.max) summary.max = v;
      sum += v;
    }
    for (let i = 0; i < values.length && summary.head.length < keep; i++) summary.head.push(values[i]!);
    if (summary.histogram && chunk.labels) for (const label of chunk.labels) summary.histogram[label] = (summary.histogram[label] ?? 0) + 1;
    summary.count += values.length / size;
  }
  summary.mean = summary.count > 0 ? sum / (summary.count * size) : NaN;
  return summary;
}

function picture(head: number[], info: DataInfo): RgbImage {
  const size = info.sampleShape.reduce((a, b) => a * b, 1);
  if (info.kind === 'image' && info.dtype === 'uint8') return imageGrid(Uint8Array.from(head), head.length / size, info.sampleShape);
  if (info.sampleShape.length === 1 && info.sampleShape[0]! >= 2) return scatterPlot([{ points: head, stride: size, rgb: [31, 119, 180] }]);
  throw new Error(`--grid: cannot draw samples of shape [${info.sampleShape.join(', ')}] (${info.dtype} ${info.kind}); expected uint8 images or vectors of 2 or more dimensions`);
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
