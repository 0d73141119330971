import * as tf from '@tensorflow/tfjs';
import type { Rng } from '@ouroboros/core';
import { Mlp, type ActivationName, type MlpOptions } from '@ouroboros/nn';

/** The activations whose derivative can be read off their output a: relu' = step(a), tanh' = 1 - a². */
const fromOutput: Partial<Record<ActivationName, { forward: (z: tf.Tensor) => tf.Tensor; derivative: (a: tf.Tensor) => tf.Tensor }>> = {
  relu: { forward: tf.relu, derivative: (a) => tf.step(a) },
  tanh: { forward: tf.tanh, derivative: (a) => tf.sub(1, tf.square(a)) },
};

/**
 * An Mlp (same parameters, same outputs) whose forward pass is one tf.customGrad op with a
 * hand-written backward pass, for relu and tanh: per layer
 *   ∂W_i = h_iᵀ g_i,   ∂b_i = Σ_rows g_i,   g_{i-1} = (g_i W_iᵀ) ⊙ act'(h_i),
 * with act' read off the saved layer outputs. Autodiff of the plain Mlp takes about three times
 * as many kernel calls on wasm (a clone of every saved tensor, reshape, cast and step for each
 * relu gradient); this is what makes a RealNVP step cheap there. Other activations use the
 * plain Mlp's autodiff.
 */
export class FusedMlp extends Mlp {
  private readonly fused: ((x: tf.Tensor, ...params: tf.Tensor[]) => tf.Tensor) | null;

  constructor(sizes: readonly number[], rng: Rng, options: MlpOptions = {}) {
    super(sizes, rng, options);
    const act = fromOutput[options.activation ?? 'relu'];
    this.fused = act ? tf.customGrad((...args) => mlpWithGradient(args, act.forward, act.derivative)) : null;
  }

  override apply(x: tf.Tensor): tf.Tensor {
    if (!this.fused) return super.apply(x);
    const inFeatures = this.sizes[0]!;
    const outFeatures = this.sizes[this.sizes.length - 1]!;
    return tf.tidy(() => {
      const rows = x.reshape([-1, inFeatures]);
      const params = this.layers.flatMap((layer) => [layer.weight, layer.bias!]);
      return this.fused!(rows, ...params).reshape([...x.shape.slice(0, -1), outFeatures]);
    });
  }
}

// forward: h_0 = x, h_{i+1} = act(h_i W_i + b_i), out = h_L W_L + b_L; backward as in FusedMlp
function mlpWithGradient(
  args: Array<tf.Tensor | tf.GradSaveFunc>,
  forward: (z: tf.Tensor) => tf.Tensor,
  derivative: (a: tf.Tensor) => tf.Tensor,
): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] } {
  const save = args[args.length - 1] as tf.GradSaveFunc;
  const [x, ...params] = args.slice(0, -1) as tf.Tensor[];
  const depth = params.length / 2;
  const weights = Array.from({ length: depth }, (_, i) => params[2 * i] as tf.Tensor2D);
  const biases = Array.from({ length: depth }, (_, i) => params[2 * i + 1]!);
  const inputs: tf.Tensor[] = [x!];
  let h = x!;
  for (let i = 0; i < depth; i++) {
    const z = tf.add(tf.matMul(h as tf.Tensor2D, weights[i]!), biases[i]!);
    h = i < depth - 1 ? forward(z) : z;
    if (i < depth - 1) inputs.push(h);
  }
  save(inputs);
  return {
    value: h,
    gradFunc: (dy, saved) => {
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
