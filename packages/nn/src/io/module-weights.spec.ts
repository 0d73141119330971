import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@ouroboros/core/testing';
import { Module } from '../layers/module.ts';
import { assignModuleWeights, loadModuleWeights } from './module-weights.ts';
import { saveTensors } from './tensor-file.ts';

class Inner extends Module {
  readonly bias = this.param('bias', tf.zeros([3]));
}

class Tiny extends Module {
  readonly weight = this.param('weight', tf.zeros([2, 3]));
  readonly inner = this.child('inner', new Inner());
}

const temp = tempDir('module-weights-');
let net: Tiny;
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  net = new Tiny();
});
afterAll(() => {
  net.dispose();
  temp.cleanup();
});

const values = (module: Module) => Object.fromEntries(module.namedParameters().map(([name, v]) => [name, [...v.dataSync()]]));

describe('assignModuleWeights', () => {
  it('copies tensors into the variables by dotted name, under a prefix, ignoring entries outside it', () => {
    const tensors = { 'model.weight': tf.tensor2d([[1, 2, 3], [4, 5, 6]]), 'model.inner.bias': tf.tensor1d([7, 8, 9]), 'adam.m.weight': tf.ones([2, 3]) };
    const report = assignModuleWeights(net, tensors, { prefix: 'model.' });
    expect(report).toEqual({ assigned: ['weight', 'inner.bias'], missing: [], unexpected: [] });
    tf.dispose(Object.values(tensors));
    expect(values(net)).toEqual({ weight: [1, 2, 3, 4, 5, 6], 'inner.bias': [7, 8, 9] });
  });

  it('names the parameter, the source and both shapes on a shape mismatch, and assigns nothing', () => {
    const before = values(net);
    const tensors = { 'inner.bias': tf.zeros([3]), weight: tf.zeros([3, 2]) };
    expect(() => assignModuleWeights(net, tensors, { source: 'ckpt.safetensors' })).toThrow(
      "ckpt.safetensors: 'weight' has shape [3, 2], but Tiny parameter 'weight' has shape [2, 3]",
    );
    tf.dispose(Object.values(tensors));
    expect(values(net)).toEqual(before);
  });

  it('reports missing and unexpected names: an error when strict, a report otherwise', () => {
    const before = values(net);
    const tensors = { weight: tf.fill([2, 3], 5), 'inner.gain': tf.ones([3]) };
    expect(() => assignModuleWeights(net, tensors, { source: 'a.safetensors' })).toThrow("a.safetensors: no weights for 1 Tiny parameter(s): 'inner.bias'");
    expect(() => assignModuleWeights(net, { ...tensors, 'inner.bias': tensors.weight.slice(0, 1).reshape([3]) }, { source: 'a.safetensors' })).toThrow(
      "a.safetensors: 1 entries name no Tiny parameter: 'inner.gain'",
    );
    expect(values(net)).toEqual(before);
    expect(assignModuleWeights(net, tensors, { strict: false })).toEqual({ assigned: ['weight'], missing: ['inner.bias'], unexpected: ['inner.gain'] });
    expect(values(net)).toEqual({ ...before, weight: [5, 5, 5, 5, 5, 5] });
    tf.dispose(Object.values(tensors));
  });

  it('loadModuleWeights reads a file, names it in errors and leaks no tensors', async () => {
    const path = join(temp.dir, 'tiny.safetensors');
    const saved = { weight: tf.tensor2d([[6, 5, 4], [3, 2, 1]]), 'inner.bias': tf.tensor1d([-1, -2, -3]) };
    await saveTensors(path, saved);
    tf.dispose(Object.values(saved));
    const before = tf.memory().numTensors;
    expect(loadModuleWeights(net, path).assigned).toEqual(['weight', 'inner.bias']);
    expect(values(net)).toEqual({ weight: [6, 5, 4, 3, 2, 1], 'inner.bias': [-1, -2, -3] });
    expect(() => loadModuleWeights(net, path, { prefix: 'ema.' })).toThrow(`${path}: no weights under 'ema.' for 2 Tiny parameter(s): 'weight', 'inner.bias'`);
    expect(tf.memory().numTensors).toBe(before);
  });
});
