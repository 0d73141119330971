/**
 * oneDNN's C API numbers that are the same in 2.x and 3.x (dnnl_types.h / dnnl_common_types.h).
 * Format tags and algorithm kinds for eltwise differ between the two and are not used: memory is
 * described by explicit strides, or as `any` (format_kind_any = tag 1 in both).
 */
export const DNNL = {
  success: 0,
  f32: 3,
  formatTagAny: 1,
  cpuEngine: 1,
  streamDefaultFlags: 1,
  forwardTraining: 64,
  forwardInference: 96,
  convolutionDirect: 1,
  query: { implInfoStr: 8, srcMd: 129, diffSrcMd: 130, weightsMd: 131, diffWeightsMd: 132, dstMd: 133, diffDstMd: 134 },
  arg: { src: 1, dst: 17, weights: 33, bias: 41, diffSrc: 129, diffDst: 145, diffWeights: 161, diffBias: 169, from: 1, to: 17 },
  /** dnnl_version_t.cpu_runtime: DNNL_RUNTIME_SEQ, _OMP, _TBB, _THREADPOOL. */
  runtime: { 1: 'sequential', 2: 'OpenMP', 4: 'TBB', 8: 'threadpool' } as Record<number, string>,
} as const;

/** Eltwise algorithm kinds, which 3.0 renumbered (dnnl_types.h of 2.6, dnnl_common_types.h of 3.x). */
export const ELTWISE_ALGORITHMS = {
  2: { relu: 0x1f, tanh: 0x2f, logistic: 0xaf, exp: 0xbf, swish: 0xdf },
  3: { relu: 0x20, tanh: 0x21, logistic: 0x29, exp: 0x2a, swish: 0x2c },
} as const;

export type EltwiseKind = keyof (typeof ELTWISE_ALGORITHMS)[2];

/** dnnl_status_t names, for error messages. */
export const STATUS_NAMES = [
  'success',
  'out_of_memory',
  'invalid_arguments',
  'unimplemented',
  'iterator_ends',
  'runtime_error',
  'not_required',
];
