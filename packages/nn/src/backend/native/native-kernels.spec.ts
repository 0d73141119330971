import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorLog, matMulLabel, operands, relativeError, seededValues, transposes, type MatMulCase } from '../wasm-kernels/testing/kernel-cases.ts';
import { nativeSkipReason, onKernels, testLibraries } from './testing/native-libraries.ts';
import { registerNativeKernels, unregisterNativeKernels } from './native-kernels.ts';

const TOLERANCE = 1e-4;
const errors = new ErrorLog();
const describeNative = nativeSkipReason ? describe.skip : describe;
if (nativeSkipReason) console.log(`native kernel tests skipped: ${nativeSkipReason}`);
else {
  const { blas, dnnl } = testLibraries();
  console.log(`native kernels under test: oneDNN ${dnnl!.versionString} (${dnnl!.version.runtime}) at ${dnnl!.path}; ${blas!.name} at ${blas!.path}`);
}

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

async function expectKernelsAgree(name: string, parts: string[], compute: () => tf.Tensor[]): Promise<void> {
  const expected = await onKernels('wasm', compute);
  const actual = await onKernels('native', compute);
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, i) => {
    const part = `${name} ${parts[i] ?? i}`;
    expect(values.length, part).toBe(expected[i]!.length);
    expect(errors.record(part, relativeError(values, expected[i]!)), part).toBeLessThanOrEqual(TOLERANCE);
  });
}

afterAll(() => console.log(errors.summary('native kernels vs wasm')));

interface ConvCase {
  x: Shape4;
  filter: Shape4;
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
}

const convCases: ConvCase[] = [];
for (const pad of ['same', 'valid'] as const) {
  for (const strides of [1, 2] as const) {
    convCases.push({ x: [2, 7, 5, 3], filter: [3, 3, 3, 4], strides, pad });
    convCases.push({ x: [1, 9, 6, 5], filter: [3, 2, 5, 7], strides, pad });
    convCases.push({ x: [3, 8, 8, 1], filter: [5, 5, 1, 6], strides, pad });
    convCases.push({ x: [2, 11, 7, 2], filter: [1, 1, 2, 3], strides, pad });
  }
}
convCases.push({ x: [2, 10, 9, 3], filter: [4, 3, 3, 2], strides: [2, 3], pad: 'same' });
convCases.push({ x: [2, 10, 9, 3], filter: [2, 3, 3, 2], strides: [3, 2], pad: 'valid' });
convCases.push({ x: [2, 6, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: 1 });
convCases.push({ x: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 2 });
convCases.push({ x: [2, 7, 6, 3], filter: [3, 3, 3, 2], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] });
convCases.push({ x: [1, 6, 5, 2], filter: [2, 2, 2, 3], strides: [1, 2], pad: [[0, 0], [2, 0], [1, 3], [0, 0]] });
// the U-Net's and Inception's shapes, smaller batches
convCases.push({ x: [2, 16, 16, 64], filter: [3, 3, 64, 128], strides: 2, pad: 'same' });
convCases.push({ x: [2, 17, 17, 32], filter: [1, 7, 32, 24], strides: 1, pad: 'same' });

const dilatedCases: ConvCase[] = [
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same', dilations: 2 },
  { x: [1, 12, 10, 5], filter: [3, 2, 5, 3], strides: 1, pad: 'valid', dilations: [2, 3] },
  { x: [2, 8, 8, 2], filter: [2, 2, 2, 3], strides: 1, pad: [[0, 0], [1, 1], [2, 0], [0, 0]], dilations: 3 },
];

const convLabel = (c: ConvCase) => `x=${c.x} filter=${c.filter} strides=${c.strides} pad=${JSON.stringify(c.pad)}${c.dilations ? ` dilations=${c.dilations}` : ''}`;

