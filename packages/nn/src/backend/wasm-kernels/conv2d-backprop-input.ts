import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropInputAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, heapView, release } from '../wasm-heap.ts';
import type { ExplicitPadding4, WasmOps } from './wasm-ops.ts';

/**
 * The input positions i = s·m + r − p of one residue class r (mod stride s) along one axis,
 * and the dy window (padded/cropped) a stride-1 valid conv needs to produce them.
 */
export interface AxisPhase {
  /** Filter taps k = r + s·j that reach this class. */
  taps: number;
  /** How many input positions the class has. */
  count: number;
  /** The first input position of the class. */
  first: number;
  /** dy indices kept: [keepFrom, keepFrom + keep). */
  keepFrom: number;
  keep: number;
  padBefore: number;
  padAfter: number;
}

// dx[i] = Σ_j dy[m − j] · w[r + s·j] for i = s·m + r − p: a stride-1 correlation of dy[m0−taps+1 .. m1] with w flipped
export function axisPhase(
  residue: number,
  inSize: number,
  filterSize: number,
  stride: number,
  padBefore: number,
  outSize: number,
): AxisPhase {
  const taps = residue < filterSize ? Math.ceil((filterSize - residue) / stride) : 0;
  const m0 = Math.ceil((padBefore - residue) / stride);
  const m1 = Math.floor((inSize - 1 + padBefore - residue) / stride);
  const lo = m0 - taps + 1;
  const keepFrom = Math.max(0, lo);
  const keepTo = Math.min(outSize - 1, m1);
  return {
    taps,
    count: Math.max(0, m1 - m0 + 1),
    first: stride * m0 + residue - padBefore,
    keepFrom,
    keep: Math.max(0, keepTo - keepFrom + 1),
    padBefore: keepFrom - lo,
    padAfter: m1 - keepTo,
  };
}

/**
 * `Conv2DBackpropInput` (the input gradient of conv2d and the forward of conv2dTranspose) for the
 * wasm backend as stock XNNPACK conv2ds: stride s splits dx into s_h·s_w interleaved phases,
 * each a stride-1 conv of dy with a flipped, channel-swapped sub-filter (no wasted zero taps).
 * NHWC; NCHW goes to the stock kernel.
 */
export function createConv2DBackpropInputKernel(ops: WasmOps, stock: KernelFunc): KernelFunc {
  // dx[n,ih,iw,ci] = Σ_{kh,kw,co} dy[n, (ih+pt−kh)/sh, (iw+pl−kw)/sw, co] · W[kh,kw,ci,co], integral in-range quotients only
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const backend = args.backend as BackendWasm;
    if (dataFormat !== undefined && dataFormat !== 'NHWC') return stock(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { strideHeight: sh, strideWidth: sw } = info;
    const phases: Array<{ rows: AxisPhase; cols: AxisPhase }> = [];
    for (let rh = 0; rh < sh; rh++) {
      const rows = axisPhase(rh, info.inHeight, info.filterHeight, sh, info.padInfo.top, info.outHeight);
      for (let rw = 0; rw < sw; rw++) {
        const cols = axisPhase(rw, info.inWidth, info.filterWidth, sw, info.padInfo.left, info.outWidth);
        phases.push({ rows, cols });
      }
    }
    if (phases.length === 1 && phases[0]!.rows.count === info.inHeight && phases[0]!.cols.count === info.inWidth) {
      return phaseConv(ops, backend, dy, filter, phases[0]!.rows, phases[0]!.cols, sh, sw, 0, 0);
    }
    const dx = allocate(backend, [...info.inShape]);
    heapView(backend, dx).fill(0);
    for (let p = 0; p < phases.length; p++) {
      const { rows, cols } = phases[p]!;
      if (rows.taps === 0 || cols.taps === 0 || rows.count === 0 || cols.count === 0) continue;
      if (rows.keep === 0 || cols.keep === 0) continue;
      const part = phaseConv(ops, backend, dy, filter, rows, cols, sh, sw, Math.floor(p / sw), p % sw);
      scatterPhase(heapView(backend, part), heapView(backend, dx), info, rows, cols);
      release(backend, part);
    }
    return dx;
  };
}

