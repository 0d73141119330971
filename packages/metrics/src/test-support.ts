import { gaussianMoments, MomentAccumulator, SampleStore, type DataInfo, type FeatureSet, type GenerativeModel, type MetricEnv, type MetricInput } from '@ouroboros/core';

/** A float32 store of `rows` (each a d-vector) under `dir`, for tests. */
export async function vectorStore(dir: string, rows: number[][]): Promise<SampleStore> {
  const d = rows[0]!.length;
  return SampleStore.write(dir, { dtype: 'float32', sampleShape: [d] }, Float32Array.from(rows.flat()));
}

export function vectorInfo(d: number): DataInfo {
  return { kind: 'vector', dtype: 'float32', sampleShape: [d], trainCount: 0, testCount: 0 };
}

/** A MetricEnv that records its notes. */
export function recordingEnv(d: number): MetricEnv & { notes: string[] } {
  const notes: string[] = [];
  return { data: vectorInfo(d), note: (message) => notes.push(message), notes };
}

/** The samples of a float32 store as their own features (the identity extractor). */
export function identityFeatures(store: SampleStore): FeatureSet {
  return {
    store,
    dim: store.sampleShape[0]!,
    moments: async () => {
      const acc = new MomentAccumulator(store.sampleShape[0]!);
      for await (const batch of store.batches(4096)) acc.add(batch);
      return gaussianMoments(acc, 1);
    },
  };
}

/** A metric input over two vector stores whose features are the samples themselves, under the extractor name `extractor`. */
export function metricInput(reference: SampleStore, generated: SampleStore, model: GenerativeModel = unusedModel, extractor = 'identity'): MetricInput {
  return {
    reference,
    referenceSplit: 'test',
    generated,
    model,
    modelId: 'test-model',
    data: vectorInfo(reference.sampleShape[0]!),
    features: async () => ({ extractor, reference: identityFeatures(reference), generated: identityFeatures(generated) }),
  };
}

/** A model that is never asked for anything: metrics on samples alone do not touch it. */
export const unusedModel: GenerativeModel = {
  fit: () => Promise.reject(new Error('unused')),
  sample: () => {
    throw new Error('unused');
  },
  save: () => Promise.reject(new Error('unused')),
  dispose: () => {},
};

const squaredDistance = (a: readonly number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);

/** The k-th smallest squared distance from each row to the other rows of its set, in float64. */
export function bruteForceRadii(rows: readonly number[][], k: number): number[] {
  return rows.map((a, i) => rows.filter((_, j) => j !== i).map((b) => squaredDistance(a, b)).sort((x, y) => x - y)[k - 1]!);
}

/**
 * Precision and recall (k = 3, closed balls; Kynkaanniemi et al. 2019) and density and coverage
 * (k = 5, open balls; Naeem et al. 2020) by brute force over float64 distances: the reference the
 * metrics are checked against.
 */
export function bruteForceNeighbourMetrics(real: readonly number[][], fake: readonly number[][]): { precision: number; recall: number; density: number; coverage: number } {
  const d = real.map((r) => fake.map((f) => squaredDistance(r, f)));
  const [real3, fake3, real5] = [bruteForceRadii(real, 3), bruteForceRadii(fake, 3), bruteForceRadii(real, 5)];
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  return {
    precision: mean(fake.map((_, j) => (real.some((_, i) => d[i]![j]! <= real3[i]!) ? 1 : 0))),
    recall: mean(real.map((_, i) => (fake.some((_, j) => d[i]![j]! <= fake3[j]!) ? 1 : 0))),
    density: mean(fake.map((_, j) => real.filter((_, i) => d[i]![j]! < real5[i]!).length / 5)),
    coverage: mean(real.map((_, i) => (Math.min(...d[i]!) < real5[i]! ? 1 : 0))),
  };
}
