import { batchesOf } from './batches.ts';
import { allocate, sampleSize, type SampleArray, type SampleDtype, type SampleSource, type SampleStore } from './sample-store.ts';

/** One part of a training set: a store, or a subset of it given by row indices. */
export interface TrainingSegment {
  /** Where the samples come from, e.g. `real`, `gen-3`, `fresh-real`. */
  readonly name: string;
  readonly store: SampleStore;
  /** Rows of `store` to use, in order; all rows when absent. */
  readonly indices?: Uint32Array;
}

/** What a training set is made of, as written to `training-set.json`. */
export interface TrainingSetComposition {
  count: number;
  segments: Array<{ name: string; count: number; of: number }>;
}

/**
 * The concatenation of segments that a mixing schedule builds for one generation. It is labelled
 * when every segment is (real labelled data mixed with an unconditional model's samples is not).
 */
export class TrainingSet implements SampleSource {
  readonly dtype: SampleDtype;
  readonly sampleShape: readonly number[];
  readonly count: number;
  readonly labelled: boolean;
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
          `training set segment '${segment.name}' has ${s.dtype} [${s.sampleShape}] samples; expected ${first.dtype} [${first.sampleShape}] like '${segments[0]!.name}'`,
        );
      }
      this.starts.push(count);
      count += segmentCount(segment);
    }
    this.count = count;
    this.labelled = segments.every((s) => s.store.labelled);
  }

  composition(): TrainingSetComposition {
    return {
      count: this.count,
      segments: this.segments.map((s) => ({ name: s.name, count: segmentCount(s), of: s.store.count })),
    };
  }

  async read(start: number, end: number): Promise<SampleArray> {
    if (start < 0 || end > this.count || start > end) throw new RangeError(`training set: cannot read samples ${start}..${end} of ${this.count}`);
    const order = new Uint32Array(end - start);
    for (let i = 0; i < order.length; i++) order[i] = start + i;
    return this.gather(order);
  }

  async readAll(): Promise<SampleArray> {
    return this.read(0, this.count);
  }

  /** Samples at training-set positions `positions`, in order. */
  async gather(positions: ArrayLike<number>): Promise<SampleArray> {
    const size = sampleSize(this);
    const out = allocate(this.dtype, positions.length * size);
    await this.bySegment(positions, async (store, rows, slots) => {
      const data = await store.gather(rows);
      for (let j = 0; j < slots.length; j++) out.set(data.subarray(j * size, (j + 1) * size), slots[j]! * size);
    });
    return out;
  }

  async gatherLabels(positions: ArrayLike<number>): Promise<Int32Array> {
    if (!this.labelled) throw new Error(`training set (${this.segments.map((s) => s.name).join(' + ')}): not every segment has labels`);
    const out = new Int32Array(positions.length);
    await this.bySegment(positions, async (store, rows, slots) => {
      const labels = await store.gatherLabels(rows);
      for (let j = 0; j < slots.length; j++) out[slots[j]!] = labels[j]!;
    });
    return out;
  }

  batches(batchSize: number, order?: Uint32Array): AsyncIterable<SampleArray> {
    return batchesOf(this, batchSize, order);
  }

  /** Splits positions by segment: `visit(store, rows of that store, output slots)` once per segment touched. */
  private async bySegment(positions: ArrayLike<number>, visit: (store: SampleStore, rows: number[], slots: number[]) => Promise<void>): Promise<void> {
    const perSegment = this.segments.map(() => ({ rows: [] as number[], slots: [] as number[] }));
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (p < 0 || p >= this.count) throw new RangeError(`training set position ${p} out of range 0..${this.count - 1}`);
      const s = this.segmentOf(p);
      const local = p - this.starts[s]!;
      const indices = this.segments[s]!.indices;
      perSegment[s]!.rows.push(indices ? indices[local]! : local);
      perSegment[s]!.slots.push(i);
    }
    for (let s = 0; s < this.segments.length; s++) {
      const { rows, slots } = perSegment[s]!;
      if (rows.length > 0) await visit(this.segments[s]!.store, rows, slots);
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
