import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuFlags, openBlasCoretypeFor } from './cpu-features.ts';

describe('openBlasCoretypeFor', () => {
  it('picks SkylakeX only with all five AVX-512 subsets its kernels use', () => {
    const avx512 = ['avx2', 'fma', 'avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'];
    expect(openBlasCoretypeFor(new Set(avx512))).toBe('SkylakeX');
    expect(openBlasCoretypeFor(new Set(avx512.filter((f) => f !== 'avx512vl')))).toBe('Haswell');
  });

  it('picks Haswell for AVX2 with FMA, and leaves older CPUs to OpenBLAS', () => {
    expect(openBlasCoretypeFor(new Set(['avx2', 'fma']))).toBe('Haswell');
    expect(openBlasCoretypeFor(new Set(['avx2']))).toBeUndefined();
    expect(openBlasCoretypeFor(new Set(['sse4_2', 'avx']))).toBeUndefined();
  });
});

describe('cpuFlags', () => {
  it('reads the flags line of a cpuinfo file, and nothing where there is none', () => {
    const file = join(tmpdir(), `cpuinfo-${process.pid}`);
    writeFileSync(file, 'processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu sse2 avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu\n');
    expect([...cpuFlags(file)]).toEqual(['fpu', 'sse2', 'avx2', 'fma']);
    expect(cpuFlags(join(tmpdir(), 'no-such-cpuinfo')).size).toBe(0);
  });
});
