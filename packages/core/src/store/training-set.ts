import { allocate, sampleSize, type SampleArray, type SampleDtype, type SampleSource, type SampleStore } from './sample-store.ts';

/** One part of a training set: a store, or a subset of it given by indices. */
export interface TrainingSegment {
  /** Where the samples come from, e.g. `real`, `gen-3`, `fresh-real`. */
  readonly label: string;
  readonly store: SampleStore;
  /** Rows of `store` to use, in order; all rows when absent. */
  readonly indices?: Uint32Array;
}

/** What a training set is made of, as written to `training-set.json`. */
export interface TrainingSetComposition {
  count: number;
  segments: Array<{ label: string; count: number; of: number }>;
}

/** The concatenation of segments that a mixing schedule builds for one generation. */
export class TrainingSet implements SampleSource {
  readonly dtype: SampleDtype;
  readonly sampleShape: readonly number[];
  readonly count: number;
  private readonly starts: number[] = [];

  constructor(readonly segments: readonly TrainingSegment[]) {
    if (segments.length === 0) throw new Error('a training set needs at least one segment');
    const first = segments[0]!.store;
    this.dtype = first.dtype;
    this.sampleShape = first.sampleShape;
    let count = 0;
    for (const segment of segments) {
      const s = segment.store;
      if (s.dtype !== first.dtype || s.sampleShape.join('x') !== first.sampleShape.join('x')) {
        throw new Error(
          `training set segment '${segment.label}' has ${s.dtype} [${s.sampleShape}] samples; expected ${first.dtype} [${first.sampleShape}] like '${segments[0]!.label}'`,
        );
      }
      this.starts.push(count);
      count += segmentCount(segment);
    }
    this.count = count;
  }

  composition(): TrainingSetComposition {
    return {
      count: this.count,
      segments: this.segments.map((s) => ({ label: s.label, count: segmentCount(s), of: s.store.count })),
    };
  }

  async read(start: number, end: number): Promise<SampleArray> {
    const order = new Uint32Array(end - start);
    for (let i = 0; i < order.length; i++) order[i] = start + i;
    return this.gather(order);
  }

  /** Samples at training-set positions `positions`, in order. */
  async gather(positions: Uint32Array): Promise<SampleArray> {
    const size = sampleSize(this);
    const out = allocate(this.dtype, positions.length * size);
    const perSegment = this.segments.map(() => ({ rows: [] as number[], slots: [] as number[] }));
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (p >= this.count) throw new RangeError(`training set position ${p} out of range 0..${this.count - 1}`);
      const s = this.segmentOf(p);
      const local = p - this.starts[s]!;
      const indices = this.segments[s]!.indices;
      perSegment[s]!.rows.push(indices ? indices[local]! : local);
      perSegment[s]!.slots.push(i);
    }
    for (let s = 0; s < this.segments.length; s++) {
      const { rows, slots } = perSegment[s]!;
      if (rows.length === 0) continue;
      const data = await this.segments[s]!.store.gather(rows);
      for (let j = 0; j < slots.length; j++) out.set(data.subarray(j * size, (j + 1) * size), slots[j]! * size);
    }
    return out;
  }

  async readAll(): Promise<SampleArray> {
    return this.read(0, this.count);
  }

  async *batches(batchSize: number, order?: Uint32Array): AsyncIterable<SampleArray> {
    for (let start = 0; start < this.count; start += batchSize) {
      const end = Math.min(this.count, start + batchSize);
      yield order ? await this.gather(order.subarray(start, end)) : await this.read(start, end);
    }
  }

  private segmentOf(position: number): number {
    let s = this.starts.length - 1;
    while (this.starts[s]! > position) s--;
    return s;
  }
}

function segmentCount(segment: TrainingSegment): number {
  return segment.indices ? segment.indices.length : segment.store.count;
}
