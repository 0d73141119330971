import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { nativeLibraries } from '@ouroboros/nn';

/** ../shared/bench-ref beside the checkout (the main one or a worktree one level deeper), or $BENCH_REF. */
export function benchRef(): string {
  const root = resolve(import.meta.dirname, '..', '..');
  const candidates = [process.env.BENCH_REF, join(root, '..', 'shared', 'bench-ref'), join(root, '..', '..', 'shared', 'bench-ref')].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(join(p, 'common.py')));
  if (!found) throw new Error(`bench-ref not found (tried ${candidates.join(', ')}); set BENCH_REF`);
  return found;
}

/** How a twin runs: its BLAS/OpenMP threads, and OPENBLAS_CORETYPE (left as found when not given). */
export interface TwinOptions {
  readonly threads?: number;
  readonly coretype?: string;
}

/** Runs a twin driver (one BLAS/OpenMP thread unless told) and returns its last JSON line. */
export function runTwin<T>(script: string, args: string[], { threads = 1, coretype }: TwinOptions = {}): T {
  const n = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n, BENCH_REF: benchRef(), ...(coretype ? { OPENBLAS_CORETYPE: coretype } : {}) };
  const result = spawnSync('/usr/bin/python3', [join(import.meta.dirname, script), ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
}

export function readFloat32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The header lines every results file starts with: date, machine, load, versions; `ours` and `twin` say how each side computes. */
export function machineLines(ours = 'tfjs wasm backend (1 thread, SIMD)', twin = 'OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = 1'): string[] {
  const python = spawnSync('/usr/bin/python3', ['-c', 'import numpy, scipy, torch; print(numpy.__version__, scipy.__version__, torch.__version__)'], { encoding: 'utf8' }).stdout.trim();
  return [
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; shared with other developers`,
    `- Node ${process.version}, ${ours}; Python twin with numpy/scipy/torch ${python || '?'}, ${twin}`,
  ];
}

export const loadNow = () => os.loadavg()[0]!.toFixed(1);

/** `--rounds N` (default 3) and `--threads 1,2` (default 1 and 2) from the command line. */
export function roundsAndThreads(argv = process.argv.slice(2)): { rounds: number; threads: number[] } {
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const rounds = Number(value('--rounds') ?? 3);
  const threads = (value('--threads') ?? '1,2').split(',').map(Number);
  if (!Number.isInteger(rounds) || rounds < 1 || threads.some((t) => !Number.isInteger(t) || t < 1)) {
    throw new Error(`--rounds ${value('--rounds')} --threads ${value('--threads')}: expected a positive integer and a comma-separated list of them`);
  }
  return { rounds, threads };
}

/**
 * The native backend's CBLAS and the OPENBLAS_CORETYPE it was loaded with (OpenBLAS 0.3.21 runs its
 * Prescott kernels on CPUs newer than itself unless told), which the twin must get too, since numpy
 * and scipy load the same OpenBLAS; and the results line that records both sides' kernel family.
 */
export function openBlasSetup(): { coretype?: string; line: (twinCore: string | undefined) => string } {
  const { blas, coretype } = nativeLibraries();
  const ours = coretype ? `${coretype.value} (${coretype.by === 'ouroboros' ? 'set by ouroboros from the CPU flags' : 'from the environment'})` : 'not set';
  const library = blas ? `${blas.name}${blas.details() ? `: ${blas.details()}` : ''}` : 'no CBLAS';
  return {
    ...(coretype ? { coretype: coretype.value } : {}),
    line: (twinCore) =>
      `- OPENBLAS_CORETYPE: ours ${ours}, ${library}; twin ${coretype ? `OPENBLAS_CORETYPE=${coretype.value} in its environment` : 'its environment as found'}, OpenBLAS reports ${twinCore ?? '?'} kernels`,
  };
}

/** Each side once per round, in the order given, for `rounds` rounds (alternating, so that load changes hit all sides alike); the results per side. */
export async function alternate<R>(rounds: number, sides: Record<string, () => R | Promise<R>>, label = ''): Promise<Record<string, R[]>> {
  const results: Record<string, R[]> = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(sides)) {
      process.stderr.write(`${label}round ${r + 1}/${rounds}: ${name}...\n`);
      results[name]!.push(await run());
    }
  }
  return results;
}
