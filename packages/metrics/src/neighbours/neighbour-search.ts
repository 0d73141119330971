import { z } from 'zod';
import { PROJECTION_DIMS } from './projection-basis.ts';

/**
 * How the distances are searched. `exhaustive`: every distance, float32 matMul blocks (as numpy's
 * |a|^2 + |b|^2 - 2 a.b). `pruned`: bounds from a projection on a few principal directions decide
 * most pairs, and the rest are computed exactly in float64; the same decisions up to float32
 * rounding at a ball's boundary. `auto`: pruned for wide features, back to exhaustive as soon as
 * the bounds leave too many pairs undecided.
 */
export const neighbourSearchOption = z.enum(['auto', 'exhaustive', 'pruned']).default('auto');
export type NeighbourSearch = z.infer<typeof neighbourSearchOption>;

/** One exact float64 distance costs about as much as 30 distances in float32 matMul blocks. */
const EXACT_SHARE_LIMIT = 1 / 32;
/** Rows seen before the share is judged. */
const JUDGED_AFTER_ROWS = 8;

/**
 * The share of pairs a pruned pass computed exactly. Under `auto` the pass gives up as soon as it
 * exceeds EXACT_SHARE_LIMIT (after a few rows), so that features far from any low-dimensional
 * subspace cost little more than the exhaustive search they fall back to.
 */
export class ExactShare {
  exact = 0;
  private pairs = 0;
  private rows = 0;

  constructor(private readonly mayGiveUp: boolean) {}

  /** After a row of `cols` pairs: false when the pass should give up. */
  rowDone(cols: number): boolean {
    this.pairs += cols;
    this.rows++;
    return !this.mayGiveUp || this.rows < JUDGED_AFTER_ROWS || this.exact <= EXACT_SHARE_LIMIT * this.pairs;
  }
}

/** Whether to try the pruned search: `auto` only where a projection saves most of the work. */
export function triesPruning(search: NeighbourSearch, dim: number, count: number): boolean {
  if (search !== 'auto') return search === 'pruned';
  return dim >= 4 * PROJECTION_DIMS && count >= 1000;
}