describeNative('conv2d on the native kernels matches the wasm kernels', () => {
  it.each(convCases.map((c) => [convLabel(c), c] as const))('values and both gradients: %s', async (_, c) => {
    const xValues = seededValues(c.x, 1);
    const filterValues = seededValues(c.filter, 2);
    await expectKernelsAgree('conv2d', ['output', 'd input', 'd filter'], () => {
      const conv = (a: tf.Tensor, w: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);
      const x = tf.tensor4d(xValues, c.x);
      const filter = tf.tensor4d(filterValues, c.filter);
      const y = conv(x, filter);
      const dy = tf.tensor(seededValues(y.shape, 3), y.shape);
      return [y, ...tf.grads(conv)([x, filter], dy)];
    });
  });

  it.each(dilatedCases.map((c) => [convLabel(c), c] as const))('dilated values: %s', async (_, c) => {
    const xValues = seededValues(c.x, 4);
    const filterValues = seededValues(c.filter, 5);
    await expectKernelsAgree('dilated conv2d', ['output'], () => [
      tf.conv2d(tf.tensor4d(xValues, c.x), tf.tensor4d(filterValues, c.filter), c.strides, c.pad, 'NHWC', c.dilations),
    ]);
  });

  it.each(convCases.slice(0, 8).map((c) => [convLabel(c), c] as const))('conv2dTranspose values and gradients: %s', async (_, c) => {
    const forward = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);
    const input: Shape4 = [c.x[0], forward.outHeight, forward.outWidth, c.filter[3]];
    const inputValues = seededValues(input, 6);
    const filterValues = seededValues(c.filter, 7);
    await expectKernelsAgree('conv2dTranspose', ['output', 'd input', 'd filter'], () => {
      const convT = (a: tf.Tensor, w: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, w as tf.Tensor4D, c.x, c.strides, c.pad as 'same' | 'valid' | number);
      const x = tf.tensor4d(inputValues, input);
      const filter = tf.tensor4d(filterValues, c.filter);
      const y = convT(x, filter);
      const dy = tf.tensor(seededValues(y.shape, 8), y.shape);
      return [y, ...tf.grads(convT)([x, filter], dy)];
    });
  });

  it('NCHW activations give the NHWC result transposed', async () => {
    const xShape: Shape4 = [2, 9, 7, 5];
    const filterShape: Shape4 = [3, 3, 5, 4];
    const xValues = seededValues(xShape, 9);
    const filterValues = seededValues(filterShape, 10);
    const [nhwc, nchw] = await onKernels('native', () => {
      const x = tf.tensor4d(xValues, xShape);
      const filter = tf.tensor4d(filterValues, filterShape);
      return [
        tf.conv2d(x, filter, 2, 'same'),
        tf.conv2d(x.transpose([0, 3, 1, 2]) as tf.Tensor4D, filter, 2, 'same', 'NCHW').transpose([0, 2, 3, 1]),
      ];
    });
    expect(errors.record('conv2d NCHW', relativeError(nchw!, nhwc!))).toBeLessThanOrEqual(TOLERANCE);
  });

  it.each(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const)('fused conv2d + bias + %s, values and gradients', async (activation) => {
    const xShape: Shape4 = [2, 8, 7, 3];
    const filterShape: Shape4 = [3, 3, 3, 5];
    const xValues = seededValues(xShape, 11);
    const filterValues = seededValues(filterShape, 12);
    const biasValues = seededValues([5], 13);
    await expectKernelsAgree(`fused conv2d ${activation}`, ['output', 'd input', 'd filter', 'd bias'], () => {
      const x = tf.tensor4d(xValues, xShape);
      const filter = tf.tensor4d(filterValues, filterShape);
      const bias = tf.tensor1d(biasValues);
      const alpha = activation === 'prelu' ? tf.fill([5], 0.3) : undefined;
      const conv = (a: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
        tf.fused.conv2d({ x: a as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation, preluActivationWeights: alpha, leakyreluAlpha: 0.1 });
      const y = conv(x, filter, bias);
      const dy = tf.tensor(seededValues(y.shape, 14), y.shape);
      // tfjs differentiates fused conv2d only for linear and relu
      const differentiable = activation === 'linear' || activation === 'relu';
      return differentiable ? [y, ...tf.grads(conv)([x, filter, bias], dy)] : [y];
    });
  });
});

const gradientCases: MatMulCase[] = [];
const broadcastCases: MatMulCase[] = [];
for (const [ta, tb] of transposes) {
  gradientCases.push(operands([], [], 1, 7, 3, ta, tb), operands([], [], 33, 20, 17, ta, tb), operands([3], [3], 20, 30, 24, ta, tb), operands([2, 3], [2, 3], 21, 1, 19, ta, tb));
  broadcastCases.push(operands([4], [], 5, 7, 3, ta, tb), operands([], [4], 22, 30, 19, ta, tb), operands([1], [2, 3], 22, 30, 19, ta, tb));
}

