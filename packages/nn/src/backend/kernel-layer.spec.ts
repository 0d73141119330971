import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { KernelLayer } from './kernel-layer.ts';

// A backend name no real backend uses: these tests touch only their own registry entries.
const BACKEND = 'kernel-layer-test';
const KERNEL = 'KernelLayerTestOp';
const stock: KernelFunc = () => ({ dataId: {}, shape: [0], dtype: 'float32' });
const setupFunc = () => {};

const low = new KernelLayer('low', 1, BACKEND);
const high = new KernelLayer('high', 2, BACKEND);
const lowFunc: KernelFunc = (args) => stock(args);
const highFunc: KernelFunc = (args) => stock(args);

/** The kernel funcs from the top of the stack down. */
function stack(): KernelFunc[] {
  const funcs: KernelFunc[] = [];
  for (let config = tf.getKernel(KERNEL, BACKEND) as (tf.KernelConfig & Record<symbol, unknown>) | undefined; config; ) {
    funcs.push(config.kernelFunc);
    config = config[Symbol.for('@ouroboros/nn/kernel-layer/below')] as typeof config;
  }
  return funcs;
}

afterEach(() => {
  high.remove();
  low.remove();
  if (tf.getKernel(KERNEL, BACKEND)) tf.unregisterKernel(KERNEL, BACKEND);
});

describe('KernelLayer', () => {
  it('stacks layers by rank whatever the order they are installed in, keeping the stock setup', () => {
    tf.registerKernel({ kernelName: KERNEL, backendName: BACKEND, kernelFunc: stock, setupFunc });
    high.install(KERNEL, highFunc);
    low.install(KERNEL, lowFunc);
    expect(stack()).toEqual([highFunc, lowFunc, stock]);
    expect(tf.getKernel(KERNEL, BACKEND)!.setupFunc).toBe(setupFunc);
    expect(high.under(KERNEL)).toBe(lowFunc);
    expect(low.under(KERNEL)).toBe(stock);
  });

  it('is idempotent, and removing a lower layer keeps the higher one on the stock kernel', () => {
    tf.registerKernel({ kernelName: KERNEL, backendName: BACKEND, kernelFunc: stock });
    low.install(KERNEL, lowFunc);
    high.install(KERNEL, highFunc);
    high.install(KERNEL, highFunc);
    expect(stack()).toEqual([highFunc, lowFunc, stock]);
    low.remove();
    expect(stack()).toEqual([highFunc, stock]);
    expect(high.installed()).toBe(true);
    expect(low.installed()).toBe(false);
    high.remove();
    expect(tf.getKernel(KERNEL, BACKEND)!.kernelFunc).toBe(stock);
  });

  it('adds a kernel the backend lacks, and removing it leaves none', () => {
    low.install(KERNEL, lowFunc);
    expect(stack()).toEqual([lowFunc]);
    expect(low.under(KERNEL)).toBeUndefined();
    low.remove();
    expect(tf.getKernel(KERNEL, BACKEND)).toBeUndefined();
  });
});
