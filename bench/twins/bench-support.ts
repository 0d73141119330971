import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';

/** ../shared/bench-ref beside the checkout (the main one or a worktree one level deeper), or $BENCH_REF. */
export function benchRef(): string {
  const root = resolve(import.meta.dirname, '..', '..');
  const candidates = [process.env.BENCH_REF, join(root, '..', 'shared', 'bench-ref'), join(root, '..', '..', 'shared', 'bench-ref')].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(join(p, 'common.py')));
  if (!found) throw new Error(`bench-ref not found (tried ${candidates.join(', ')}); set BENCH_REF`);
  return found;
}

/** Runs a twin driver with one BLAS/OpenMP thread and returns its last JSON line. */
export function runTwin<T>(script: string, args: string[]): T {
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', BENCH_REF: benchRef() };
  const result = spawnSync('/usr/bin/python3', [join(import.meta.dirname, script), ...args], { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
}

export function readFloat32(path: string): Float32Array {
  const bytes = readFileSync(path);
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** The header lines every results file starts with: date, machine, load, versions. */
export function machineLines(): string[] {
  const python = spawnSync('/usr/bin/python3', ['-c', 'import numpy, scipy, torch; print(numpy.__version__, scipy.__version__, torch.__version__)'], { encoding: 'utf8' }).stdout.trim();
  return [
    `- date: ${new Date().toISOString().slice(0, 10)}`,
    `- machine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model}), ${Math.round(os.totalmem() / 2 ** 30)} GiB; shared with other developers`,
    `- Node ${process.version}, tfjs wasm backend (1 thread, SIMD); Python twin with numpy/scipy/torch ${python || '?'}, OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = 1`,
  ];
}

export const loadNow = () => os.loadavg()[0]!.toFixed(1);
