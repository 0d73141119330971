import type { Workload } from './workloads.ts';

/** Calls a workload for about `seconds` after one warm-up call (primitives built, code compiled); its GFLOP/s. */
export async function measureGflops(workload: Workload, seconds: number): Promise<number> {
  const { call, dispose } = workload.prepare();
  try {
    await call();
    let calls = 0;
    const start = performance.now();
    do {
      await call();
      calls++;
    } while (performance.now() - start < seconds * 1000);
    return (workload.flop * calls) / ((performance.now() - start) / 1000) / 1e9;
  } finally {
    dispose();
  }
}

export function formatGflops(gflops: number): string {
  return `${gflops.toFixed(gflops < 10 ? 2 : 1)} GFLOP/s`;
}
