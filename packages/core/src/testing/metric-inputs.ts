import type { DataInfo } from '../contracts/dataset.ts';
import type { FeatureSet, MetricEnv, MetricInput } from '../contracts/metric.ts';
import type { GenerativeModel } from '../contracts/model.ts';
import { gaussianMoments, MomentAccumulator } from '../linalg/moments.ts';
import { SampleStore, type SampleSource } from '../store/sample-store.ts';

/** A float32 store of `rows` (each a d-vector) under `dir`, for tests. */
export async function vectorStore(dir: string, rows: number[][]): Promise<SampleStore> {
  const d = rows[0]!.length;
  return SampleStore.write(dir, { dtype: 'float32', sampleShape: [d] }, Float32Array.from(rows.flat()));
}

/**
 * Float32 rows of `sampleShape` held in memory behind the SampleSource contract a training set gives
 * a model: for tests that fit thousands of tiny sets, where real stores would cost fsyncs each.
 */
export function memorySource(data: Float32Array, sampleShape: readonly number[]): SampleSource {
  const width = sampleShape.reduce((a, b) => a * b, 1);
  const rows = (indices: ArrayLike<number>) => {
    const out = new Float32Array(indices.length * width);
    Array.from(indices).forEach((row, k) => out.set(data.subarray(row * width, (row + 1) * width), k * width));
    return out;
  };
  return {
    dtype: 'float32',
    sampleShape: [...sampleShape],
    count: data.length / width,
    labelled: false,
    read: async (start, end) => data.slice(width * start, width * end),
    gather: async (indices) => rows(indices),
    gatherLabels: () => Promise.reject(new Error('memorySource: unlabelled')),
    async *batches(batchSize) {
      for (let start = 0; width * start < data.length; start += batchSize) yield data.slice(width * start, width * (start + batchSize));
    },
  };
}

/** The DataInfo of float32 d-vectors. */
export function vectorInfo(d: number): DataInfo {
  return { kind: 'vector', dtype: 'float32', sampleShape: [d], trainCount: 0, testCount: 0 };
}

/** A MetricEnv over d-vectors that records its notes. */
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
