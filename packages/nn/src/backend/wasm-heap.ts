import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Helpers for tensors that live on the wasm heap but are not known to the tfjs engine
 * (kernel intermediates). Every `allocate` must be matched by a `release`.
 *
 * A Float32Array from `heapView` is detached when the heap grows, which any allocation may
 * do: take views after the last allocation that precedes their use.
 */

/** A new float32 tensor with uninitialised contents. */
export function allocate(backend: BackendWasm, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32');
}

/** A live view of a float32 tensor's memory. */
export function heapView(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** Drops one reference to each tensor (frees it when it was the last one). */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * The same memory under another shape, without a new reference: only for passing to a kernel
 * while the original is alive; never return it or release it.
 */
export function asShape(info: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** The WebAssembly.Memory behind the backend's heap, which our SIMD kernels import. */
export function heapMemory(backend: BackendWasm): object {
  return (backend.wasm as unknown as { asm: { memory: object } }).asm.memory;
}

/** Byte offset of a tensor in the heap. */
export function offsetOf(backend: BackendWasm, info: TensorInfo): number {
  return heapView(backend, info).byteOffset;
}
