import type * as tf from '@tensorflow/tfjs';

/** One 2-D convolution's shapes, as oneDNN takes them (dilation as tfjs's rate; oneDNN's is rate − 1). */
export interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  /** Activations' layout; filters are always tfjs's [kh, kw, in, out]. */
  readonly layout: 'NHWC' | 'NCHW';
}

export function geometryOf(info: tf.backend_util.Conv2DInfo): ConvGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padBottom: info.padInfo.bottom,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right,
    layout: info.dataFormat === 'channelsFirst' ? 'NCHW' : 'NHWC',
  };
}

export function geometryKey(g: ConvGeometry): string {
  return [
    g.layout, g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels,
    g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth,
    g.padTop, g.padBottom, g.padLeft, g.padRight,
  ].join(',');
}

/** Logical dims (N, C, H, W) and element strides of an activation tensor in `layout`. */
export function activationLayout(layout: 'NHWC' | 'NCHW', n: number, c: number, h: number, w: number): { dims: number[]; strides: number[] } {
  const strides = layout === 'NHWC' ? [h * w * c, 1, w * c, c] : [c * h * w, h * w, w, 1];
  return { dims: [n, c, h, w], strides };
}

/** Logical dims (O, I, KH, KW) and strides of a tfjs filter, stored [kh, kw, in, out]. */
export function filterLayout(g: ConvGeometry): { dims: number[]; strides: number[] } {
  const { outChannels: o, inChannels: i, filterHeight: kh, filterWidth: kw } = g;
  return { dims: [o, i, kh, kw], strides: [1, o, kw * i * o, i * o] };
}

/** oneDNN's strides, dilates (rate − 1) and paddings. */
export function convSpatial(g: ConvGeometry): { strides: number[]; dilates: number[]; padL: number[]; padR: number[] } {
  return {
    strides: [g.strideHeight, g.strideWidth],
    dilates: [g.dilationHeight - 1, g.dilationWidth - 1],
    padL: [g.padTop, g.padLeft],
    padR: [g.padBottom, g.padRight],
  };
}
