import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '@tensorflow/tfjs';
import { KernelLayer } from '../kernel-layer.ts';
import { createBatchMatMulKernel } from './batch-mat-mul.ts';
import { createConv2DBackpropFilterKernel } from './conv2d-backprop-filter.ts';
import { createConv2DBackpropInputKernel } from './conv2d-backprop-input.ts';
import { createConcatKernel, createIdentityKernel, createSliceKernel, createSplitVKernel } from './copy-kernels.ts';
import { ADAM_UPDATE, AFFINE_COUPLING, AFFINE_COUPLING_GRAD, SUM_OF_SQUARES } from '../fused-ops.ts';
import { affineCouplingGradKernel, affineCouplingKernel } from './affine-coupling-kernels.ts';
import { adamUpdateKernel, sumOfSquaresKernel } from './optimizer-kernels.ts';
import { createTrigKernel } from './trig-kernels.ts';
import { WasmOps } from './wasm-ops.ts';

/** The training kernels sit right on the wasm backend's own; the native ones (rank 2) over them. */
export const wasmTrainingLayer = new KernelLayer('wasm-training-kernels', 1, 'wasm');

function requireStock(kernelName: string): KernelFunc {
  const kernel = wasmTrainingLayer.under(kernelName);
  if (!kernel) {
    throw new Error(
      `registerWasmTrainingKernels: the wasm backend has no '${kernelName}' kernel; ` +
        `import '@tensorflow/tfjs-backend-wasm' before calling it`,
    );
  }
  return kernel;
}

/**
 * Replaces (or adds) the wasm backend's `BatchMatMul`, `Conv2DBackpropInput` and
 * `Conv2DBackpropFilter` kernels with ones that run on the fast XNNPACK matMul and conv2d,
 * so conv nets can train on wasm and matMul gradients stay fast, and its `Slice`, `SplitV`,
 * `Concat` (copies by runs), `Identity` (shares memory), `Sin` and `Cos` with cheaper ones, and adds the fused
 * optimizer and affine-coupling kernels of fused-ops.ts (one pass instead of a dozen kernels). Idempotent; touches only
 * the 'wasm' entries of the kernel registry. Needs '@tensorflow/tfjs-backend-wasm' imported;
 * works before or after `tf.setBackend('wasm')`.
 */
export function registerWasmTrainingKernels(): void {
  if (wasmTrainingKernelsRegistered()) return;
  const stockBatchMatMul = requireStock(tf.BatchMatMul);
  const ops = new WasmOps({
    batchMatMul: stockBatchMatMul,
    transpose: requireStock(tf.Transpose),
    conv2d: requireStock(tf.Conv2D),
  });
  const stockBackpropInput = requireStock(tf.Conv2DBackpropInput);
  wasmTrainingLayer.install(tf.BatchMatMul, createBatchMatMulKernel(ops, stockBatchMatMul));
  wasmTrainingLayer.install(tf.Conv2DBackpropInput, createConv2DBackpropInputKernel(ops, stockBackpropInput));
  wasmTrainingLayer.install(tf.Conv2DBackpropFilter, createConv2DBackpropFilterKernel(ops));
  wasmTrainingLayer.install(tf.Slice, createSliceKernel(requireStock(tf.Slice)));
  wasmTrainingLayer.install(tf.SplitV, createSplitVKernel(requireStock(tf.SplitV)));
  wasmTrainingLayer.install(tf.Concat, createConcatKernel(requireStock(tf.Concat)));
  wasmTrainingLayer.install(tf.Identity, createIdentityKernel(requireStock(tf.Identity)));
  wasmTrainingLayer.install(tf.Sin, createTrigKernel(Math.sin, requireStock(tf.Sin)));
  wasmTrainingLayer.install(tf.Cos, createTrigKernel(Math.cos, requireStock(tf.Cos)));
  wasmTrainingLayer.install(ADAM_UPDATE, adamUpdateKernel);
  wasmTrainingLayer.install(SUM_OF_SQUARES, sumOfSquaresKernel);
  wasmTrainingLayer.install(AFFINE_COUPLING, affineCouplingKernel);
  wasmTrainingLayer.install(AFFINE_COUPLING_GRAD, affineCouplingGradKernel);
}

/** Puts the stock wasm kernels back (and removes the added ones); a no-op when not registered. */
export function unregisterWasmTrainingKernels(): void {
  wasmTrainingLayer.remove();
}

/** Whether the kernels registered by `registerWasmTrainingKernels` are in place. */
export function wasmTrainingKernelsRegistered(): boolean {
  return wasmTrainingLayer.installed();
}
