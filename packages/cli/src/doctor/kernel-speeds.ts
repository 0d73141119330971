import { registerNativeKernels, unregisterNativeKernels, type BackendChoice, type NativeLibraries } from '@ouroboros/nn';
import { formatGflops, measureGflops } from './gflops.ts';
import type { ReportLine } from './report-lines.ts';
import { conv3x3Workload, sgemmWorkload } from './workloads.ts';

/**
 * GFLOP/s of the sgemm and of the 3x3 convolution, each timed for about `seconds`: on the native
 * kernels and on wasm's side by side when the native backend is in use (in this process, the
 * native kernels taken out and put back), else on the backend in use.
 */
export async function kernelSpeeds(choice: BackendChoice, seconds: number): Promise<ReportLine[]> {
  const lines: ReportLine[] = [];
  for (const workload of [sgemmWorkload, conv3x3Workload]) {
    if (!choice.native) {
      lines.push([`${workload.name} ${choice.name}`, `${formatGflops(await measureGflops(workload, seconds))} (${workload.shape})`]);
      continue;
    }
    const native = await measureGflops(workload, seconds);
    const wasm = await onWasmKernels(choice.native.libraries, () => measureGflops(workload, seconds));
    lines.push([`${workload.name} native`, `${formatGflops(native)} (${workload.shape}; ${(native / wasm).toFixed(1)}x wasm)`]);
    lines.push([`${workload.name} wasm`, formatGflops(wasm)]);
  }
  return lines;
}

/** Runs `measure` on the wasm kernels, then lays the native ones back. */
async function onWasmKernels<T>(libraries: NativeLibraries, measure: () => Promise<T>): Promise<T> {
  unregisterNativeKernels();
  try {
    return await measure();
  } finally {
    registerNativeKernels(libraries);
  }
}
