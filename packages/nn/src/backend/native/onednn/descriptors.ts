import type { KoffiLibrary } from '../koffi-module.ts';
import { DNNL } from './onednn-constants.ts';

/** A memory descriptor: a struct buffer in 2.x, an opaque handle in 3.x; both pass as `void *`. */
export type MemoryDesc = unknown;
/** An opaque dnnl_primitive_desc_t. */
export type PrimitiveDesc = unknown;

export interface ConvSpatial {
  readonly strides: number[];
  readonly dilates: number[];
  readonly padL: number[];
  readonly padR: number[];
}

/**
 * The calls that differ between oneDNN 2.x (`*_desc_init` into caller-owned structs, then
 * dnnl_primitive_desc_create) and 3.x (`*_primitive_desc_create` on opaque descriptors).
 */
export interface Descriptors {
  /** A float32 memory descriptor with explicit element strides. */
  strided(dims: number[], strides: number[]): MemoryDesc;
  /** A float32 memory descriptor whose layout the primitive chooses. */
  anyLayout(dims: number[]): MemoryDesc;
  release(md: MemoryDesc): void;
  convForward(src: MemoryDesc, weights: MemoryDesc, bias: MemoryDesc | null, dst: MemoryDesc, s: ConvSpatial): PrimitiveDesc;
  convBackwardData(diffSrc: MemoryDesc, weights: MemoryDesc, diffDst: MemoryDesc, s: ConvSpatial, hint: PrimitiveDesc): PrimitiveDesc;
  convBackwardWeights(src: MemoryDesc, diffWeights: MemoryDesc, diffBias: MemoryDesc | null, diffDst: MemoryDesc, s: ConvSpatial, hint: PrimitiveDesc): PrimitiveDesc;
  /** dst = f(src), f = `algorithm` with parameters alpha, beta. */
  eltwiseForward(algorithm: number, data: MemoryDesc, alpha: number, beta: number): PrimitiveDesc;
  /** diff_src = f'(src) ⊙ diff_dst. */
  eltwiseBackward(algorithm: number, data: MemoryDesc, alpha: number, beta: number, hint: PrimitiveDesc): PrimitiveDesc;
}

type Check = (status: number, what: string) => void;

// sizeof(dnnl_memory_desc_t) is 696 bytes and sizeof(dnnl_convolution_desc_t) 5976 in 2.6: room to spare
const MEMORY_DESC_BYTES = 2048;
const OP_DESC_BYTES = 16384;

export function descriptorsV2(lib: KoffiLibrary, engine: unknown, check: Check): Descriptors {
  const byStrides = lib.func('int dnnl_memory_desc_init_by_strides(void *md, int ndims, const int64_t *dims, int dt, const int64_t *strides)');
  const byTag = lib.func('int dnnl_memory_desc_init_by_tag(void *md, int ndims, const int64_t *dims, int dt, int tag)');
  const forward = lib.func(
    'int dnnl_dilated_convolution_forward_desc_init(void *desc, int prop, int alg, void *src, void *weights, void *bias, void *dst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR)',
  );
  const backwardData = lib.func(
    'int dnnl_dilated_convolution_backward_data_desc_init(void *desc, int alg, void *diffSrc, void *weights, void *diffDst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR)',
  );
  const backwardWeights = lib.func(
    'int dnnl_dilated_convolution_backward_weights_desc_init(void *desc, int alg, void *src, void *diffWeights, void *diffBias, void *diffDst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR)',
  );
  const eltwiseForward = lib.func('int dnnl_eltwise_forward_desc_init(void *desc, int prop, int alg, void *data, float alpha, float beta)');
  const eltwiseBackward = lib.func('int dnnl_eltwise_backward_desc_init(void *desc, int alg, void *diffData, void *data, float alpha, float beta)');
  const create = lib.func('int dnnl_primitive_desc_create(_Out_ void **pd, void *opDesc, void *attr, void *engine, void *hint)');
  const primitiveDesc = (opDesc: Uint8Array, hint: PrimitiveDesc | null, what: string): PrimitiveDesc => {
    const out: unknown[] = [null];
    check(create(out, opDesc, null, engine, hint), what);
    return out[0];
  };
  return {
    strided(dims, strides) {
      const md = new Uint8Array(MEMORY_DESC_BYTES);
      check(byStrides(md, dims.length, dims, DNNL.f32, strides), `memory descriptor ${dims}`);
      return md;
    },
    anyLayout(dims) {
      const md = new Uint8Array(MEMORY_DESC_BYTES);
      check(byTag(md, dims.length, dims, DNNL.f32, DNNL.formatTagAny), `memory descriptor ${dims}`);
      return md;
    },
    release() {},
    convForward(src, weights, bias, dst, s) {
      const desc = new Uint8Array(OP_DESC_BYTES);
      check(forward(desc, DNNL.forwardTraining, DNNL.convolutionDirect, src, weights, bias, dst, s.strides, s.dilates, s.padL, s.padR), 'convolution forward');
      return primitiveDesc(desc, null, 'convolution forward');
    },
    convBackwardData(diffSrc, weights, diffDst, s, hint) {
      const desc = new Uint8Array(OP_DESC_BYTES);
      check(backwardData(desc, DNNL.convolutionDirect, diffSrc, weights, diffDst, s.strides, s.dilates, s.padL, s.padR), 'convolution backward data');
      return primitiveDesc(desc, hint, 'convolution backward data');
    },
    convBackwardWeights(src, diffWeights, diffBias, diffDst, s, hint) {
      const desc = new Uint8Array(OP_DESC_BYTES);
      check(backwardWeights(desc, DNNL.convolutionDirect, src, diffWeights, diffBias, diffDst, s.strides, s.dilates, s.padL, s.padR), 'convolution backward weights');
      return primitiveDesc(desc, hint, 'convolution backward weights');
    },
    eltwiseForward(algorithm, data, alpha, beta) {
      const desc = new Uint8Array(OP_DESC_BYTES);
      check(eltwiseForward(desc, DNNL.forwardTraining, algorithm, data, alpha, beta), 'eltwise forward');
      return primitiveDesc(desc, null, 'eltwise forward');
    },
    eltwiseBackward(algorithm, data, alpha, beta, hint) {
      const desc = new Uint8Array(OP_DESC_BYTES);
      check(eltwiseBackward(desc, algorithm, data, data, alpha, beta), 'eltwise backward');
      return primitiveDesc(desc, hint, 'eltwise backward');
    },
  };
}

