import * as tf from '@tensorflow/tfjs';
import type { Conv2DBackpropFilterAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, asShape, heapView, release } from '../wasm-heap.ts';
import type { WasmOps } from './wasm-ops.ts';

/** Where the input pixels seen by one filter tap (kh, kw) lie. */
interface PatchGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Rows of dy (pixels n·oh·ow) per matMul: XNNPACK runs about a third faster while the packed
 * dy chunk (rows × outC floats) stays within a few MiB of cache than with one huge K.
 */
export const DEFAULT_WEIGHT_FLOATS_PER_CHUNK = 1 << 20;

export interface Conv2DBackpropFilterOptions {
  /** Upper bound on rows × outC of one dy chunk (at least one image is always taken). */
  weightFloatsPerChunk?: number;
}

/**
 * `Conv2DBackpropFilter` (the filter gradient of conv2d, conv2dTranspose and fused conv2d) for
 * the wasm backend, which has none: per chunk of images, one fast 2-D matMul per filter tap,
 * all taps sharing the chunk of dy as XNNPACK weights (packed once). NHWC, dilation 1.
 */
export function createConv2DBackpropFilterKernel(ops: WasmOps, options: Conv2DBackpropFilterOptions = {}): KernelFunc {
  const weightFloatsPerChunk = options.weightFloatsPerChunk ?? DEFAULT_WEIGHT_FLOATS_PER_CHUNK;
  // dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh+kh−pt, ow·sw+kw−pl, ci] · dy[n,oh,ow,co]
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
      args.attrs as unknown as Conv2DBackpropFilterAttrs;
    const backend = args.backend as BackendWasm;
    if (dataFormat !== undefined && dataFormat !== 'NHWC') {
      throw new Error(`Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only, got '${dataFormat}'`);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const [filterHeight, filterWidth, inChannels, outChannels] = filterShape;
    const geometry: PatchGeometry = {
      batch: info.batchSize,
      inHeight: info.inHeight,
      inWidth: info.inWidth,
      inChannels,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      strideHeight: info.strideHeight,
      strideWidth: info.strideWidth,
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
    };
    const rowsPerImage = info.outHeight * info.outWidth;
    const imagesPerChunk = Math.max(1, Math.floor(weightFloatsPerChunk / (rowsPerImage * outChannels)));
    const pixels = info.batchSize * info.inHeight * info.inWidth;
    // channel-major x: xT[ci, n, ih, iw], so each tap's patch rows are contiguous runs
    const xT = ops.transpose(backend, asShape(x, [pixels, inChannels]), [1, 0]);
    const blockSize = inChannels * outChannels;
    const dw = allocate(backend, [...filterShape]);
    heapView(backend, dw).fill(0);
    for (let n0 = 0; n0 < info.batchSize; n0 += imagesPerChunk) {
      const n1 = Math.min(info.batchSize, n0 + imagesPerChunk);
      const rows = (n1 - n0) * rowsPerImage;
      // a fresh tensor: the stock matMul caches packed weights by tensor id until it is freed
      const dyChunk = allocate(backend, [rows, outChannels]);
      heapView(backend, dyChunk).set(
        heapView(backend, dy).subarray(n0 * rowsPerImage * outChannels, n1 * rowsPerImage * outChannels),
      );
      for (let kh = 0; kh < filterHeight; kh++) {
        for (let kw = 0; kw < filterWidth; kw++) {
          const patchT = allocate(backend, [inChannels, rows]);
          gatherPatchTransposed(heapView(backend, xT), heapView(backend, patchT), geometry, kh, kw, n0, n1);
          // [inC, rows] · [rows, outC]: this chunk's share of the tap's [inC, outC] block of dW
          const block = ops.matMul(backend, patchT, dyChunk);
          addInto(heapView(backend, dw), heapView(backend, block), (kh * filterWidth + kw) * blockSize);
          release(backend, block, patchT);
        }
      }
      release(backend, dyChunk);
    }
    release(backend, xT);
    return dw;
  };
}

// target[offset + i] += source[i]
function addInto(target: Float32Array, source: Float32Array, offset: number): void {
  for (let i = 0; i < source.length; i++) target[offset + i]! += source[i]!;
}

// Pᵀ[ci, ((n−n0)·OH+oh)·OW+ow] = xT[ci, n, oh·sh+kh−pt, ow·sw+kw−pl] for n0 ≤ n < n1, zero outside x
function gatherPatchTransposed(
  xT: Float32Array,
  patchT: Float32Array,
  g: PatchGeometry,
  kh: number,
  kw: number,
  n0: number,
  n1: number,
): void {
  const { outWidth, inWidth, strideWidth: sw } = g;
  const owLo = Math.max(0, Math.ceil((g.padLeft - kw) / sw));
  const owHi = Math.max(owLo, Math.min(outWidth, Math.floor((inWidth - 1 + g.padLeft - kw) / sw) + 1));
  const colOffset = owLo * sw + kw - g.padLeft;
  let dst = 0;
  for (let ci = 0; ci < g.inChannels; ci++) {
    for (let n = n0; n < n1; n++) {
      const plane = (ci * g.batch + n) * g.inHeight;
      for (let oh = 0; oh < g.outHeight; oh++, dst += outWidth) {
        const ih = oh * g.strideHeight + kh - g.padTop;
        if (ih < 0 || ih >= g.inHeight) {
          patchT.fill(0, dst, dst + outWidth);
          continue;
        }
        for (let ow = 0; ow < owLo; ow++) patchT[dst + ow] = 0;
        for (let ow = owHi; ow < outWidth; ow++) patchT[dst + ow] = 0;
        let src = (plane + ih) * inWidth + colOffset;
        for (let ow = owLo; ow < owHi; ow++, src += sw) patchT[dst + ow] = xT[src]!;
      }
    }
  }
}
