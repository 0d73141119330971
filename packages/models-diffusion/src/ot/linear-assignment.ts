/**
 * An exact solution of the linear assignment problem: the permutation σ minimising Σ_i C[i, σ(i)]
 * over a square n × n cost matrix (row-major, float64). Shortest augmenting paths with dual
 * potentials (Kuhn-Munkres in the O(n³) form of Jonker & Volgenant 1987 and Edmonds & Karp 1972):
 * each row is added by a Dijkstra-like search over reduced costs C[i, j] − u_i − v_j ≥ 0, then
 * the path is flipped. It starts from Jonker & Volgenant's column reduction, which matches most rows
 * at once on random costs. Returns σ as `rowToColumn[i]`.
 */
export function linearAssignment(costs: ArrayLike<number>, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || costs.length !== n * n) throw new RangeError(`linearAssignment: cost must hold n × n = ${n * n} values, got ${costs.length}`);
  for (let k = 0; k < costs.length; k++) if (!Number.isFinite(costs[k]!)) throw new RangeError(`linearAssignment: cost[${Math.floor(k / n)}, ${k % n}] = ${costs[k]}; every cost must be finite`);
  const cost = costs instanceof Float64Array ? costs : Float64Array.from(costs);
  // 1-based rows and columns; column 0 is the virtual start of each search. rowOf[j]: the row matched to column j (0: none).
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOf = new Int32Array(n + 1);
  const previous = new Int32Array(n + 1);
  const minReduced = new Float64Array(n + 1);
  const visited = new Uint8Array(n + 1);
  const matched = columnReduction(cost, n, v, rowOf);
  for (let row = 1; row <= n; row++) {
    if (matched[row]) continue;
    rowOf[0] = row;
    let column = 0;
    minReduced.fill(Infinity);
    visited.fill(0);
    do {
      visited[column] = 1;
      const i = rowOf[column]!;
      const rowStart = (i - 1) * n - 1;
      const ui = u[i]!;
      let delta = Infinity;
      let nextColumn = 0;
      for (let j = 1; j <= n; j++) {
        if (visited[j]) continue;
        const reduced = cost[rowStart + j]! - ui - v[j]!;
        if (reduced < minReduced[j]!) {
          minReduced[j] = reduced;
          previous[j] = column;
        }
        if (minReduced[j]! < delta) {
          delta = minReduced[j]!;
          nextColumn = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (visited[j]) {
          u[rowOf[j]!]! += delta;
          v[j]! -= delta;
        } else {
          minReduced[j]! -= delta;
        }
      }
      column = nextColumn;
    } while (rowOf[column] !== 0);
    // Flip the augmenting path back to the virtual column 0.
    do {
      const before = previous[column]!;
      rowOf[column] = rowOf[before]!;
      column = before;
    } while (column !== 0);
  }
  const rowToColumn = new Int32Array(n);
  for (let j = 1; j <= n; j++) rowToColumn[rowOf[j]! - 1] = j - 1;
  return rowToColumn;
}

/**
 * Jonker & Volgenant's column reduction: v_j = min_i C[i, j], and column j is matched to its cheapest
 * row when that row is still free. With u = 0 every reduced cost is ≥ 0 and every match is tight, the
 * state the augmentation needs. Fills v and rowOf (1-based); returns which rows are matched.
 */
function columnReduction(cost: Float64Array, n: number, v: Float64Array, rowOf: Int32Array): Uint8Array {
  const matched = new Uint8Array(n + 1);
  for (let j = n; j >= 1; j--) {
    let best = 1;
    for (let i = 2; i <= n; i++) if (cost[(i - 1) * n + (j - 1)]! < cost[(best - 1) * n + (j - 1)]!) best = i;
    v[j] = cost[(best - 1) * n + (j - 1)]!;
    if (!matched[best]) {
      matched[best] = 1;
      rowOf[j] = best;
    }
  }
  return matched;
}

/** Σ_i C[i, σ(i)]. */
export function assignmentCost(cost: ArrayLike<number>, n: number, rowToColumn: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += cost[i * n + rowToColumn[i]!]!;
  return total;
}
