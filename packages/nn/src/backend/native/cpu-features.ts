import { readFileSync } from 'node:fs';

/** The CPU's feature flags from /proc/cpuinfo (empty where there is none: macOS, Windows). */
export function cpuFlags(cpuinfo = '/proc/cpuinfo'): Set<string> {
  try {
    const line = readFileSync(cpuinfo, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    return new Set(line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

const SKYLAKEX_FLAGS = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'];
const HASWELL_FLAGS = ['avx2', 'fma'];

/**
 * The OpenBLAS kernel family whose instructions the CPU has: SkylakeX (AVX-512 F/CD/BW/DQ/VL),
 * Haswell (AVX2 + FMA), or undefined (leave OpenBLAS's own detection).
 */
export function openBlasCoretypeFor(flags: ReadonlySet<string>): 'SkylakeX' | 'Haswell' | undefined {
  if (SKYLAKEX_FLAGS.every((f) => flags.has(f))) return 'SkylakeX';
  if (HASWELL_FLAGS.every((f) => flags.has(f))) return 'Haswell';
  return undefined;
}