export function descriptorsV3(lib: KoffiLibrary, engine: unknown, check: Check): Descriptors {
  const withStrides = lib.func('int dnnl_memory_desc_create_with_strides(_Out_ void **md, int ndims, const int64_t *dims, int dt, const int64_t *strides)');
  const withTag = lib.func('int dnnl_memory_desc_create_with_tag(_Out_ void **md, int ndims, const int64_t *dims, int dt, int tag)');
  const destroy = lib.func('int dnnl_memory_desc_destroy(void *md)');
  const forward = lib.func(
    'int dnnl_convolution_forward_primitive_desc_create(_Out_ void **pd, void *engine, int prop, int alg, void *src, void *weights, void *bias, void *dst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR, void *attr)',
  );
  const backwardData = lib.func(
    'int dnnl_convolution_backward_data_primitive_desc_create(_Out_ void **pd, void *engine, int alg, void *diffSrc, void *weights, void *diffDst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR, void *hint, void *attr)',
  );
  const backwardWeights = lib.func(
    'int dnnl_convolution_backward_weights_primitive_desc_create(_Out_ void **pd, void *engine, int alg, void *src, void *diffWeights, void *diffBias, void *diffDst, const int64_t *strides, const int64_t *dilates, const int64_t *padL, const int64_t *padR, void *hint, void *attr)',
  );
  const eltwiseForward = lib.func(
    'int dnnl_eltwise_forward_primitive_desc_create(_Out_ void **pd, void *engine, int prop, int alg, void *src, void *dst, float alpha, float beta, void *attr)',
  );
  const eltwiseBackward = lib.func(
    'int dnnl_eltwise_backward_primitive_desc_create(_Out_ void **pd, void *engine, int alg, void *diffSrc, void *diffDst, void *data, float alpha, float beta, void *hint, void *attr)',
  );
  const out = (status: number, slot: unknown[], what: string): unknown => {
    check(status, what);
    return slot[0];
  };
  return {
    strided(dims, strides) {
      const slot: unknown[] = [null];
      return out(withStrides(slot, dims.length, dims, DNNL.f32, strides), slot, `memory descriptor ${dims}`);
    },
    anyLayout(dims) {
      const slot: unknown[] = [null];
      return out(withTag(slot, dims.length, dims, DNNL.f32, DNNL.formatTagAny), slot, `memory descriptor ${dims}`);
    },
    release(md) {
      destroy(md);
    },
    convForward(src, weights, bias, dst, s) {
      const slot: unknown[] = [null];
      const status = forward(slot, engine, DNNL.forwardTraining, DNNL.convolutionDirect, src, weights, bias, dst, s.strides, s.dilates, s.padL, s.padR, null);
      return out(status, slot, 'convolution forward');
    },
    convBackwardData(diffSrc, weights, diffDst, s, hint) {
      const slot: unknown[] = [null];
      const status = backwardData(slot, engine, DNNL.convolutionDirect, diffSrc, weights, diffDst, s.strides, s.dilates, s.padL, s.padR, hint, null);
      return out(status, slot, 'convolution backward data');
    },
    convBackwardWeights(src, diffWeights, diffBias, diffDst, s, hint) {
      const slot: unknown[] = [null];
      const status = backwardWeights(slot, engine, DNNL.convolutionDirect, src, diffWeights, diffBias, diffDst, s.strides, s.dilates, s.padL, s.padR, hint, null);
      return out(status, slot, 'convolution backward weights');
    },
    eltwiseForward(algorithm, data, alpha, beta) {
      const slot: unknown[] = [null];
      return out(eltwiseForward(slot, engine, DNNL.forwardTraining, algorithm, data, data, alpha, beta, null), slot, 'eltwise forward');
    },
    eltwiseBackward(algorithm, data, alpha, beta, hint) {
      const slot: unknown[] = [null];
      return out(eltwiseBackward(slot, engine, algorithm, data, data, data, alpha, beta, hint, null), slot, 'eltwise backward');
    },
  };
}
