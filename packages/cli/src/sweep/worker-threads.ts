import { availableParallelism } from 'node:os';

/** What a local sweep worker is started with to set its threads. */
export interface WorkerThreads {
  /** Added to `ouro run --sweep DIR --cell K`. */
  readonly args: readonly string[];
  /** Added to the worker's environment. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The sweep's `--threads N` reaches every worker as its `--threads N` (over the cells' `threads:`);
 * without it each worker gets OURO_THREADS = max(1, floor(cores / workers)), a default a cell's
 * `threads:` replaces, so that the workers together keep every core busy once.
 */
export function localWorkerThreads(given: number | undefined, workers: number, cores: number = availableParallelism()): WorkerThreads {
  if (given !== undefined) return { args: ['--threads', String(given)], env: {} };
  return { args: [], env: { OURO_THREADS: String(Math.max(1, Math.floor(cores / workers))) } };
}
