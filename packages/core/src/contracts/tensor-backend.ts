import type { BackendName } from '../config/experiment-config.ts';

export interface ActiveBackend {
  /** The choice that loaded (`node-gpu`, `node`, `native`, `wasm`, `cpu`). */
  readonly name: string;
  /** The tfjs backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  /** One line on what computes and with how many threads, and how to get a faster path if there is one. */
  readonly summary?: string;
  /** The threads its heavy ops compute on (the native libraries' count; 1 for wasm and cpu). */
  readonly threads?: number;
}

export interface BackendOptions {
  /** Threads for the native libraries (default: every core). */
  readonly threads?: number;
}

/** Loads and activates a tfjs backend; the engine asks for the config's `backend` before a run. */
export interface TensorBackend {
  select(preferred: BackendName, options?: BackendOptions): Promise<ActiveBackend>;
}
export const TensorBackend = Symbol.for('ouroboros.TensorBackend');