// part[n,a,b,ci] = dx[n, rows.first + sh·a, cols.first + sw·b, ci] for one phase
function phaseConv(
  ops: WasmOps,
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  rows: AxisPhase,
  cols: AxisPhase,
  sh: number,
  sw: number,
  rh: number,
  rw: number,
): TensorInfo {
  const window = cropDy(backend, dy, rows, cols);
  const subFilter = flippedSubFilter(backend, filter, rows.taps, cols.taps, sh, sw, rh, rw);
  const padding: ExplicitPadding4 = [
    [0, 0],
    [rows.padBefore, rows.padAfter],
    [cols.padBefore, cols.padAfter],
    [0, 0],
  ];
  const part = ops.conv2d(backend, window ?? dy, subFilter, padding);
  release(backend, subFilter);
  if (window) release(backend, window);
  return part;
}

/** dy[:, keepFrom..][:, :, keepFrom..] as a new tensor, or null when the whole of dy is kept. */
function cropDy(backend: BackendWasm, dy: TensorInfo, rows: AxisPhase, cols: AxisPhase): TensorInfo | null {
  const [batch, height, width, channels] = dy.shape as [number, number, number, number];
  if (rows.keep === height && cols.keep === width) return null;
  const window = allocate(backend, [batch, rows.keep, cols.keep, channels]);
  const src = heapView(backend, dy);
  const dst = heapView(backend, window);
  const runLength = cols.keep * channels;
  for (let n = 0, d = 0; n < batch; n++) {
    for (let i = 0; i < rows.keep; i++, d += runLength) {
      const s = ((n * height + rows.keepFrom + i) * width + cols.keepFrom) * channels;
      dst.set(src.subarray(s, s + runLength), d);
    }
  }
  return window;
}

// F[a,b,co,ci] = W[rh + sh·(tapsH−1−a), rw + sw·(tapsW−1−b), ci, co]
function flippedSubFilter(
  backend: BackendWasm,
  filter: TensorInfo,
  tapsH: number,
  tapsW: number,
  sh: number,
  sw: number,
  rh: number,
  rw: number,
): TensorInfo {
  const [, filterWidth, inChannels, outChannels] = filter.shape as [number, number, number, number];
  const sub = allocate(backend, [tapsH, tapsW, outChannels, inChannels]);
  const w = heapView(backend, filter);
  const f = heapView(backend, sub);
  for (let a = 0; a < tapsH; a++) {
    const kh = rh + sh * (tapsH - 1 - a);
    for (let b = 0; b < tapsW; b++) {
      const kw = rw + sw * (tapsW - 1 - b);
      const src = (kh * filterWidth + kw) * inChannels * outChannels;
      const dst = (a * tapsW + b) * outChannels * inChannels;
      for (let ci = 0; ci < inChannels; ci++) {
        for (let co = 0; co < outChannels; co++) {
          f[dst + co * inChannels + ci] = w[src + ci * outChannels + co]!;
        }
      }
    }
  }
  return sub;
}

// dx[n, rows.first + sh·a, cols.first + sw·b, :] = part[n, a, b, :]
function scatterPhase(
  part: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  rows: AxisPhase,
  cols: AxisPhase,
): void {
  const c = info.inChannels;
  const { inHeight, inWidth, strideHeight: sh, strideWidth: sw } = info;
  for (let n = 0, s = 0; n < info.batchSize; n++) {
    for (let a = 0; a < rows.count; a++) {
      const ih = rows.first + sh * a;
      let d = ((n * inHeight + ih) * inWidth + cols.first) * c;
      for (let b = 0; b < cols.count; b++, s += c, d += sw * c) {
        for (let ch = 0; ch < c; ch++) dx[d + ch] = part[s + ch]!;
      }
    }
  }
}