describeNative('matMul on the native kernels matches the wasm kernels', () => {
  it.each(gradientCases.map((c) => [matMulLabel(c), c] as const))('values and gradients: %s', async (_, c) => {
    const aValues = seededValues(c.a, 21);
    const bValues = seededValues(c.b, 22);
    await expectKernelsAgree('matMul', ['output', 'd a', 'd b'], () => {
      const product = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, c.transposeA, c.transposeB);
      const a = tf.tensor(aValues, c.a);
      const b = tf.tensor(bValues, c.b);
      const y = product(a, b);
      const dy = tf.tensor(seededValues(y.shape, 23), y.shape);
      return [y, ...tf.grads(product)([a, b], dy)];
    });
  });

  it.each(broadcastCases.map((c) => [matMulLabel(c), c] as const))('broadcast batch values: %s', async (_, c) => {
    const aValues = seededValues(c.a, 24);
    const bValues = seededValues(c.b, 25);
    await expectKernelsAgree('broadcast matMul', ['output'], () => [tf.matMul(tf.tensor(aValues, c.a), tf.tensor(bValues, c.b), c.transposeA, c.transposeB)]);
  });

  // tfjs-backend-wasm 4.22's own _FusedMatMul is wrong for batched operands (28% off on [2, 9, 13]),
  // so the reference is the unfused product, bias add and activation on the wasm kernels
  it.each(['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid', 'prelu'] as const)('fused matMul + bias + %s equals the unfused ops, values and gradients', async (activation) => {
    const aValues = seededValues([2, 9, 13], 26);
    const bValues = seededValues([2, 13, 6], 27);
    const biasValues = seededValues([6], 28);
    const unfused: Record<typeof activation, (y: tf.Tensor) => tf.Tensor> = {
      linear: (y) => y,
      relu: (y) => tf.relu(y),
      relu6: (y) => tf.relu6(y),
      elu: (y) => tf.elu(y),
      leakyrelu: (y) => tf.leakyRelu(y, 0.1),
      sigmoid: (y) => tf.sigmoid(y),
      prelu: (y) => tf.prelu(y, tf.fill([6], 0.3)),
    };
    // tfjs differentiates fused matMul only for linear and relu
    const differentiable = activation === 'linear' || activation === 'relu';
    const compute = (product: (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) => tf.Tensor) => () => {
      const a = tf.tensor(aValues, [2, 9, 13]);
      const b = tf.tensor(bValues, [2, 13, 6]);
      const bias = tf.tensor(biasValues);
      const y = product(a, b, bias);
      const dy = tf.tensor(seededValues(y.shape, 29), y.shape);
      return differentiable ? [y, ...tf.grads(product)([a, b, bias], dy)] : [y];
    };
    const expected = await onKernels('wasm', compute((a, b, bias) => unfused[activation](tf.add(tf.matMul(a, b), bias))));
    const actual = await onKernels('native', compute((a, b, bias) =>
      tf.fused.matMul({ a, b, bias, activation, preluActivationWeights: activation === 'prelu' ? tf.fill([6], 0.3) : undefined, leakyreluAlpha: 0.1 }),
    ));
    const parts = ['output', 'd a', 'd b', 'd bias'];
    actual.forEach((values, i) => {
      const part = `fused matMul ${activation} ${parts[i]}`;
      expect(errors.record(part, relativeError(values, expected[i]!)), part).toBeLessThanOrEqual(TOLERANCE);
    });
  });

  it('hands what it does not serve (int32) to the kernel below, as the wasm kernels would', async () => {
    const product = () => [tf.matMul(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), tf.tensor2d([1, 0, 2, 1, 0, 3], [3, 2], 'int32'))];
    await expect(onKernels('wasm', product)).rejects.toThrow(/non-float32/);
    await expect(onKernels('native', product)).rejects.toThrow(/non-float32/);
  });
});
const reductions: Array<[number[], number | number[], boolean]> = [
  [[64, 9, 9, 16], [0, 1, 2], false],
  [[8, 100, 4, 8], [1, 3], true],
  [[512, 256], 0, false],
  [[512, 256], -1, true],
  [[6, 5, 4, 3], [0, 2], false],
  [[6, 5, 4, 3], [0, 1, 2, 3], false],
  [[7], 0, true],
];

