import type { Rng } from '../rng/rng.ts';

/** For each query row, the majority class of its k nearest reference rows and the share of the k that have it. */
export function knnVotes(queries: Float32Array, reference: Float32Array, labels: Int32Array, classes: number, k: number, dims: number): { label: Int32Array; confidence: Float64Array } {
  const n = queries.length / dims;
  const m = reference.length / dims;
  const kk = Math.min(k, m);
  const label = new Int32Array(n);
  const confidence = new Float64Array(n);
  const distances = new Float64Array(m);
  const order = new Uint32Array(m);
  const votes = new Int32Array(classes);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let d = 0; d < dims; d++) s += (queries[i * dims + d]! - reference[j * dims + d]!) ** 2;
      distances[j] = s;
      order[j] = j;
    }
    const nearest = order.sort((a, b) => distances[a]! - distances[b]! || a - b).subarray(0, kk);
    votes.fill(0);
    for (const j of nearest) votes[labels[j]!]!++;
    let best = 0;
    for (let c = 1; c < classes; c++) if (votes[c]! > votes[best]!) best = c;
    label[i] = best;
    confidence[i] = votes[best]! / kk;
  }
  return { label, confidence };
}

/** k-means (Lloyd's iterations from a k-means++ start, Arthur & Vassilvitskii 2007): the cluster of each row. */
export function kMeansLabels(x: Float32Array, clusters: number, dims: number, rng: Rng, iterations = 50): Int32Array {
  const n = x.length / dims;
  const centres = new Float64Array(clusters * dims);
  const nearest = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let c = 0; c < clusters; c++) {
    for (let d = 0; d < dims; d++) centres[c * dims + d] = x[pick * dims + d]!;
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i]!, squaredDistance(x, i, centres, c, dims));
      total += nearest[i]!;
    }
    let u = rng.uniform() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) if ((u -= nearest[i]!) < 0) { pick = i; break; }
  }
  const label = new Int32Array(n);
  for (let it = 0; it < iterations; it++) {
    let changed = it === 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < clusters; c++) if (squaredDistance(x, i, centres, c, dims) < squaredDistance(x, i, centres, best, dims)) best = c;
      if (label[i] !== best) changed = true;
      label[i] = best;
    }
    if (!changed) break;
    const sums = new Float64Array(clusters * dims);
    const counts = new Int32Array(clusters);
    for (let i = 0; i < n; i++) {
      counts[label[i]!]!++;
      for (let d = 0; d < dims; d++) sums[label[i]! * dims + d]! += x[i * dims + d]!;
    }
    for (let c = 0; c < clusters; c++) if (counts[c]! > 0) for (let d = 0; d < dims; d++) centres[c * dims + d] = sums[c * dims + d]! / counts[c]!;
  }
  return label;
}

function squaredDistance(x: Float32Array, i: number, centres: Float64Array, c: number, dims: number): number {
  let s = 0;
  for (let d = 0; d < dims; d++) s += (x[i * dims + d]! - centres[c * dims + d]!) ** 2;
  return s;
}
