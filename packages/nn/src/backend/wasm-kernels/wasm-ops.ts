import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, heapView, release } from '../wasm-heap.ts';

/** The stock wasm kernels the training kernels are built from. */
export interface WasmKernelFuncs {
  /** The original `BatchMatMul` (XNNPACK when untransposed with batch 1). */
  readonly batchMatMul: KernelFunc;
  readonly transpose: KernelFunc;
  /** The original `Conv2D` (XNNPACK). */
  readonly conv2d: KernelFunc;
}

/** Explicit NHWC padding as tfjs takes it: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type ExplicitPadding4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Calls stock wasm kernels directly, the way the wasm backend's own kernels call each other:
 * results are heap tensors the engine does not track (release them with `release`).
 */
export class WasmOps {
  /**
   * The [K, N] each memory block was last multiplied as, by its dataId (shared by reshapes).
   * The stock kernel caches its packed XNNPACK weights by B's tensor id alone, so the same
   * memory under another [K, N] would reuse a stale operator: wrong results, heap overrun.
   */
  private readonly weightShapes = new WeakMap<object, string>();

  constructor(private readonly kernels: WasmKernelFuncs) {}

  // C = A · B for A [M, K], B [K, N] (the fast XNNPACK path)
  matMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
    const key = `${b.shape[0]},${b.shape[1]}`;
    const seen = this.weightShapes.get(b.dataId);
    const copy = seen !== undefined && seen !== key ? this.copy(backend, b) : null;
    if (seen === undefined) this.weightShapes.set(b.dataId, key);
    const out = this.kernels.batchMatMul({
      inputs: { a, b: copy ?? b },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as TensorInfo;
    if (copy) release(backend, copy);
    return out;
  }

  /** The same values in new memory (a new tensor id). */
  copy(backend: BackendWasm, x: TensorInfo): TensorInfo {
    const out = allocate(backend, [...x.shape]);
    heapView(backend, out).set(heapView(backend, x));
    return out;
  }

  transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
    return this.kernels.transpose({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
  }

  /** Swaps the last two axes. */
  transposeLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
    const rank = x.shape.length;
    const perm = x.shape.map((_, i) => i);
    perm[rank - 2] = rank - 1;
    perm[rank - 1] = rank - 2;
    return this.transpose(backend, x, perm);
  }

  // y[n,i,j,o] = Σ_{a,b,c} xpad[n, i+a, j+b, c] · w[a,b,c,o] (stride 1, dilation 1, NHWC)
  conv2d(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, pad: ExplicitPadding4): TensorInfo {
    return this.kernels.conv2d({
      inputs: { x, filter },
      backend,
      attrs: { strides: [1, 1], pad, dilations: [1, 1], dataFormat: 'NHWC', dimRoundingMode: undefined },
    } as unknown as Parameters<KernelFunc>[0]) as TensorInfo;
  }
}
