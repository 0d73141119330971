import type { Rng, SampleArray, SampleSource } from '@ouroboros/core';

/** The stored samples (and labels, for a labelled source) of one training step. */
export interface RawBatch {
  readonly values: SampleArray;
  readonly labels?: Int32Array;
  readonly count: number;
}

/**
 * Mini-batches addressed by step: step k reads batch k mod E of epoch floor(k / E), E =
 * ceil(n / batchSize), each epoch in the order `rng.fork('epoch', e).permutation(n)` (the last batch
 * of an epoch may be smaller). Any step can be read without the ones before it, which is what makes a
 * fit resumed from a checkpoint see the same data. The next `readAhead` batches are read while the
 * current step computes.
 */
export class MiniBatches {
  readonly stepsPerEpoch: number;
  private readonly pending = new Map<number, Promise<RawBatch>>();
  private order: { epoch: number; permutation: Uint32Array } | null = null;

  constructor(
    private readonly source: SampleSource,
    readonly batchSize: number,
    private readonly rng: Rng,
    private readonly readAhead = 2,
  ) {
    if (source.count === 0) throw new RangeError('training set has 0 samples; expected at least one');
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`batchSize = ${batchSize}; expected a positive integer`);
    this.stepsPerEpoch = Math.ceil(source.count / batchSize);
  }

  /** Steps of `epochs` passes over the data (fractions allowed, at least one step). */
  stepsFor(epochs: number): number {
    return Math.max(1, Math.ceil(epochs * this.stepsPerEpoch));
  }

  /** The batch of step `step`. */
  async at(step: number): Promise<RawBatch> {
    const batch = this.pending.get(step) ?? this.read(step);
    this.pending.delete(step);
    for (const key of this.pending.keys()) if (key < step) this.pending.delete(key);
    for (let ahead = step + 1; ahead <= step + this.readAhead; ahead++) if (!this.pending.has(ahead)) this.pending.set(ahead, this.read(ahead));
    return batch;
  }

  /** Positions of step `step`'s samples in the training set. */
  positions(step: number): Uint32Array {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    if (this.order?.epoch !== epoch) this.order = { epoch, permutation: this.rng.fork('epoch', epoch).permutation(this.source.count) };
    const start = (step % this.stepsPerEpoch) * this.batchSize;
    return this.order.permutation.subarray(start, Math.min(this.source.count, start + this.batchSize));
  }

  private async read(step: number): Promise<RawBatch> {
    const positions = this.positions(step).slice();
    const [values, labels] = await Promise.all([this.source.gather(positions), this.source.labelled ? this.source.gatherLabels(positions) : undefined]);
    return { values, count: positions.length, ...(labels ? { labels } : {}) };
  }
}
