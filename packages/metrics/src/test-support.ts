import { SampleStore, type DataInfo, type GenerativeModel, type MetricEnv } from '@ouroboros/core';

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

/** A model that is never asked for anything: metrics on samples alone do not touch it. */
export const unusedModel: GenerativeModel = {
  fit: () => Promise.reject(new Error('unused')),
  sample: () => {
    throw new Error('unused');
  },
  save: () => Promise.reject(new Error('unused')),
  dispose: () => {},
};

