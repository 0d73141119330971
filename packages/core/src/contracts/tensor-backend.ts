import type { BackendName } from '../config/experiment-config.ts';

export interface ActiveBackend {
  /** The choice that loaded (`node-gpu`, `node`, `wasm`, `cpu`). */
  readonly name: string;
  /** The tfjs backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
}

/** Loads and activates a tfjs backend; the engine asks for the config's `backend` before a run. */
export interface TensorBackend {
  select(preferred: BackendName): Promise<ActiveBackend>;
}
export const TensorBackend = Symbol.for('ouroboros.TensorBackend');
