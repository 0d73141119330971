import * as tf from '@tensorflow/tfjs';
import type {
  Conv2DAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  FusedConv2DAttrs,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, heapView, sizeOf } from '../../wasm-heap.ts';
import { geometryOf, type ConvGeometry } from '../onednn/conv-geometry.ts';
import type { ConvPrimitives } from '../onednn/conv-primitives.ts';
import type { EltwisePrimitives } from '../onednn/eltwise-primitives.ts';
import { activationInPlace, applyActivation, applyPrelu } from './fused-activation.ts';
import type { Fallback } from './mat-mul.ts';

type Shape4 = [number, number, number, number];
type DataFormat = 'NHWC' | 'NCHW' | undefined;

function convInfo(
  xShape: number[],
  filterShape: number[],
  attrs: { strides: number | [number, number]; pad: Conv2DAttrs['pad']; dimRoundingMode?: Conv2DAttrs['dimRoundingMode']; dataFormat?: DataFormat },
  dilations: number | [number, number] = 1,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC'),
  );
  return geometryOf(info);
}

function outShape(g: ConvGeometry): number[] {
  return g.layout === 'NHWC' ? [g.batch, g.outHeight, g.outWidth, g.outChannels] : [g.batch, g.outChannels, g.outHeight, g.outWidth];
}

function empty(...shapes: number[][]): boolean {
  return shapes.some((shape) => sizeOf(shape) === 0);
}

function float32(...infos: Array<TensorInfo | undefined>): boolean {
  return infos.every((info) => info === undefined || info.dtype === 'float32');
}

// y[n,oh,ow,co] = Σ_{kh,kw,ci} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci] · w[kh,kw,ci,co]
export function createNativeConv2D(conv: ConvPrimitives, fallback: Fallback): KernelFunc {
  return (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DAttrs;
    if (!float32(x, filter)) return fallback()(args);
    const g = convInfo(x.shape, filter.shape, attrs, attrs.dilations);
    if (empty(x.shape, filter.shape, outShape(g))) return fallback()(args);
    const backend = args.backend as BackendWasm;
    const y = allocate(backend, outShape(g));
    conv.forward(g, heapView(backend, x), heapView(backend, filter), null, heapView(backend, y));
    return y;
  };
}

/**
 * `FusedConv2D` (conv2d + bias + activation): a per-channel bias rides in the convolution, the
 * activation is applied in place (prelu with one weight per channel, NHWC); other shapes go to the layer below.
 */
export function createNativeFusedConv2D(conv: ConvPrimitives, eltwise: EltwisePrimitives, fallback: Fallback): KernelFunc {
  return (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const attrs = args.attrs as unknown as FusedConv2DAttrs & NamedAttrMap;
    if (!float32(x, filter, bias, preluActivationWeights)) return fallback()(args);
    const g = convInfo(x.shape, filter.shape, attrs, attrs.dilations);
    if (empty(x.shape, filter.shape, outShape(g))) return fallback()(args);
    const perChannel = g.layout === 'NHWC' ? preluActivationWeights : undefined;
    if (!activationInPlace(attrs.activation, g.outChannels, perChannel) || (preluActivationWeights && !perChannel)) return fallback()(args);
    if (bias && !(sizeOf(bias.shape) === g.outChannels && (g.layout === 'NCHW' ? bias.shape.length === 1 : bias.shape.at(-1) === g.outChannels))) {
      return fallback()(args);
    }
    const backend = args.backend as BackendWasm;
    const y = allocate(backend, outShape(g));
    const yView = heapView(backend, y);
    conv.forward(g, heapView(backend, x), heapView(backend, filter), bias ? heapView(backend, bias) : null, yView);
    if (preluActivationWeights) applyPrelu(yView, heapView(backend, preluActivationWeights), g.outChannels);
    else applyActivation(yView, attrs.activation, attrs.leakyreluAlpha as number | undefined, eltwise);
    return y;
  };
}

// dx[n,ih,iw,ci] = Σ_{kh,kw,co} dy[n, (ih + pt − kh)/sh, (iw + pl − kw)/sw, co] · w[kh,kw,ci,co], integral in-range quotients only
export function createNativeConv2DBackpropInput(conv: ConvPrimitives, fallback: Fallback): KernelFunc {
  return (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    if (!float32(dy, filter)) return fallback()(args);
    const g = convInfo(attrs.inputShape, filter.shape, attrs);
    if (empty(attrs.inputShape, filter.shape, dy.shape)) return fallback()(args);
    const backend = args.backend as BackendWasm;
    const dx = allocate(backend, [...attrs.inputShape]);
    conv.backwardData(g, heapView(backend, dy), heapView(backend, filter), heapView(backend, dx));
    return dx;
  };
}

// dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh − pt, ow·sw + kw − pl, ci] · dy[n,oh,ow,co]
export function createNativeConv2DBackpropFilter(conv: ConvPrimitives, fallback: Fallback): KernelFunc {
  return (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs;
    if (!float32(x, dy)) return fallback()(args);
    const g = convInfo(x.shape, attrs.filterShape, attrs);
    if (empty(x.shape, attrs.filterShape, dy.shape)) return fallback()(args);
    const backend = args.backend as BackendWasm;
    const dw = allocate(backend, [...attrs.filterShape]);
    conv.backwardWeights(g, heapView(backend, x), heapView(backend, dy), heapView(backend, dw));
    return dw;
  };
}
