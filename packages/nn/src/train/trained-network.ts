import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  dataCodec,
  writeJsonAtomic,
  type DataCodec,
  type DataInfo,
  type FitReport,
  type Rng,
  type RunContext,
  type TrainBudget,
  type TrainingSet,
} from '@ouroboros/core';
import { loadTensors, saveTensors } from '../io/tensor-file.ts';
import type { Module } from '../layers/module.ts';
import { Adam } from '../optim/adam.ts';
import { clipGradNorm, globalNorm } from '../optim/clip-grad-norm.ts';
import { Ema } from '../optim/ema.ts';
import { learningRate, lrSchedule, type LrSchedule } from '../optim/lr-schedule.ts';
import { fitLoop } from './fit-loop.ts';
import type { RawBatch } from './minibatches.ts';
import type { TrainingOptions } from './training-options.ts';

/** A training batch in model space. */
export interface Batch {
  /** [b, ...sampleShape], float32 in model space (dequantized for likelihood models on discrete data). */
  readonly x: tf.Tensor;
  /** [b] int32 class labels, for labelled data. */
  readonly labels?: tf.Tensor1D;
}

/** What one optimizer step reports. */
export interface StepStats {
  readonly loss: number;
  readonly lr: number;
  /** Global gradient norm before clipping. */
  readonly grad_norm: number;
}

export const WEIGHTS_FILE = 'weights.safetensors';
export const TRAINING_STATE_FILE = 'training-state.safetensors';
export const MODEL_FILE = 'model.json';

/**
 * The base of every network trained by gradient descent (each generative model family, the metrics'
 * classifier): it owns the network's optimizer (Adam with warm-up and clipping) and EMA, runs the one
 * training loop (`fit`: stop signal, checkpoints, step log, progress), and saves and restores the
 * complete training state. A subclass gives `loss` (the objective), as in torchcfm.
 *
 * Saved model folder (`save(dir)`):
 *   weights.safetensors         the sampling weights (EMA when enabled), by parameter path
 *   training-state.safetensors  `param.<p>`, `ema.shadow.<p>`, `ema.updates`, `adam.m.<p>`, `adam.v.<p>`, `adam.step`
 *   model.json                  format, family, options, step
 */
export abstract class TrainedNetwork {
  readonly codec: DataCodec;
  private readonly optimizer: Adam;
  private readonly ema: Ema | null;
  private readonly schedule: LrSchedule;
  private disposed = false;

  constructor(
    readonly data: DataInfo,
    /** The trainable network; the model owns and disposes it. */
    protected readonly net: Module,
    readonly training: TrainingOptions,
    /** Train on uniformly dequantized data (likelihood models on discrete data). */
    readonly dequantize = false,
  ) {
    this.codec = dataCodec(data);
    const params = net.namedParameters();
    this.optimizer = new Adam(params, { lr: training.lr, betas: training.betas, weightDecay: training.weightDecay });
    this.ema = training.ema === null ? null : new Ema(params, { decay: training.ema });
    this.schedule = lrSchedule({ lr: training.lr, warmupSteps: training.warmupSteps });
  }

  /** The family's name, written to model.json (e.g. `realnvp`). */
  abstract readonly family: string;
  /** Options that rebuild the network, written to model.json and checked on load. */
  abstract readonly architecture: Record<string, unknown>;

  /** The objective on one batch, a scalar to minimise; called inside tf.variableGrads. */
  abstract loss(batch: Batch, rng: Rng): tf.Scalar;

  /** Optimizer steps taken over the model's whole life (all generations): drives warm-up and Adam's bias correction. */
  get step(): number {
    return this.optimizer.stepCount;
  }

  fit(train: TrainingSet, budget: TrainBudget, ctx: RunContext): Promise<FitReport> {
    return fitLoop(this, train, budget, ctx);
  }

  /**
   * Data-dependent initialisation (Glow's actnorm), called with the batch of the model's very first
   * optimizer step, before that step: `step` = 0 is the "not yet initialised" state, saved and
   * restored with the Adam state. Return true when weights changed, so the EMA restarts from them.
   */
  protected initializeFromData(_batch: Batch): boolean {
    return false;
  }

