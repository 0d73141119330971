import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { selectBackend } from '../../backend/select-backend.ts';
import { ErrorLog, relativeError, seededValues } from '../../backend/wasm-kernels/testing/kernel-cases.ts';
import type { Module } from '../module.ts';
import { centralDifferences, relativeError64, weightedSum, type Params } from './float64-reference.ts';

export { ErrorLog, relativeError, seededValues };

/** wasm against cpu, for outputs and gradients (float32 on both). */
export const BACKEND_TOLERANCE = 1e-4;

/** Loads the wasm backend with our training kernels; tf.setBackend then switches between 'wasm' and 'cpu'. */
export async function loadBackends(): Promise<void> {
  await selectBackend('wasm');
}

export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') failed`);
}

/** A layer under test: `build` must give the same weights every call (a fixed seed). */
export interface LayerCase {
  build: () => { module: Module | null; forward: (x: tf.Tensor) => tf.Tensor };
  inputShape: number[];
  /** Input values; default seededValues(inputShape, 1). */
  input?: Float32Array;
}

/** A forward and backward pass of L = Σ y ⊙ r, r fixed pseudo-random, read back as float32 arrays (runLayer also checks that it leaves no tensors). */
export interface LayerRun {
  input: Float32Array;
  output: Float32Array;
  outputShape: number[];
  lossWeights: Float32Array;
  inputGrad: Float32Array;
  params: Array<[string, Float32Array]>;
  paramGrads: Array<[string, Float32Array]>;
}

export async function runLayer(backend: 'cpu' | 'wasm', layerCase: LayerCase): Promise<LayerRun> {
  await useBackend(backend);
  const tensorsBefore = tf.memory().numTensors;
  const { module, forward } = layerCase.build();
  const input = layerCase.input ?? seededValues(layerCase.inputShape, 1);
  const x = tf.tidy(() => tf.variable(tf.tensor(input, layerCase.inputShape, 'float32'), true));
  const named = module?.namedParameters() ?? [];
  const y = tf.tidy(() => forward(x));
  const lossWeights = seededValues(y.shape, 99);
  const r = tf.tensor(lossWeights, y.shape, 'float32');
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(forward(x), r)) as tf.Scalar, [x, ...named.map(([, v]) => v)]);
  const run: LayerRun = {
    input,
    output: y.dataSync() as Float32Array,
    outputShape: y.shape,
    lossWeights,
    inputGrad: grads[x.name]!.dataSync() as Float32Array,
    params: named.map(([name, v]) => [name, v.dataSync() as Float32Array]),
    paramGrads: named.map(([name, v]) => [name, grads[v.name]!.dataSync() as Float32Array]),
  };
  tf.dispose([x, y, r, value, ...Object.values(grads)]);
  module?.dispose();
  expect(tf.memory().numTensors, `tensors left on ${backend} by build, forward, backward and dispose`).toBe(tensorsBefore);
  return run;
}

function maxAbs(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]!));
  return max;
}

/** Runs `layerCase` on cpu and on wasm; weights, outputs and every gradient must agree (and be non-zero). Logs the worst error per kind. */
export async function expectBackendsAgree(label: string, layerCase: LayerCase, errors: ErrorLog): Promise<void> {
  const cpu = await runLayer('cpu', layerCase);
  const wasm = await runLayer('wasm', layerCase);
  const pairs: Array<[string, Float32Array, Float32Array]> = [
    ['output', wasm.output, cpu.output],
    ['d input', wasm.inputGrad, cpu.inputGrad],
    ...wasm.paramGrads.map(([name, g], i): [string, Float32Array, Float32Array] => [`d ${name}`, g, cpu.paramGrads[i]![1]]),
  ];
  expect(wasm.params.map(([name]) => name)).toEqual(cpu.params.map(([name]) => name));
  wasm.params.forEach(([name, values], i) => expect(values, `${label} ${name} initial values`).toEqual(cpu.params[i]![1]));
  for (const [part, actual, expected] of pairs) {
    expect(maxAbs(expected), `${label} ${part} is all zeros: the comparison would prove nothing`).toBeGreaterThan(0);
    const error = errors.record(part.startsWith('d ') && part !== 'd input' ? 'd parameters' : part, relativeError(actual, expected));
    expect(error, `${label} ${part}`).toBeLessThanOrEqual(BACKEND_TOLERANCE);
  }
}

/**
 * Checks a run's gradients against central finite differences of a float64 reference forward
 * pass with the same weights: `reference(x, params)` returns y; L = Σ y ⊙ r as in the run.
 * Returns the largest relative error over the input and every parameter.
 */
export function finiteDifferenceError(run: LayerRun, reference: (x: Float64Array, params: Params) => Float64Array): number {
  const params = new Map(run.params.map(([name, v]) => [name, Float64Array.from(v)]));
  const x = Float64Array.from(run.input);
  const loss = (xv: Float64Array, p: Params) => weightedSum(reference(xv, p), run.lossWeights);
  let worst = relativeError64(run.inputGrad, centralDifferences((xv) => loss(xv, params), x));
  for (const [name, analytic] of run.paramGrads) {
    const numeric = centralDifferences((pv) => loss(x, new Map([...params, [name, pv]])), params.get(name)!);
    worst = Math.max(worst, relativeError64(analytic, numeric));
  }
  return worst;
}

/** Initial parameter values by name, read back. */
export function parameterValues(module: Module): Map<string, Float32Array> {
  return new Map(module.namedParameters().map(([name, v]) => [name, v.dataSync() as Float32Array]));
}

/** How many tensors `body` leaves alive. */
export function tensorsLeftBy(body: () => void): number {
  const before = tf.memory().numTensors;
  body();
  return tf.memory().numTensors - before;
}
