import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { createConv2DBackpropFilterKernel } from './conv2d-backprop-filter.ts';
import { registerWasmTrainingKernels } from './register-wasm-training-kernels.ts';
import { WasmOps } from './wasm-ops.ts';
import { ErrorLog, onBackend, relativeError, seededValues } from './testing/kernel-cases.ts';

type Shape4 = [number, number, number, number];
type Stride = number | [number, number];
type Pad = Parameters<typeof tf.conv2d>[3];

interface ConvCase {
  /** x for conv2d; the conv2dTranspose input is the conv2d output shape. */
  x: Shape4;
  /** [kh, kw, inC, outC] of the conv2d. */
  filter: Shape4;
  strides: Stride;
  pad: Pad;
}

const TOLERANCE = 1e-4;
const errors = new ErrorLog();

const cases: ConvCase[] = [];
for (const pad of ['same', 'valid'] as const) {
  for (const strides of [1, 2] as const) {
    cases.push({ x: [2, 7, 5, 3], filter: [3, 3, 3, 4], strides, pad });
    cases.push({ x: [3, 9, 6, 4], filter: [3, 2, 4, 2], strides, pad });
    cases.push({ x: [1, 8, 8, 5], filter: [5, 5, 5, 6], strides, pad });
    cases.push({ x: [2, 11, 7, 2], filter: [1, 1, 2, 3], strides, pad });
  }
}
cases.push({ x: [2, 10, 9, 3], filter: [4, 3, 3, 2], strides: [2, 3], pad: 'same' });
cases.push({ x: [2, 10, 9, 3], filter: [2, 3, 3, 2], strides: [3, 2], pad: 'valid' });
cases.push({ x: [2, 6, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: 1 });
cases.push({ x: [2, 9, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 2 });
cases.push({ x: [2, 7, 6, 3], filter: [3, 3, 3, 2], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] });
// padding wider than the filter: dy rows outside the needed window are cropped
cases.push({ x: [1, 6, 5, 2], filter: [2, 2, 2, 3], strides: [1, 2], pad: [[0, 0], [2, 0], [1, 3], [0, 0]] });

function label(c: ConvCase): string {
  return `x=${c.x} filter=${c.filter} strides=${c.strides} pad=${JSON.stringify(c.pad)}`;
}

async function expectBackendsAgree(name: string, compute: () => tf.Tensor[]): Promise<void> {
  const expected = await onBackend('cpu', compute);
  const actual = await onBackend('wasm', compute);
  expect(actual.length).toBe(expected.length);
  const parts = ['output', 'd input', 'd filter'];
  actual.forEach((values, i) => {
    const error = errors.record(`${name} ${parts[i]}`, relativeError(values, expected[i]!));
    expect(error, `${name} ${parts[i]}`).toBeLessThanOrEqual(TOLERANCE);
  });
}

beforeAll(() => {
  registerWasmTrainingKernels();
});

afterAll(() => {
  console.log(errors.summary('conv2d / conv2dTranspose vs cpu'));
});

describe('conv2d gradients on wasm match the cpu backend', () => {
  it.each(cases.map((c) => [label(c), c] as const))('%s', async (_, c) => {
    const xValues = seededValues(c.x, 1);
    const filterValues = seededValues(c.filter, 2);
    await expectBackendsAgree('conv2d', () => {
      const x = tf.tensor4d(xValues, c.x);
      const filter = tf.tensor4d(filterValues, c.filter);
      const conv = (a: tf.Tensor, w: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);
      const y = conv(x, filter);
      const dy = tf.tensor(seededValues(y.shape, 3), y.shape);
      return [y, ...tf.grads(conv)([x, filter], dy)];
    });
  });
});

describe('conv2dTranspose gradients on wasm match the cpu backend', () => {
  it.each(cases.map((c) => [label(c), c] as const))('%s', async (_, c) => {
    const [batch, inH, inW] = c.x;
    const [kh, kw, inC, outC] = c.filter;
    const forwardShape = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape;
    // conv2dTranspose(x', w) is the input gradient of a conv2d with input `c.x` and filter w.
    const input: Shape4 = [batch, forwardShape[1], forwardShape[2], outC];
    const outputShape: Shape4 = [batch, inH, inW, inC];
    const inputValues = seededValues(input, 4);
    const filterValues = seededValues([kh, kw, inC, outC], 5);
    await expectBackendsAgree('conv2dTranspose', () => {
      const x = tf.tensor4d(inputValues, input);
      const filter = tf.tensor4d(filterValues, [kh, kw, inC, outC]);
      const convT = (a: tf.Tensor, w: tf.Tensor) =>
        tf.conv2dTranspose(a as tf.Tensor4D, w as tf.Tensor4D, outputShape, c.strides, c.pad);
      const y = convT(x, filter);
      const dy = tf.tensor(seededValues(y.shape, 6), y.shape);
      return [y, ...tf.grads(convT)([x, filter], dy)];
    });
  });
});

describe('Conv2DBackpropFilter split into chunks of images', () => {
  it.each([
    ['same', 1],
    ['valid', 2],
  ] as const)('pad=%s strides=%d matches the cpu backend', async (pad, strides) => {
    const xShape: Shape4 = [5, 7, 6, 3];
    const filterShape: Shape4 = [3, 3, 3, 4];
    const xValues = seededValues(xShape, 11);
    const forwardShape = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad).outShape;
    const dyValues = seededValues(forwardShape, 12);
    const [expected] = await onBackend('cpu', () => [
      tf.tidy(() => tf.grad((w: tf.Tensor) =>
        tf.conv2d(tf.tensor4d(xValues, xShape), w as tf.Tensor4D, strides, pad),
      )(tf.zeros(filterShape), tf.tensor(dyValues, forwardShape))),
    ]);

    await tf.setBackend('wasm');
    const ops = new WasmOps({
      batchMatMul: tf.getKernel(tf.BatchMatMul, 'wasm')!.kernelFunc,
      transpose: tf.getKernel(tf.Transpose, 'wasm')!.kernelFunc,
      conv2d: tf.getKernel(tf.Conv2D, 'wasm')!.kernelFunc,
    });
    // two images' worth of dy rows per chunk: chunks of 2, 2 and 1 images
    const rowsPerImage = forwardShape[1] * forwardShape[2];
    const kernel = createConv2DBackpropFilterKernel(ops, { weightFloatsPerChunk: 2 * rowsPerImage * filterShape[3] });
    const x = tf.tensor4d(xValues, xShape);
    const dy = tf.tensor(dyValues, forwardShape);
    const backend = tf.backend() as BackendWasm;
    const info = kernel({
      inputs: { x, dy },
      backend,
      attrs: { strides, pad, dataFormat: 'NHWC', filterShape },
    }) as tf.TensorInfo;
    const actual = backend.readSync(info.dataId) as Float32Array;
    backend.disposeData(info.dataId);
    tf.dispose([x, dy]);
    const error = errors.record('chunked d filter', relativeError(actual, expected!));
    expect(error).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe('Conv2DBackpropInput with NCHW', () => {
  it('falls back to the stock kernel, matching the cpu backend', async () => {
    const inputShape: Shape4 = [2, 3, 7, 6];
    const filterShape: Shape4 = [3, 3, 3, 4];
    const dyShape: Shape4 = [2, 4, 4, 3];
    const dyValues = seededValues(dyShape, 13);
    const filterValues = seededValues(filterShape, 14);
    const compute = () => [
      tf.engine().runKernel(
        tf.Conv2DBackpropInput,
        { dy: tf.tensor4d(dyValues, dyShape), filter: tf.tensor4d(filterValues, filterShape) },
        { strides: 2, pad: 'same', dataFormat: 'NCHW', inputShape },
      ) as tf.Tensor,
    ];
    const expected = await onBackend('cpu', compute);
    const actual = await onBackend('wasm', compute);
    expect(relativeError(actual[0]!, expected[0]!)).toBeLessThanOrEqual(TOLERANCE);
  });
});

describe('training-kernel hygiene', () => {
  it('frees every intermediate it allocates', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const x = tf.tensor4d(seededValues([2, 9, 7, 3], 7), [2, 9, 7, 3]);
    const filter = tf.tensor4d(seededValues([3, 3, 3, 4], 8), [3, 3, 3, 4]);
    const before = backend.numDataIds();
    for (const strides of [1, 2]) {
      const grads = tf.grads((a: tf.Tensor, w: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, w as tf.Tensor4D, strides, 'same'),
      )([x, filter]);
      tf.dispose(grads);
    }
    expect(backend.numDataIds()).toBe(before);
    tf.dispose([x, filter]);
  });

  it('trains a small conv net with layers (fit) on wasm', async () => {
    await tf.setBackend('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const xs = tf.tensor4d(seededValues([16, 8, 8, 2], 9), [16, 8, 8, 2]);
    const ys = tf.tensor2d(seededValues([16, 1], 10), [16, 1]);
    const history = await model.fit(xs, ys, { epochs: 5, batchSize: 8, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    model.dispose();
    tf.dispose([xs, ys]);
  });
});
