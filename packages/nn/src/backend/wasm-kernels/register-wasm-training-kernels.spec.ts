import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  wasmTrainingKernelsRegistered,
} from './register-wasm-training-kernels.ts';
import { seededValues } from './testing/kernel-cases.ts';
import { ADAM_UPDATE, AFFINE_COUPLING, AFFINE_COUPLING_GRAD, SUM_OF_SQUARES } from '../fused-ops.ts';

const NAMES = [tf.BatchMatMul, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter, tf.Slice, tf.SplitV, tf.Concat, tf.Identity, tf.Sin, tf.Cos, ADAM_UPDATE, SUM_OF_SQUARES, AFFINE_COUPLING, AFFINE_COUPLING_GRAD];

function registrySnapshot(backendName: string): Map<string, tf.KernelConfig> {
  return new Map(tf.getKernelsForBackend(backendName).map((config) => [config.kernelName, config]));
}

afterAll(() => {
  registerWasmTrainingKernels();
});

describe('registerWasmTrainingKernels', () => {
  it('is idempotent and touches only the wasm entries it owns', () => {
    unregisterWasmTrainingKernels();
    const stockWasm = registrySnapshot('wasm');
    const cpu = registrySnapshot('cpu');
    expect(stockWasm.has(tf.Conv2DBackpropFilter)).toBe(false);

    registerWasmTrainingKernels();
    const first = NAMES.map((name) => tf.getKernel(name, 'wasm'));
    registerWasmTrainingKernels();
    const second = NAMES.map((name) => tf.getKernel(name, 'wasm'));

    expect(wasmTrainingKernelsRegistered()).toBe(true);
    expect(second).toEqual(first);
    second.forEach((config, i) => expect(config).toBe(first[i]));
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).not.toBe(stockWasm.get(tf.BatchMatMul));
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')!.setupFunc).toBe(stockWasm.get(tf.BatchMatMul)!.setupFunc);
    expect(registrySnapshot('cpu')).toEqual(cpu);
    for (const [name, config] of registrySnapshot('wasm')) {
      if (!NAMES.includes(name)) expect(config).toBe(stockWasm.get(name));
    }
  });

  it('can be undone, restoring the stock kernels', () => {
    unregisterWasmTrainingKernels();
    const stock = tf.getKernel(tf.BatchMatMul, 'wasm');
    registerWasmTrainingKernels();
    unregisterWasmTrainingKernels();
    expect(wasmTrainingKernelsRegistered()).toBe(false);
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')).toBe(stock);
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeUndefined();
    registerWasmTrainingKernels();
  });

  it('makes conv2d trainable on wasm, which the stock kernels are not', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seededValues([1, 5, 5, 2], 1), [1, 5, 5, 2]);
    const filter = tf.tensor4d(seededValues([3, 3, 2, 2], 2), [3, 3, 2, 2]);
    const filterGrad = () => tf.grad((w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, 1, 'same'))(filter);

    unregisterWasmTrainingKernels();
    expect(filterGrad).toThrow(/Conv2DBackpropFilter/);
    registerWasmTrainingKernels();
    const grad = filterGrad();
    expect(grad.shape).toEqual([3, 3, 2, 2]);
    tf.dispose([grad, x, filter]);
  });

  it('keeps working after the wasm backend is re-created (the stock setup still runs)', async () => {
    registerWasmTrainingKernels();
    const factory = tf.findBackendFactory('wasm')!;
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', factory, 2);
    await tf.setBackend('wasm');
    const aValues = seededValues([4, 3], 3);
    const bValues = seededValues([4, 5], 4);
    const product = tf.matMul(tf.tensor2d(aValues, [4, 3]), tf.tensor2d(bValues, [4, 5]), true, false);
    const actual = await product.data();
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 5; j++) {
        let sum = 0;
        for (let k = 0; k < 4; k++) sum += aValues[k * 3 + i]! * bValues[k * 5 + j]!;
        expect(actual[i * 5 + j]).toBeCloseTo(sum, 5);
      }
    }
    tf.dispose(product);
  });

  it('rejects NCHW in the filter gradient with a clear message', async () => {
    registerWasmTrainingKernels();
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 2, 4, 4]);
    const dy = tf.zeros([1, 2, 4, 4]);
    expect(() =>
      tf.engine().runKernel(
        tf.Conv2DBackpropFilter,
        { x, dy },
        { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] },
      ),
    ).toThrow(/NHWC/);
    tf.dispose([x, dy]);
  });
});
