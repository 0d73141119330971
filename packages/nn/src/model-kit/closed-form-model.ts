import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import type { FitReport, GenerativeModel, Rng, RunContext, SampleSource, TrainBudget } from '@ouroboros/core';

/**
 * The shell every model fitted in closed form shares (no optimizer, nothing to warm-start): its
 * fitted state or none, sampling in batches of `sampleBatch` with progress, the guard naming a call
 * made before any fit or load, saving into a created folder, exact likelihood. A family supplies
 * `estimate` (the state of a training set), `draw` (rows of samples of a state, every draw from the
 * given rng), `write` (the state's files), its `logLikelihood` and a static `load` that calls `restore`.
 */
export abstract class ClosedFormModel<State> implements GenerativeModel {
  readonly likelihood = 'exact' as const;
  /** Values per sample: the product of the sample shape. */
  readonly dims: number;
  private state: State | null = null;

  constructor(
    /** The model's id, which every error message starts with. */
    readonly family: string,
    readonly sampleShape: readonly number[],
    readonly sampleBatch: number,
  ) {
    this.dims = sampleShape.reduce((a, b) => a * b, 1);
    if (!(this.dims > 0) || !sampleShape.every((s) => Number.isInteger(s) && s > 0)) {
      throw new RangeError(`${family}: sampleShape [${sampleShape.join(', ')}]; expected positive integers`);
    }
    if (!Number.isInteger(sampleBatch) || sampleBatch < 1) throw new RangeError(`${family}: sampleBatch = ${sampleBatch}; expected a positive integer`);
  }

  /** The parameters of `train` (model space), and what the fit reports; a family may ask for the engine's TrainingSet. */
  protected abstract estimate(train: SampleSource, ctx: RunContext): Promise<{ state: State; report: FitReport }>;
  /** `rows` samples of the fitted `state`, flat in model space, every draw from `rng`. */
  protected abstract draw(state: State, rows: number, rng: Rng): Float32Array;
  /** Writes `state` into the existing folder `dir`. */
  protected abstract write(state: State, dir: string): void;

  get fitted(): boolean {
    return this.state !== null;
  }

  /** Replaces the parameters by those of `train`. */
  async fit(train: SampleSource, _budget: TrainBudget, ctx: RunContext): Promise<FitReport> {
    const { state, report } = await this.estimate(train, ctx);
    this.state = state;
    return report;
  }

  /** Batches of at most `sampleBatch` samples drawn from ctx.rng in order, with progress after each. */
  async *sample(n: number, ctx: RunContext): AsyncIterable<tf.Tensor> {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`${this.family}.sample: n = ${n}; expected a non-negative integer`);
    const state = this.fittedState('sample');
    for (let start = 0; start < n; start += this.sampleBatch) {
      const rows = Math.min(this.sampleBatch, n - start);
      const values = this.draw(state, rows, ctx.rng);
      ctx.progress((start + rows) / n, `${start + rows}/${n} samples`);
      yield tf.tensor(values, [rows, ...this.sampleShape], 'float32');
    }
  }

  abstract logLikelihood(x: tf.Tensor, ctx?: RunContext): Promise<Float64Array>;

  async save(dir: string): Promise<void> {
    const state = this.fittedState('save');
    mkdirSync(dir, { recursive: true });
    this.write(state, dir);
  }

  dispose(): void {
    this.state = null;
  }

  /** Makes `state` (read back from a saved folder) this model's parameters. */
  protected restore(state: State): this {
    this.state = state;
    return this;
  }

  /** The fitted state; `what` names the call in the error thrown before any fit or load. */
  protected fittedState(what: string): State {
    if (!this.state) throw new Error(`${this.family}.${what}: the model is not fitted (or was disposed); call fit or load first`);
    return this.state;
  }
}
