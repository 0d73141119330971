export { selectBackend, currentBackend, backendThreads } from './backend/select-backend.ts';
export type { BackendChoice } from './backend/select-backend.ts';
export { registerWasmTrainingKernels } from './backend/wasm-kernels/register-wasm-training-kernels.ts';
export { Module } from './layers/module.ts';
