import * as tf from '@tensorflow/tfjs';
import { namedEntries, type Named } from '../io/named.ts';
import { fusedOr, SUM_OF_SQUARES } from '../backend/fused-ops.ts';

/** torch.nn.utils.clip_grad_norm_'s guard against dividing by a zero norm. */
const clipEpsilon = 1e-6;

// ‖g‖ = √(Σ_i Σ_j g_ij²): the L2 norm of all gradients taken as one vector
export function globalNorm(grads: Iterable<tf.Tensor>): number {
  const list = [...grads];
  if (list.length === 0) return 0;
  const inputs = Object.fromEntries(list.map((g, i) => [String(i), g]));
  const squares = tf.tidy(() => fusedOr(SUM_OF_SQUARES, inputs, {}, () => tf.addN(list.map((g) => g.square().sum()))));
  const value = Math.sqrt(squares.dataSync()[0]!);
  squares.dispose();
  return value;
}

/**
 * torch.nn.utils.clip_grad_norm_: with s = maxNorm / (‖g‖ + 1e-6), every gradient is multiplied by s when
 * s < 1 and kept otherwise. Returns the norm before clipping and new tensors by the same names (copies
 * when unclipped): the caller disposes them and still owns `grads`. A non-finite norm makes the result non-finite, as in torch.
 */
export function clipGradNorm(grads: Named<tf.Tensor>, maxNorm: number): { norm: number; grads: Map<string, tf.Tensor> } {
  if (!(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm = ${maxNorm}: expected a positive number`);
  const entries = namedEntries(grads);
  const norm = globalNorm(entries.map(([, g]) => g));
  const scale = maxNorm / (norm + clipEpsilon);
  const clipped = entries.map(([name, g]) => [name, scale < 1 || Number.isNaN(scale) ? g.mul(scale) : g.clone()] as const);
  return { norm, grads: new Map(clipped) };
}
