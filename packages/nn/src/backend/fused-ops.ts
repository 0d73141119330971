import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, NamedTensorMap } from '@tensorflow/tfjs';

/** Kernels of ours that fuse a few tfjs ops into one pass, registered for the backends that have them. */
export const ADAM_UPDATE = 'OuroborosAdamUpdate';
export const SUM_OF_SQUARES = 'OuroborosSumOfSquares';
/** The inputs of parameter i in one call of ADAM_UPDATE (which updates every parameter at once). */
export const adamInputNames = (i: number) => [`p${i}`, `g${i}`, `m${i}`, `v${i}`] as const;
/** A whole MLP's forward and backward pass (the native kernels register them). */
export const MLP_FORWARD = 'OuroborosMlpForward';
export const MLP_BACKWARD = 'OuroborosMlpBackward';
/** silu(GroupNorm(x)) and its gradient (the native kernels register them). */
export const GROUP_NORM_SILU = 'OuroborosGroupNormSilu';
export const GROUP_NORM_SILU_GRAD = 'OuroborosGroupNormSiluGrad';

/**
 * Runs our kernel `kernelName` where the active backend has one (the wasm kernels register theirs),
 * else `composed`, the same math in tfjs ops (every other backend).
 */
export function fusedOr<T extends tf.Tensor | tf.Tensor[]>(kernelName: string, inputs: NamedTensorMap, attrs: NamedAttrMap, composed: () => T): T {
  if (!tf.getKernel(kernelName, tf.getBackend())) return composed();
  return tf.engine().runKernel(kernelName, inputs, attrs) as unknown as T;
}
/** An affine coupling's transform of x by its net's output, and its gradient (the wasm training kernels register them). */
export const AFFINE_COUPLING = 'OuroborosAffineCoupling';
export const AFFINE_COUPLING_GRAD = 'OuroborosAffineCouplingGrad';
