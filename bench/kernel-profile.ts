import * as tf from '@tensorflow/tfjs';

/** CPU milliseconds and calls per kernel name, accumulated while a profile is on. */
export interface KernelProfile {
  readonly totals: Map<string, { ms: number; calls: number }>;
  stop(): void;
  /** `| kernel | ms per step | calls per step | share |` rows, heaviest first. */
  table(steps: number, top?: number): string;
}

/**
 * Wraps every kernel of `backendName` with a timer of process CPU time (so time lost to other
 * processes does not count; with native threads above one it sums their CPU). For finding what a
 * step spends its time on, never for the reported figures: the wrapper costs about a microsecond a call.
 */
export function profileKernels(backendName = tf.getBackend()): KernelProfile {
  const totals = new Map<string, { ms: number; calls: number }>();
  const originals = tf.getKernelsForBackend(backendName);
  for (const config of originals) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const start = process.cpuUsage();
        try {
          return inner(args);
        } finally {
          const used = process.cpuUsage(start);
          const entry = totals.get(config.kernelName) ?? { ms: 0, calls: 0 };
          entry.ms += (used.user + used.system) / 1000;
          entry.calls++;
          totals.set(config.kernelName, entry);
        }
      },
    });
  }
  return {
    totals,
    stop() {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
    },
    table(steps, top = 15) {
      const all = [...totals].sort((a, b) => b[1].ms - a[1].ms);
      const sum = all.reduce((s, [, v]) => s + v.ms, 0);
      const rows = all.slice(0, top).map(([name, v]) => `| ${name} | ${(v.ms / steps).toFixed(2)} | ${(v.calls / steps).toFixed(0)} | ${((100 * v.ms) / sum).toFixed(0)}% |`);
      return ['| kernel | ms per step | calls per step | share of kernel time |', '|---|---|---|---|', ...rows, `| all kernels | ${(sum / steps).toFixed(2)} | ${(all.reduce((s, [, v]) => s + v.calls, 0) / steps).toFixed(0)} | |`].join('\n');
    },
  };
}
