import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import type { BackendName, BackendOptions, TensorBackend } from '@ouroboros/core';
import { registerNativeKernels, unregisterNativeKernels, type KernelAssignment } from './native/native-kernels.ts';
import { nativeLibraries, type NativeLibraries } from './native/native-libraries.ts';
import { missingLibraries, NATIVE_HINT, servedBy } from './native/native-summary.ts';
import { applyThreads, defaultThreads } from './native/native-threads.ts';

/** The order tried for `auto`: CUDA TensorFlow, CPU TensorFlow, wasm with native kernels, wasm SIMD, plain JS. */
const autoOrder: Exclude<BackendName, 'auto'>[] = ['node-gpu', 'node', 'native', 'wasm', 'cpu'];

/** The native libraries behind the `native` backend, and which ops they serve. */
export interface NativePath {
  readonly libraries: NativeLibraries;
  readonly kernels: readonly KernelAssignment[];
  /** How each library took the thread count. */
  readonly threads: readonly string[];
  /** The thread count given to the libraries. */
  readonly threadCount: number;
}

export interface BackendChoice {
  readonly name: Exclude<BackendName, 'auto'>;
  /** The tfjs backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  /** Why faster backends were passed over, for `ouro doctor`. */
  readonly skipped: ReadonlyArray<{ name: string; reason: string }>;
  /** For `native`: the libraries and the ops they serve. */
  readonly native?: NativePath;
}

let current: BackendChoice | null = null;
let threads: number | undefined;

/** Loads and activates the best backend that works (or exactly `preferred`); idempotent. */
export async function selectBackend(preferred: BackendName = 'auto', options: BackendOptions = {}): Promise<BackendChoice> {
  if (options.threads !== undefined) setBackendThreads(options.threads);
  // still active unless tf.setBackend switched away from it since
  if (current && (preferred === 'auto' || preferred === current.name) && tf.getBackend() === current.tfBackend) return current;
  // Production mode: no debug-only checks, and no advice to install tfjs-node printed mid-run.
  tf.enableProdMode();
  const candidates = preferred === 'auto' ? autoOrder : [preferred];
  const skipped: Array<{ name: string; reason: string }> = [];
  for (const name of candidates) {
    try {
      const { tfBackend, native } = await activate(name);
      current = { name, tfBackend, skipped, ...(native ? { native } : {}) };
      return current;
    } catch (error) {
      skipped.push({ name, reason: whyNotLoaded(error) });
    }
  }
  const reasons = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new Error(`backend ${preferred}: none could be loaded (${reasons})`);
}

function whyNotLoaded(error: unknown): string {
  if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') {
    return 'not installed (an optional dependency: its install downloads libtensorflow, which needs internet)';
  }
  return String(error instanceof Error ? error.message : error).split('\n')[0]!;
}

async function activate(name: Exclude<BackendName, 'auto'>): Promise<{ tfBackend: string; native?: NativePath }> {
  switch (name) {
    case 'node-gpu':
    case 'node': {
      // Optional dependencies: their install downloads libtensorflow and may have failed.
      const specifier: string = name === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      await import(specifier);
      await setOrThrow('tensorflow');
      return { tfBackend: 'tensorflow' };
    }
    case 'native': {
      const libraries = nativeLibraries();
      if (!libraries.blas && !libraries.dnnl) throw new Error(missingLibraries(libraries));
      await activateWasm();
      const kernels = registerNativeKernels(libraries);
      const threadCount = threads ?? defaultThreads();
      return { tfBackend: 'wasm', native: { libraries, kernels, threads: applyThreads(libraries, threadCount), threadCount } };
    }
    case 'wasm':
      await activateWasm();
      unregisterNativeKernels();
      return { tfBackend: 'wasm' };
    case 'cpu':
      await setOrThrow('cpu');
      return { tfBackend: 'cpu' };
  }
}

async function activateWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  await setOrThrow('wasm');
  const { registerWasmTrainingKernels } = await import('./wasm-kernels/register-wasm-training-kernels.ts');
  registerWasmTrainingKernels();
}

async function setOrThrow(tfBackend: string): Promise<void> {
  if (!(await tf.setBackend(tfBackend))) throw new Error(`tf.setBackend('${tfBackend}') failed`);
  await tf.ready();
}

/** The backend selected so far, or null. */
export function currentBackend(): BackendChoice | null {
  return current;
}

/**
 * Sets the threads the native libraries compute on (a run's `--threads` / config `threads`); takes
 * effect at once when the native backend is active, else when it is selected.
 */
export function setBackendThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`threads = ${n}: expected a positive integer`);
  threads = n;
  if (current?.native) current = { ...current, native: { ...current.native, threads: applyThreads(current.native.libraries, n), threadCount: n } };
}

/** How many threads the active backend computes with, and why. */
export async function backendThreads(choice: BackendChoice): Promise<string> {
  if (choice.native) return `${choice.native.threads.join(', ')} for the native kernels; every other op on one wasm thread`;
  if (choice.tfBackend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    return `${wasm.getThreadsCount()} (Node refuses the workers the threaded wasm build needs; the SIMD build runs)`;
  }
  if (choice.tfBackend === 'tensorflow') return `${availableParallelism()} (libtensorflow's thread pool)`;
  return '1 (plain JavaScript)';
}

/** The threads the heavy ops compute on: the native libraries' count, libtensorflow's pool, else 1. */
export function backendThreadCount(choice: BackendChoice): number {
  if (choice.native) return choice.native.threadCount;
  return choice.tfBackend === 'tensorflow' ? availableParallelism() : 1;
}

/** One line on what computes, and how to get the native path where it is missing. */
export function backendSummary(choice: BackendChoice): string {
  if (choice.native) {
    const missing = missingLibraries(choice.native.libraries);
    return `backend native: ${servedBy(choice.native.kernels)}; threads ${choice.native.threads.join(', ')}${missing ? `; ${missing}` : ''}`;
  }
  const nativeSkip = choice.skipped.find((s) => s.name === 'native');
  if (choice.name === 'wasm' && nativeSkip) return `backend wasm (one thread): ${nativeSkip.reason}; ${NATIVE_HINT}`;
  if (choice.name === 'wasm') return 'backend wasm (one thread; --backend native or auto uses a CBLAS and oneDNN where the machine has them)';
  return `backend ${choice.name} (tfjs '${choice.tfBackend}')`;
}

/**
 * The TensorBackend the engine asks for a config's `backend` (registered by the composition root);
 * a run without `threads` computes on the default count (OURO_THREADS, else every core).
 */
export const tensorBackend: TensorBackend = {
  select: async (preferred, options) => {
    const choice = await selectBackend(preferred, { threads: options?.threads ?? defaultThreads() });
    return { name: choice.name, tfBackend: choice.tfBackend, summary: backendSummary(choice), threads: backendThreadCount(choice) };
  },
};
