import * as tf from '@tensorflow/tfjs';
import type { NativeLibraries } from '@ouroboros/nn';

/** A tensor op doctor times: what one call computes and how many floating-point operations it takes. */
export interface Workload {
  /** `sgemm`, `conv 3x3`: the report's key. */
  readonly name: string;
  /** Its shapes, for the report. */
  readonly shape: string;
  /** Floating-point operations of one call (a multiply-add counts 2). */
  readonly flop: number;
  /** Makes the inputs; `call` runs the op once and reads its result back. */
  prepare(): { call(): Promise<void>; dispose(): void };
}

/** Runs `op`, reads its result back (the op is done) and frees it. */
async function readBack(op: () => tf.Tensor): Promise<void> {
  const result = op();
  await result.data();
  result.dispose();
}

const N = 512;

/** C = A·B, 512 x 512 x 512 float32: BatchMatMul, served by sgemm. */
export const sgemmWorkload: Workload = {
  name: 'sgemm',
  shape: `${N}x${N}x${N} float32 matMul`,
  flop: 2 * N ** 3,
  prepare() {
    const a = tf.randomUniform([N, N], -1, 1, 'float32', 1);
    const b = tf.randomUniform([N, N], -1, 1, 'float32', 2);
    return { call: () => readBack(() => tf.matMul(a, b)), dispose: () => tf.dispose([a, b]) };
  },
};

/** The 3x3 convolution timed: a U-Net block's shape (batch 16, 32x32, 64 -> 64 channels, 'same', NHWC). */
const CONV = { batch: 16, size: 32, inChannels: 64, outChannels: 64, kernel: 3 } as const;

export const conv3x3Workload: Workload = {
  name: 'conv 3x3',
  shape: `batch ${CONV.batch}, ${CONV.size}x${CONV.size}x${CONV.inChannels} -> ${CONV.outChannels}, 'same', NHWC`,
  flop: 2 * CONV.batch * CONV.size * CONV.size * CONV.outChannels * CONV.inChannels * CONV.kernel * CONV.kernel,
  prepare() {
    const x: tf.Tensor4D = tf.randomUniform([CONV.batch, CONV.size, CONV.size, CONV.inChannels], -1, 1, 'float32', 3);
    const w: tf.Tensor4D = tf.randomUniform([CONV.kernel, CONV.kernel, CONV.inChannels, CONV.outChannels], -0.1, 0.1, 'float32', 4);
    return { call: () => readBack(() => tf.conv2d(x, w, 1, 'same')), dispose: () => tf.dispose([x, w]) };
  },
};

type ConvGeometry = Parameters<NonNullable<NativeLibraries['dnnl']>['conv']['implementation']>[1];

/** The timed convolution as oneDNN is asked for it: stride 1, one pixel of padding on every side. */
export const conv3x3Geometry: ConvGeometry = {
  batch: CONV.batch,
  inHeight: CONV.size,
  inWidth: CONV.size,
  inChannels: CONV.inChannels,
  outHeight: CONV.size,
  outWidth: CONV.size,
  outChannels: CONV.outChannels,
  filterHeight: CONV.kernel,
  filterWidth: CONV.kernel,
  strideHeight: 1,
  strideWidth: 1,
  dilationHeight: 1,
  dilationWidth: 1,
  padTop: 1,
  padBottom: 1,
  padLeft: 1,
  padRight: 1,
  layout: 'NHWC',
};
