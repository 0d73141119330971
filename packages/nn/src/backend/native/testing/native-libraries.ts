import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../wasm-kernels/register-wasm-training-kernels.ts';
import { registerNativeKernels, unregisterNativeKernels } from '../native-kernels.ts';
import { nativeLibraries, type NativeLibraries } from '../native-libraries.ts';

const libraries: NativeLibraries = nativeLibraries();

/** Why native tests are skipped here, or null when both libraries are present. */
export const nativeSkipReason: string | null =
  libraries.blas && libraries.dnnl ? null : `native libraries missing (${[libraries.missing.blas, libraries.missing.dnnl].filter(Boolean).join('; ')})`;

export function testLibraries(): NativeLibraries {
  return libraries;
}

/** Runs `compute` on the wasm backend with the native kernels laid over it or not, and copies the results out. */
export async function onKernels(kernels: 'native' | 'wasm', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed");
  registerWasmTrainingKernels();
  if (kernels === 'native') registerNativeKernels(libraries);
  else unregisterNativeKernels();
  try {
    const results = tf.tidy(compute);
    const values = results.map((t) => t.dataSync() as Float32Array);
    tf.dispose(results);
    return values;
  } finally {
    unregisterNativeKernels();
  }
}
