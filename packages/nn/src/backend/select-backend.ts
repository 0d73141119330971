import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import type { BackendName, TensorBackend } from '@ouroboros/core';

/** The order tried for `auto`: CUDA TensorFlow, CPU TensorFlow, wasm SIMD, plain JS. */
const autoOrder: Exclude<BackendName, 'auto'>[] = ['node-gpu', 'node', 'wasm', 'cpu'];

export interface BackendChoice {
  readonly name: Exclude<BackendName, 'auto'>;
  /** The tfjs backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  /** Why faster backends were passed over, for `ouro doctor`. */
  readonly skipped: ReadonlyArray<{ name: string; reason: string }>;
}

let current: BackendChoice | null = null;

/** Loads and activates the best backend that works (or exactly `preferred`); idempotent. */
export async function selectBackend(preferred: BackendName = 'auto'): Promise<BackendChoice> {
  if (current && (preferred === 'auto' || preferred === current.name)) return current;
  // Production mode: no debug-only checks, and no advice to install tfjs-node printed mid-run.
  tf.enableProdMode();
  const candidates = preferred === 'auto' ? autoOrder : [preferred];
  const skipped: Array<{ name: string; reason: string }> = [];
  for (const name of candidates) {
    try {
      const tfBackend = await activate(name);
      current = { name, tfBackend, skipped };
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

async function activate(name: Exclude<BackendName, 'auto'>): Promise<string> {
  switch (name) {
    case 'node-gpu':
    case 'node': {
      // Optional dependencies: their install downloads libtensorflow and may have failed.
      const specifier: string = name === 'node-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
      await import(specifier);
      await setOrThrow('tensorflow');
      return 'tensorflow';
    }
    case 'wasm': {
      await import('@tensorflow/tfjs-backend-wasm');
      await setOrThrow('wasm');
      const { registerWasmTrainingKernels } = await import('./wasm-kernels/register-wasm-training-kernels.ts');
      registerWasmTrainingKernels();
      return 'wasm';
    }
    case 'cpu':
      await setOrThrow('cpu');
      return 'cpu';
  }
}

async function setOrThrow(tfBackend: string): Promise<void> {
  if (!(await tf.setBackend(tfBackend))) throw new Error(`tf.setBackend('${tfBackend}') failed`);
  await tf.ready();
}

/** The backend selected so far, or null. */
export function currentBackend(): BackendChoice | null {
  return current;
}

/** How many threads the active backend computes with, and why. */
export async function backendThreads(choice: BackendChoice): Promise<string> {
  if (choice.tfBackend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    return `${wasm.getThreadsCount()} (Node refuses the workers the threaded wasm build needs; the SIMD build runs)`;
  }
  if (choice.tfBackend === 'tensorflow') return `${availableParallelism()} (libtensorflow's thread pool)`;
  return '1 (plain JavaScript)';
}

/** The TensorBackend the engine asks for a config's `backend` (registered by the composition root). */
export const tensorBackend: TensorBackend = {
  select: async (preferred) => {
    const choice = await selectBackend(preferred);
    return { name: choice.name, tfBackend: choice.tfBackend };
  },
};