  /** One optimizer step on a stored batch: loss, gradients, clipping, Adam, EMA. */
  trainStep(raw: RawBatch, rng: Rng): StepStats {
    const batch = this.toBatch(raw, rng.fork('dequantize'));
    if (this.step === 0 && this.initializeFromData(batch)) this.ema?.reset();
    const params = this.net.namedParameters();
    const names = new Map(params.map(([name, variable]) => [variable.name, name]));
    const lr = learningRate(this.step, this.schedule);
    try {
      const { value, grads } = tf.variableGrads(() => this.loss(batch, rng.fork('loss')), params.map(([, v]) => v));
      const byPath = new Map(Object.entries(grads).map(([tfName, grad]) => [names.get(tfName)!, grad]));
      const loss = value.dataSync()[0]!;
      value.dispose();
      let norm: number;
      if (this.training.gradClip !== null) {
        const clipped = clipGradNorm(byPath, this.training.gradClip);
        norm = clipped.norm;
        this.optimizer.step(clipped.grads, lr);
        tf.dispose([...clipped.grads.values()]);
      } else {
        norm = globalNorm(byPath.values());
        this.optimizer.step(byPath, lr);
      }
      tf.dispose(Object.values(grads));
      this.ema?.update();
      return { loss, lr, grad_norm: norm };
    } finally {
      tf.dispose([batch.x, ...(batch.labels ? [batch.labels] : [])]);
    }
  }

  /** Runs `fn` with the weights sampling uses (the EMA average when enabled), then restores the training weights. */
  withSamplingWeights<T>(fn: () => T): T {
    return this.ema ? this.ema.withEmaWeights(fn) : fn();
  }

  /** A stored batch in model space (dequantized when this model trains on dequantized data). */
  toBatch(raw: RawBatch, rng: Rng): Batch {
    const x = this.dequantize ? this.codec.dequantize(raw.values, rng) : this.codec.encode(raw.values);
    return raw.labels ? { x, labels: tf.tensor1d(raw.labels, 'int32') } : { x };
  }

  async save(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    const state: Record<string, tf.Tensor> = {};
    for (const [name, variable] of this.net.namedParameters()) state[`param.${name}`] = variable;
    const adam = this.optimizer.state();
    const ema = this.ema?.state() ?? {};
    for (const [key, tensor] of Object.entries(adam)) state[`adam.${key}`] = tensor;
    for (const [key, tensor] of Object.entries(ema)) state[`ema.${key}`] = tensor;
    const sampling = this.ema ? this.ema.weights() : Object.fromEntries(this.net.namedParameters());
    try {
      const metadata = { format: 'ouroboros.trained-model', family: this.family };
      await saveTensors(join(dir, TRAINING_STATE_FILE), state, metadata);
      await saveTensors(join(dir, WEIGHTS_FILE), sampling, metadata);
      writeJsonAtomic(join(dir, MODEL_FILE), { format: 'ouroboros.trained-model', version: 1, family: this.family, architecture: this.architecture, training: this.training, step: this.step });
    } finally {
      tf.dispose([...Object.values(adam), ...Object.values(ema), ...(this.ema ? Object.values(sampling) : [])]);
    }
  }

  /** Restores everything `save(dir)` wrote: weights, Adam moments and step, EMA; checks the architecture first. */
  async restore(dir: string): Promise<void> {
    const modelPath = join(dir, MODEL_FILE);
    if (!existsSync(modelPath)) throw new Error(`${modelPath}: missing; expected a model folder written by save()`);
    const saved = JSON.parse(readFileSync(modelPath, 'utf8')) as { family: string; architecture: Record<string, unknown> };
    if (saved.family !== this.family) throw new Error(`${modelPath}: holds a '${saved.family}' model; expected '${this.family}'`);
    for (const [key, value] of Object.entries(this.architecture)) {
      if (JSON.stringify(saved.architecture[key]) !== JSON.stringify(value)) {
        throw new Error(`${modelPath}: architecture.${key} = ${JSON.stringify(saved.architecture[key])}; the model options say ${JSON.stringify(value)}`);
      }
    }
    const path = join(dir, TRAINING_STATE_FILE);
    const tensors = loadTensors(path);
    try {
      const part = (prefix: string) => Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
      const params = part('param.');
      const names = this.net.namedParameters().map(([name]) => name);
      const missing = names.filter((name) => !(name in params));
      if (missing.length > 0) throw new Error(`${path}: no weights for ${missing.length} parameter(s), e.g. '${missing[0]}'`);
      for (const [name, variable] of this.net.namedParameters()) {
        const tensor = params[name]!;
        if (!tf.util.arraysEqual(tensor.shape, variable.shape)) throw new Error(`${path}: 'param.${name}' has shape [${tensor.shape}]; the model's is [${variable.shape}]`);
      }
      this.optimizer.loadState(part('adam.'), path);
      if (this.ema) this.ema.loadState(part('ema.'), path);
      for (const [name, variable] of this.net.namedParameters()) variable.assign(params[name]!);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optimizer.dispose();
    this.ema?.dispose();
    this.net.dispose();
  }
}
