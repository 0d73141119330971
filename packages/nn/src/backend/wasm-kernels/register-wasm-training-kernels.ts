import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { createBatchMatMulKernel } from './batch-mat-mul.ts';
import { createConv2DBackpropFilterKernel } from './conv2d-backprop-filter.ts';
import { createConv2DBackpropInputKernel } from './conv2d-backprop-input.ts';
import { WasmOps } from './wasm-ops.ts';

const WASM = 'wasm';

/**
 * Marks configs registered here, with the config they replaced (undefined when the kernel was
 * missing). A global symbol: tfjs's kernel registry is global too, so a second copy of this
 * module sees the marks of the first.
 */
const REPLACED = Symbol.for('@ouroboros/nn/wasm-training-kernels/replaced');

type MarkedConfig = KernelConfig & { [REPLACED]?: KernelConfig | undefined };

function isOurs(config: KernelConfig | undefined): config is MarkedConfig {
  return config !== undefined && REPLACED in config;
}

/** The stock config for a kernel name, looking through one of ours. */
function stockConfig(kernelName: string): KernelConfig | undefined {
  const current = tf.getKernel(kernelName, WASM);
  return isOurs(current) ? current[REPLACED] : current;
}

function requireStock(kernelName: string): KernelFunc {
  const config = stockConfig(kernelName);
  if (!config) {
    throw new Error(
      `registerWasmTrainingKernels: the wasm backend has no '${kernelName}' kernel; ` +
        `import '@tensorflow/tfjs-backend-wasm' before calling it`,
    );
  }
  return config.kernelFunc;
}

/**
 * Replaces (or adds) the wasm backend's `BatchMatMul`, `Conv2DBackpropInput` and
 * `Conv2DBackpropFilter` kernels with ones that run on the fast XNNPACK matMul and conv2d,
 * so conv nets can train on wasm and matMul gradients stay fast. Idempotent; touches only
 * the 'wasm' entries of the kernel registry. Needs '@tensorflow/tfjs-backend-wasm' imported;
 * works before or after `tf.setBackend('wasm')`.
 */
export function registerWasmTrainingKernels(): void {
  const stockBatchMatMul = requireStock(tf.BatchMatMul);
  const ops = new WasmOps({
    batchMatMul: stockBatchMatMul,
    transpose: requireStock(tf.Transpose),
    conv2d: requireStock(tf.Conv2D),
  });
  const stockBackpropInput = requireStock(tf.Conv2DBackpropInput);
  replace(tf.BatchMatMul, createBatchMatMulKernel(ops, stockBatchMatMul));
  replace(tf.Conv2DBackpropInput, createConv2DBackpropInputKernel(ops, stockBackpropInput));
  replace(tf.Conv2DBackpropFilter, createConv2DBackpropFilterKernel(ops));
}

/** Puts the stock wasm kernels back (and removes the added ones); a no-op when not registered. */
export function unregisterWasmTrainingKernels(): void {
  for (const kernelName of [tf.BatchMatMul, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter]) {
    const current = tf.getKernel(kernelName, WASM);
    if (!isOurs(current)) continue;
    tf.unregisterKernel(kernelName, WASM);
    const original = current[REPLACED];
    if (original) tf.registerKernel(original);
  }
}

/** Whether the kernels registered by `registerWasmTrainingKernels` are in place. */
export function wasmTrainingKernelsRegistered(): boolean {
  return [tf.BatchMatMul, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter].every((name) =>
    isOurs(tf.getKernel(name, WASM)),
  );
}

function replace(kernelName: string, kernelFunc: KernelFunc): void {
  const current = tf.getKernel(kernelName, WASM);
  if (isOurs(current)) return;
  if (current) tf.unregisterKernel(kernelName, WASM);
  const config: MarkedConfig = {
    kernelName,
    backendName: WASM,
    kernelFunc,
    // The stock setup (binding the C++ function) must still run when the backend initialises.
    setupFunc: current?.setupFunc,
    disposeFunc: current?.disposeFunc,
    [REPLACED]: current,
  };
  tf.registerKernel(config);
}
