import * as tf from '@tensorflow/tfjs';
import type { KernelFunc } from '@tensorflow/tfjs';
import { KernelLayer } from '../kernel-layer.ts';
import {
  createNativeConv2D,
  createNativeConv2DBackpropFilter,
  createNativeConv2DBackpropInput,
  createNativeFusedConv2D,
} from './kernels/conv2d.ts';
import { createNativeBatchMatMul, createNativeFusedMatMul, type Fallback } from './kernels/mat-mul.ts';
import { createNativeMean, createNativeSum } from './kernels/reduce.ts';
import { createNativeEltwise } from './kernels/eltwise.ts';
import { createMlpBackward, createMlpForward } from './kernels/mlp.ts';
import { GROUP_NORM_SILU, GROUP_NORM_SILU_GRAD, MLP_BACKWARD, MLP_FORWARD } from '../fused-ops.ts';
import { createGroupNormSiluBackward, createGroupNormSiluForward } from './kernels/group-norm-silu.ts';
import { SMALL_GEMM_MACS, sizeRoutedSgemm, type Sgemm } from './kernels/sgemm.ts';
import type { NativeLibraries } from './native-libraries.ts';

/** Native kernels sit over the wasm training kernels (rank 1) and the wasm backend's own. */
const nativeLayer = new KernelLayer('native-kernels', 2, 'wasm');

/** Which library serves a tensor op. */
export interface KernelAssignment {
  readonly kernelName: string;
  /** `oneDNN 2.6.3 (dnnl_sgemm)`, `OpenBLAS (cblas_sgemm)`, ... */
  readonly library: string;
}

interface KernelEntry extends KernelAssignment {
  create(fallback: Fallback): KernelFunc;
}

/**
 * The GEMM float32 products use: oneDNN's (it picks its code by CPUID at run time) when there, with
 * the small products on the CBLAS when both are there (measured at two threads: 11 against 38 µs for
 * the 512×2×256 product of an MLP's last layer, 10 against 24 µs for a bias gradient, with no
 * sleeping OpenMP thread woken); else the CBLAS's.
 */
export function float32Gemm(libs: NativeLibraries): { sgemm: Sgemm; library: string } | null {
  const { dnnl, blas } = libs;
  if (dnnl && blas) {
    return {
      sgemm: sizeRoutedSgemm(blas.sgemm.bind(blas), dnnl.sgemm.bind(dnnl)),
      library: `oneDNN ${dnnl.versionString} (dnnl_sgemm; ${blas.name}'s cblas_sgemm up to ${SMALL_GEMM_MACS} multiply-adds)`,
    };
  }
  if (dnnl) return { sgemm: dnnl.sgemm.bind(dnnl), library: `oneDNN ${dnnl.versionString} (dnnl_sgemm)` };
  if (blas) return { sgemm: blas.sgemm.bind(blas), library: `${blas.name} (cblas_sgemm)` };
  return null;
}

/** The ops the native libraries serve on this machine, and with what. */
export function nativeKernelTable(libs: NativeLibraries): KernelEntry[] {
  const entries: KernelEntry[] = [];
  const gemm = float32Gemm(libs);
  if (gemm) {
    entries.push(
      { kernelName: tf.BatchMatMul, library: gemm.library, create: (fallback) => createNativeBatchMatMul(gemm.sgemm, fallback) },
      { kernelName: tf._FusedMatMul, library: gemm.library, create: (fallback) => createNativeFusedMatMul(gemm.sgemm, libs.dnnl?.eltwise, fallback) },
      { kernelName: tf.Sum, library: gemm.library, create: (fallback) => createNativeSum(gemm.sgemm, fallback) },
      { kernelName: tf.Mean, library: gemm.library, create: (fallback) => createNativeMean(gemm.sgemm, fallback) },
    );
  }
  if (libs.dnnl) {
    const { conv, eltwise } = libs.dnnl;
    const library = `oneDNN ${libs.dnnl.versionString}`;
    entries.push(
      { kernelName: tf.Conv2D, library, create: (fallback) => createNativeConv2D(conv, fallback) },
      { kernelName: tf.FusedConv2D, library, create: (fallback) => createNativeFusedConv2D(conv, eltwise, fallback) },
      { kernelName: tf.Conv2DBackpropInput, library, create: (fallback) => createNativeConv2DBackpropInput(conv, fallback) },
      { kernelName: tf.Conv2DBackpropFilter, library, create: (fallback) => createNativeConv2DBackpropFilter(conv, fallback) },
      { kernelName: tf.Sigmoid, library, create: (fallback) => createNativeEltwise('logistic', eltwise, fallback) },
      { kernelName: tf.Tanh, library, create: (fallback) => createNativeEltwise('tanh', eltwise, fallback) },
      { kernelName: GROUP_NORM_SILU, library: `${library} (swish) and wasm SIMD`, create: () => createGroupNormSiluForward(eltwise) },
      { kernelName: GROUP_NORM_SILU_GRAD, library: `${library} (swish) and wasm SIMD`, create: () => createGroupNormSiluBackward(eltwise) },
    );
    if (gemm) {
      const mlpLibrary = `${gemm.library.replace(/\)$/, '; relu by wasm SIMD, tanh and silu by oneDNN eltwise)')}`;
      entries.push(
        { kernelName: MLP_FORWARD, library: mlpLibrary, create: () => createMlpForward(gemm.sgemm, eltwise) },
        { kernelName: MLP_BACKWARD, library: mlpLibrary, create: () => createMlpBackward(gemm.sgemm, eltwise) },
      );
    }
  }
  return entries;
}

/**
 * Lays the native kernels over the wasm backend's (every op not in the table stays on wasm); a
 * call a native kernel does not serve (another dtype, prelu) goes to the kernel below it.
 */
export function registerNativeKernels(libs: NativeLibraries): KernelAssignment[] {
  const table = nativeKernelTable(libs);
  for (const entry of table) {
    const fallback: Fallback = () => {
      const below = nativeLayer.under(entry.kernelName);
      if (!below) throw new Error(`native kernels: the wasm backend has no '${entry.kernelName}' kernel to fall back to`);
      return below;
    };
    nativeLayer.install(entry.kernelName, entry.create(fallback));
  }
  return table.map(({ kernelName, library }) => ({ kernelName, library }));
}

/** Takes the native kernels out: the wasm kernels serve every op again. */
export function unregisterNativeKernels(): void {
  nativeLayer.remove();
}

export function nativeKernelsRegistered(): boolean {
  return nativeLayer.installed();
}
