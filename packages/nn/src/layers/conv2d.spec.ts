import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ouroboros/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Conv2d, type Conv2dOptions } from './conv2d.ts';
import { ErrorLog, expectBackendsAgree, finiteDifferenceError, loadBackends, parameterValues, runLayer, seededValues, tensorsLeftBy, useBackend } from './testing/layer-cases.ts';
import { conv2dRef } from './testing/float64-reference.ts';

const errors = new ErrorLog();

beforeAll(loadBackends);
afterAll(() => console.log(errors.summary('Conv2d wasm vs cpu')));

interface ConvCase {
  label: string;
  x: [number, number, number, number];
  outChannels: number;
  kernel: number | [number, number];
  options: Conv2dOptions;
}

const cases: ConvCase[] = [
  { label: '1x1', x: [2, 4, 5, 3], outChannels: 4, kernel: 1, options: {} },
  { label: '3x3 same', x: [2, 5, 4, 3], outChannels: 2, kernel: 3, options: {} },
  { label: '3x3 stride 2 same', x: [2, 6, 5, 2], outChannels: 3, kernel: 3, options: { stride: 2 } },
  { label: '3x3 stride 2 padding 1 (PyTorch downsample)', x: [1, 6, 6, 2], outChannels: 3, kernel: 3, options: { stride: 2, padding: 1 } },
  { label: '3x3 valid without bias', x: [2, 5, 5, 2], outChannels: 2, kernel: 3, options: { padding: 'valid', bias: false } },
  { label: '3x2 same', x: [1, 4, 5, 2], outChannels: 3, kernel: [3, 2], options: {} },
];

function layerCase(c: ConvCase) {
  return {
    build: () => {
      const module = new Conv2d(c.x[3], c.outChannels, c.kernel, Rng.from(5, c.label), c.options);
      return { module, forward: (x: tf.Tensor) => module.apply(x) };
    },
    inputShape: c.x,
  };
}

function reference(c: ConvCase) {
  const [kh, kw] = typeof c.kernel === 'number' ? [c.kernel, c.kernel] : c.kernel;
  const weightShape = [kh, kw, c.x[3], c.outChannels];
  return (x: Float64Array, p: ReadonlyMap<string, Float64Array>) =>
    conv2dRef(x, c.x, p.get('weight')!, weightShape, p.get('bias') ?? null, c.options.stride ?? 1, c.options.padding ?? 'same').y;
}

describe('Conv2d forward', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s matches a direct sum over the window', async (_, c) => {
    await useBackend('wasm');
    const layer = layerCase(c).build().module;
    const xValues = seededValues(c.x, 2);
    const y = tf.tidy(() => layer.apply(tf.tensor(xValues, c.x)));
    const p = new Map([...parameterValues(layer)].map(([name, v]) => [name, Float64Array.from(v)]));
    const expected = conv2dRef(Float64Array.from(xValues), c.x, p.get('weight')!, layer.weight.shape, p.get('bias') ?? null, layer.stride, layer.padding);
    expect(y.shape).toEqual(expected.shape);
    expect(Array.from(y.dataSync())).toEqual(Array.from(expected.y).map((v) => expect.closeTo(v, 5)));
    y.dispose();
    layer.dispose();
  });
});

describe('Conv2d gradients', () => {
  it.each(cases.map((c) => [c.label, c] as const))('wasm matches cpu: %s', async (label, c) => {
    await expectBackendsAgree(label, layerCase(c), errors);
  });

  it('match central finite differences of a float64 forward pass (3x3 stride 2 padding 1)', async () => {
    const c = cases[3]!;
    const run = await runLayer('wasm', layerCase(c));
    const error = finiteDifferenceError(run, reference(c));
    errors.record('finite differences', error);
    expect(error).toBeLessThanOrEqual(1e-5);
  });
});

describe('Conv2d parameters', () => {
  it('has kh·kw·in·out + out parameters: weight [kh, kw, in, out] and bias [out]', () => {
    const layer = new Conv2d(3, 8, 3, Rng.from(0));
    expect(layer.namedParameters().map(([name, v]) => [name, v.shape])).toEqual([['weight', [3, 3, 3, 8]], ['bias', [8]]]);
    expect(layer.parameterCount()).toBe(3 * 3 * 3 * 8 + 8);
    const noBias = new Conv2d(4, 5, [1, 2], Rng.from(0), { bias: false });
    expect(noBias.parameterCount()).toBe(1 * 2 * 4 * 5);
    [layer, noBias].forEach((m) => m.dispose());
  });

  it('draws identical weights from the same seed and different ones from another', () => {
    const a = new Conv2d(2, 3, 3, Rng.from(1, 'c'));
    const b = new Conv2d(2, 3, 3, Rng.from(1, 'c'));
    const c = new Conv2d(2, 3, 3, Rng.from(2, 'c'));
    expect(parameterValues(a)).toEqual(parameterValues(b));
    expect(parameterValues(a).get('weight')).not.toEqual(parameterValues(c).get('weight'));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('bounds the default weights and bias by 1/sqrt(kh·kw·in), as PyTorch', () => {
    const layer = new Conv2d(4, 64, 3, Rng.from(3));
    const bound = 1 / Math.sqrt(3 * 3 * 4);
    for (const values of parameterValues(layer).values()) {
      const maxAbs = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(maxAbs).toBeLessThanOrEqual(bound);
      expect(maxAbs).toBeGreaterThan(0.8 * bound);
    }
    layer.dispose();
  });
});

describe('Conv2d memory', () => {
  it('leaves no tensors after apply in tf.tidy, nor after dispose()', async () => {
    await useBackend('wasm');
    const x = tf.ones([1, 4, 4, 2]);
    const left = tensorsLeftBy(() => {
      const layer = new Conv2d(2, 3, 3, Rng.from(0), { stride: 2 });
      expect(tensorsLeftBy(() => tf.tidy(() => { layer.apply(x); }))).toBe(0);
      layer.dispose();
    });
    expect(left).toBe(0);
    x.dispose();
  });
});

describe('Conv2d arguments', () => {
  it.each([
    [() => new Conv2d(0, 3, 3, Rng.from(0)), 'Conv2d: inChannels must be a positive integer, got 0'],
    [() => new Conv2d(2, 3, 0, Rng.from(0)), 'Conv2d: kernelSize (height) must be a positive integer, got 0'],
    [() => new Conv2d(2, 3, 3, Rng.from(0), { stride: -1 }), 'Conv2d: stride must be a positive integer, got -1'],
    [() => new Conv2d(2, 3, 3, Rng.from(0), { padding: 'full' as never }), `Conv2d: padding must be 'same', 'valid' or an integer >= 0, got "full"`],
  ])('rejects bad constructor arguments in one line (%#)', (make, message) => {
    expect(make).toThrow(message);
  });

  it('rejects input that is not NHWC with inChannels channels', () => {
    const layer = new Conv2d(3, 2, 1, Rng.from(0));
    const flat = tf.ones([4, 4, 3]);
    const wrong = tf.ones([1, 4, 4, 2]);
    expect(() => layer.apply(flat)).toThrow('Conv2d: input must be NHWC [batch, height, width, 3], got shape [4, 4, 3]');
    expect(() => layer.apply(wrong)).toThrow('Conv2d: input must have 3 channels on its last axis, got shape [1, 4, 4, 2]');
    tf.dispose([flat, wrong]);
    layer.dispose();
  });
});
