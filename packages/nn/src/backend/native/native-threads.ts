import { availableParallelism } from 'node:os';
import type { NativeLibraries } from './native-libraries.ts';

/**
 * Threads the native libraries compute on: set by `--threads` / the config's `threads` through
 * `setNativeThreads`, else OURO_THREADS, else every core (the wasm kernels run on one whatever).
 */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.OURO_THREADS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism();
}

/** Gives `threads` to every library that lets itself be told; says how each one took it. */
export function applyThreads(libs: NativeLibraries, threads: number): string[] {
  const notes: string[] = [];
  if (libs.dnnl) {
    notes.push(libs.dnnl.setThreads(threads) ? `oneDNN ${threads}` : `oneDNN: its ${libs.dnnl.version.runtime} runtime's own count`);
  }
  if (libs.blas) {
    notes.push(libs.blas.setThreads(threads) ? `${libs.blas.name} ${threads}` : `${libs.blas.name}: its own count`);
  }
  return notes;
}
