import { z } from 'zod';

/** The top-level keys that make an experiment config a sweep config; the rest is the base experiment. */
export const sweepKeys = ['matrix', 'include', 'exclude', 'seeds'] as const;

/** A map of dotted config fields (`schedule.lambda`, `metrics.0.k`) to the values a cell gives them. */
const assignments = z.record(z.string(), z.unknown());

/** The sweep part of a config file (next to the base experiment's fields). */
export const sweepSchema = z.strictObject({
  matrix: z.record(z.string(), z.array(z.unknown()).min(1, 'expected a non-empty list of values')).default({}).describe('Axes over any dotted config field, each a list of values; every combination is a cell (the first axis varies slowest).'),
  include: z.array(assignments).default([]).describe('Extra cells, each a map of dotted fields set over the base config; each runs for every seed unless it sets `seed`.'),
  exclude: z.array(assignments.refine((entry) => Object.keys(entry).length > 0, 'expected at least one field')).default([]).describe('Removes the matrix cells whose values equal every field of one entry (matrix axes and `seed`).'),
  seeds: z.union([z.int().min(1), z.array(z.int().min(0)).min(1)]).optional().describe('`N`: the seeds seed, seed+1, ..., seed+N-1 of the base config; or a list of seeds. Each cell runs once per seed.'),
});
export type SweepConfig = z.infer<typeof sweepSchema>;
