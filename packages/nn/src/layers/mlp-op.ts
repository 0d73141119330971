import * as tf from '@tensorflow/tfjs';
import { MLP_BACKWARD, MLP_FORWARD } from '../backend/fused-ops.ts';
import type { ActivationName } from './activations.ts';

/** An MLP on rows x [n, in] with its parameters w0, b0, w1, b1, …, as one op with its own gradient. */
export type MlpOp = (x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor;

/** The activations whose derivative can be read off their output a: relu' = step(a), tanh' = 1 − a². */
const fromOutput: Partial<Record<ActivationName, { forward: (z: tf.Tensor) => tf.Tensor; derivative: (a: tf.Tensor) => tf.Tensor }>> = {
  relu: { forward: tf.relu, derivative: (a) => tf.step(a) },
  tanh: { forward: tf.tanh, derivative: (a) => tf.sub(1, tf.square(a)) },
};

type GradArgs = Array<tf.Tensor | tf.GradSaveFunc>;

function split(args: GradArgs): { save: tf.GradSaveFunc; x: tf.Tensor; params: tf.Tensor[] } {
  const save = args[args.length - 1] as tf.GradSaveFunc;
  const [x, ...params] = args.slice(0, -1) as tf.Tensor[];
  return { save, x: x!, params };
}

const named = (params: tf.Tensor[]) => Object.fromEntries(params.map((p, i) => [`${i % 2 === 0 ? 'w' : 'b'}${Math.floor(i / 2)}`, p]));

/**
 * Forward and backward each one kernel of the native layer (GEMMs and oneDNN's eltwise): any
 * activation. Saved for the backward pass: x, the weights (not the biases, which it does not read)
 * and the hidden layers; for relu only their outputs h_i, since relu'(z) = step(relu(z)) reads the
 * same off h_i as off z_{i−1}. Each saved tensor costs the engine a clone and a tape node.
 */
function kernelsOp(activation: ActivationName): MlpOp {
  const derivativeFromOutput = activation === 'relu';
  return tf.customGrad((...args: GradArgs) => {
    const { save, x, params } = split(args);
    const layers = params.length / 2;
    const attrs = { activation, layers };
    const weights = params.filter((_, i) => i % 2 === 0);
    const [y, ...hidden] = tf.engine().runKernel(MLP_FORWARD, { x, ...named(params) }, attrs) as unknown as tf.Tensor[];
    // hidden = [z_0, h_1, z_1, h_2, …]
    save([x, ...weights, ...(derivativeFromOutput ? hidden.filter((_, i) => i % 2 === 1) : hidden)]);
    return {
      value: y!,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, ...rest] = saved;
        const kept = rest.slice(layers);
        const pairs = derivativeFromOutput ? kept.flatMap((h) => [h, h]) : kept;
        const layerState = Object.fromEntries(pairs.map((t, i) => [i % 2 === 0 ? `z${i / 2}` : `h${(i + 1) / 2}`, t]));
        const weightInputs = Object.fromEntries(rest.slice(0, layers).map((w, i) => [`w${i}`, w]));
        return tf.engine().runKernel(MLP_BACKWARD, { dy: dy as tf.Tensor, x: xs!, ...weightInputs, ...layerState }, attrs) as unknown as tf.Tensor[];
      },
    };
  }) as MlpOp;
}

/**
 * Composed tfjs ops with a hand-written backward pass, for relu and tanh: per layer
 *   ∂W_i = h_iᵀ g_i,   ∂b_i = Σ_rows g_i,   g_{i−1} = (g_i W_iᵀ) ⊙ act'(h_i),
 * with act' read off the saved layer outputs. Autodiff takes about three times as many kernel calls
 * on wasm (a clone of every saved tensor, reshape, cast and step for each relu gradient).
 */
function composedOp(forward: (z: tf.Tensor) => tf.Tensor, derivative: (a: tf.Tensor) => tf.Tensor): MlpOp {
  return tf.customGrad((...args: GradArgs) => {
    const { save, x, params } = split(args);
    const depth = params.length / 2;
    const weights = Array.from({ length: depth }, (_, i) => params[2 * i] as tf.Tensor2D);
    const inputs: tf.Tensor[] = [x];
    let h = x;
    for (let i = 0; i < depth; i++) {
      const z = tf.add(tf.matMul(h as tf.Tensor2D, weights[i]!), params[2 * i + 1]!);
      h = i < depth - 1 ? forward(z) : z;
      if (i < depth - 1) inputs.push(h);
    }
    save(inputs);
    return {
      value: h,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const grads: tf.Tensor[] = new Array<tf.Tensor>(2 * depth + 1);
        let g = dy as tf.Tensor2D;
        const ones = tf.ones([1, g.shape[0]]) as tf.Tensor2D;
        for (let i = depth - 1; i >= 0; i--) {
          const input = saved[i]! as tf.Tensor2D;
          grads[1 + 2 * i] = weightGradient(input, g);
          grads[2 + 2 * i] = tf.matMul(ones, g).reshape([g.shape[1]]);
          const back = tf.matMul(g, weights[i]!, false, true);
          g = (i > 0 ? tf.mul(back, derivative(input)) : back) as tf.Tensor2D;
        }
        grads[0] = g;
        return grads;
      },
    };
  }) as MlpOp;
}

/**
 * ∂W = hᵀ g for h [n, in], g [n, out]. On wasm every product packs its right operand and
 * transposes a transposed left one, each a pass over that operand: hᵀ·g packs g (n·out) and
 * transposes h (n·in); (gᵀ·h)ᵀ packs h and transposes g. Take the second when in is the smaller,
 * e.g. a first layer of one input, where it is a reshape: (gᵀ h)ᵀ of [out, 1] is [1, out].
 */
function weightGradient(h: tf.Tensor2D, g: tf.Tensor2D): tf.Tensor {
  const [inFeatures, outFeatures] = [h.shape[1], g.shape[1]];
  if (inFeatures >= outFeatures) return tf.matMul(h, g, true, false);
  const transposed = tf.matMul(g, h, true, false);
  return inFeatures === 1 ? transposed.reshape([1, outFeatures]) : transposed.transpose();
}

const kernelOps = new Map<ActivationName, MlpOp>();
const composedOps = new Map<ActivationName, MlpOp>();

/**
 * The MLP as one op for the active backend: the native kernels where it has them, else composed ops
 * with a hand-written gradient for relu and tanh; null (plain autodiff) for the rest.
 */
export function mlpOp(activation: ActivationName): MlpOp | null {
  if (tf.getKernel(MLP_FORWARD, tf.getBackend())) {
    if (!kernelOps.has(activation)) kernelOps.set(activation, kernelsOp(activation));
    return kernelOps.get(activation)!;
  }
  const act = fromOutput[activation];
  if (!act) return null;
  if (!composedOps.has(activation)) composedOps.set(activation, composedOp(act.forward, act.derivative));
  return composedOps.get(activation)!;
}
