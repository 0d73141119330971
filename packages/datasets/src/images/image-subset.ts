import type { DataSplit, Rng } from '@ouroboros/core';
import { z } from 'zod';

/** Zod field `split`, for datasets that come with an official train/test split. */
export const officialSplitShape = {
  split: z.enum(['train', 'test']).default('train').describe('The official split that becomes the training set D; the other one is the held-out test split.'),
};

/** Zod fields `classes`, `limit` and `testLimit`, spread into each image dataset's options schema. */
export const subsetShape = {
  classes: z.array(z.union([z.string().min(1), z.int().min(0)])).min(1).optional().describe("Keep only these classes (names or label numbers); labels become 0..k-1 in the dataset's class order."),
  limit: z.int().positive().optional().describe("At most this many training images, drawn without replacement from the run's seed."),
  testLimit: z.int().positive().optional().describe('At most this many test images, drawn the same way.'),
};

/** Which rows of a split a run uses: the kept classes (sorted label numbers) and the size limits. */
export interface Subset {
  readonly keep?: readonly number[];
  readonly limit?: number;
  readonly testLimit?: number;
}

/**
 * The label numbers of `requested` (class names or numbers) among `names`, sorted and without
 * repeats; undefined when nothing is requested. Throws naming `source` and the known classes.
 */
export function resolveClasses(requested: ReadonlyArray<string | number> | undefined, names: readonly string[] | undefined, source: string): number[] | undefined {
  if (requested === undefined) return undefined;
  if (!names) throw new Error(`${source}: classes = ${JSON.stringify(requested)}, but these images have no labels; expected no classes option`);
  const known = `expected names from ${names.join(', ')} or numbers 0-${names.length - 1}`;
  const labels = requested.map((c) => {
    const label = typeof c === 'number' ? c : names.indexOf(c);
    if (label < 0 || label >= names.length) throw new Error(`${source}: classes has ${JSON.stringify(c)}, which is not a class; ${known}`);
    return label;
  });
  return [...new Set(labels)].sort((a, b) => a - b);
}

/** The names of the kept classes, in label order. */
export function keptClassNames(names: readonly string[] | undefined, keep: readonly number[] | undefined): string[] | undefined {
  if (!names) return undefined;
  return keep ? keep.map((label) => names[label]!) : [...names];
}

/** The limit that applies to `split`. */
export function limitOf(subset: Subset, split: DataSplit): number | undefined {
  return split === 'train' ? subset.limit : subset.testLimit;
}

/** Rows whose label is kept (all rows without `keep`), ascending. */
export function keptRows(count: number, labels: Int32Array | undefined, keep: readonly number[] | undefined): Uint32Array {
  if (!keep || !labels) return Uint32Array.from({ length: count }, (_, i) => i);
  const kept = new Set(keep);
  const rows: number[] = [];
  for (let i = 0; i < count; i++) if (kept.has(labels[i]!)) rows.push(i);
  return Uint32Array.from(rows);
}

/**
 * The rows a split uses: the rows of the kept classes, then, when there are more than `limit`, the
 * first `limit` of a uniformly random permutation of them drawn from `rng` (Fisher-Yates), put
 * back in file order. The same rng always picks the same rows.
 */
export function subsetRows(count: number, labels: Int32Array | undefined, keep: readonly number[] | undefined, limit: number | undefined, rng: Rng): Uint32Array {
  const rows = keptRows(count, labels, keep);
  if (limit === undefined || limit >= rows.length) return rows;
  const picked = rng.choose(rows.length, limit).map((i) => rows[i]!);
  return picked.sort();
}

/** How many rows `subsetRows` gives, without drawing. */
export function subsetCount(count: number, labels: Int32Array | undefined, keep: readonly number[] | undefined, limit: number | undefined): number {
  const kept = keptRows(count, labels, keep).length;
  return limit === undefined ? kept : Math.min(limit, kept);
}

/** `labels` renumbered so that kept label keep[i] becomes i. */
export function relabel(labels: Int32Array, keep: readonly number[] | undefined): Int32Array {
  if (!keep) return labels;
  const position = new Map(keep.map((label, i) => [label, i]));
  return labels.map((label) => position.get(label) ?? -1);
}
