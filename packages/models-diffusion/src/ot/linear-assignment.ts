/**
 * An exact solution of the linear assignment problem: the permutation σ minimising Σ_i C[i, σ(i)]
 * over a square n × n cost matrix (row-major, float64). Shortest augmenting paths with dual
 * potentials (Kuhn-Munkres in the O(n³) form of Jonker & Volgenant 1987 and Edmonds & Karp 1972):
 * each row is added by a Dijkstra-like search over reduced costs C[i, j] − u_i − v_j ≥ 0, then
 * the path is flipped. Returns σ as `rowToColumn[i]`.
 */
export function linearAssignment(cost: ArrayLike<number>, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || cost.length !== n * n) throw new RangeError(`linearAssignment: cost must hold n × n = ${n * n} values, got ${cost.length}`);
  for (let k = 0; k < cost.length; k++) if (!Number.isFinite(cost[k]!)) throw new RangeError(`linearAssignment: cost[${Math.floor(k / n)}, ${k % n}] = ${cost[k]}; every cost must be finite`);
  // 1-based rows and columns; column 0 is the virtual start of each search. rowOf[j]: the row matched to column j (0: none).
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOf = new Int32Array(n + 1);
  const previous = new Int32Array(n + 1);
  const minReduced = new Float64Array(n + 1);
  const visited = new Uint8Array(n + 1);
  for (let row = 1; row <= n; row++) {
    rowOf[0] = row;
    let column = 0;
    minReduced.fill(Infinity);
    visited.fill(0);
    do {
      visited[column] = 1;
      const i = rowOf[column]!;
      let delta = Infinity;
      let nextColumn = 0;
      for (let j = 1; j <= n; j++) {
        if (visited[j]) continue;
        const reduced = cost[(i - 1) * n + (j - 1)]! - u[i]! - v[j]!;
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

/** Σ_i C[i, σ(i)]. */
export function assignmentCost(cost: ArrayLike<number>, n: number, rowToColumn: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += cost[i * n + rowToColumn[i]!]!;
  return total;
}
