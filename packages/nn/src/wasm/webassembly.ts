/** The part of the WebAssembly JS API nn uses (the workspace's type libraries leave it out). */
export interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports?: object) => { readonly exports: unknown };
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * Kernels whose module imports its memory (env.memory, e.g. the tfjs wasm heap): assembled and
 * compiled once, instantiated once per memory, and bound to a typed interface by `bind`.
 */
export function perMemory<T>(assemble: () => Uint8Array, bind: (exports: Record<string, (...args: number[]) => void>) => T): (memory: object) => T {
  let module: object | undefined;
  const instances = new WeakMap<object, T>();
  return (memory) => {
    let bound = instances.get(memory);
    if (!bound) {
      module ??= new webAssembly.Module(assemble());
      bound = bind(new webAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...args: number[]) => void>);
      instances.set(memory, bound);
    }
    return bound;
  };
}