describeNative('sum and mean on the native kernels match the wasm kernels', () => {
  it.each(reductions)('over %j, axes %j, keepDims %s: values, shapes and gradients', async (shape, axis, keepDims) => {
    const values = seededValues(shape, 51);
    const compute = () => {
      const x = tf.tensor(values, shape);
      const sum = tf.sum(x, axis, keepDims);
      const mean = tf.mean(x, axis, keepDims);
      const dsum = tf.grad((t: tf.Tensor) => tf.sum(t, axis, keepDims).square().sum())(x);
      return [sum, mean, dsum, tf.tensor(sum.shape), tf.tensor(mean.shape)];
    };
    await expectKernelsAgree('reduce', ['sum', 'mean', 'd sum', 'sum shape', 'mean shape'], compute);
  });
});

describeNative('sigmoid and tanh on oneDNN match the wasm kernels', () => {
  it.each([[[512, 256]], [[3, 7]], [[2, 9, 9, 16]]])('values and gradients over %j', async (shape) => {
    const values = seededValues(shape, 61).map((v) => 6 * v);
    await expectKernelsAgree('eltwise', ['sigmoid', 'tanh', 'd sigmoid', 'd tanh'], () => {
      const x = tf.tensor(values, shape);
      return [tf.sigmoid(x), tf.tanh(x), tf.grad((t: tf.Tensor) => tf.sigmoid(t).sum())(x), tf.grad((t: tf.Tensor) => tf.tanh(t).sum())(x)];
    });
  });
});

describeNative('native kernels in use', () => {
  it('serve matMul with oneDNN or the CBLAS, and convolutions with oneDNN', () => {
    const assignments = registerNativeKernels(testLibraries());
    unregisterNativeKernels();
    const served = Object.fromEntries(assignments.map((a) => [a.kernelName, a.library]));
    expect(served[tf.BatchMatMul]).toMatch(/oneDNN|BLAS|MKL|BLIS|Accelerate/);
    for (const kernel of [tf.Conv2D, tf.FusedConv2D, tf.Conv2DBackpropInput, tf.Conv2DBackpropFilter]) expect(served[kernel]).toMatch(/^oneDNN/);
  });

  it('give the same values at one thread and at two', async () => {
    const dnnl = testLibraries().dnnl!;
    const compute = () => {
      const x = tf.tensor4d(seededValues([4, 16, 16, 32], 31), [4, 16, 16, 32]);
      const w = tf.tensor4d(seededValues([3, 3, 32, 32], 32), [3, 3, 32, 32]);
      return [tf.conv2d(x, w, 1, 'same'), tf.matMul(tf.tensor2d(seededValues([256, 128], 33), [256, 128]), tf.tensor2d(seededValues([128, 64], 34), [128, 64]))];
    };
    const before = dnnl.threads ?? 1;
    try {
      dnnl.setThreads(1);
      const one = await onKernels('native', compute);
      dnnl.setThreads(2);
      const two = await onKernels('native', compute);
      one.forEach((values, i) => expect(relativeError(two[i]!, values)).toBeLessThanOrEqual(1e-6));
    } finally {
      dnnl.setThreads(before);
    }
  });

  it('leak no tensors and no wasm memory over repeated training steps', async () => {
    const step = () => {
      const x = tf.tensor4d(seededValues([2, 8, 8, 4], 41), [2, 8, 8, 4]);
      const w = tf.tensor4d(seededValues([3, 3, 4, 4], 42), [3, 3, 4, 4]);
      const m = tf.tensor2d(seededValues([16, 16], 43), [16, 16]);
      const loss = (xx: tf.Tensor, ww: tf.Tensor, mm: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same').reshape([-1, 16]).matMul(mm).square().sum();
      return tf.grads(loss)([x, w, m]);
    };
    await onKernels('native', step);
    const before = tf.memory();
    for (let i = 0; i < 5; i++) await onKernels('native', step);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
