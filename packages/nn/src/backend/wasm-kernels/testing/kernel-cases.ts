import * as tf from '@tensorflow/tfjs';

/** Deterministic values in [-1, 1) from a 31-bit LCG, so both backends get identical inputs. */
export function seededValues(shape: readonly number[], seed: number): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  let state = (seed * 2654435761) % 2147483648;
  for (let i = 0; i < size; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    values[i] = (state / 2147483648) * 2 - 1;
  }
  return values;
}

/** Runs `compute` on `backend` and copies its results out (read outside `tf.tidy`). */
export async function onBackend(backend: 'cpu' | 'wasm', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  const results = tf.tidy(compute);
  const values = results.map((t) => t.dataSync() as Float32Array);
  tf.dispose(results);
  return values;
}

// err = max|a − b| / max(1, max|b|)
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    maxDiff = Number.isNaN(diff) ? Infinity : Math.max(maxDiff, diff);
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  return maxDiff / Math.max(1, maxRef);
}

/** Collects the largest relative error seen per label, for a summary line. */
export class ErrorLog {
  private readonly worst = new Map<string, number>();

  record(label: string, error: number): number {
    this.worst.set(label, Math.max(this.worst.get(label) ?? 0, error));
    return error;
  }

  summary(title: string): string {
    const parts = [...this.worst].map(([label, error]) => `${label} ${error.toExponential(2)}`);
    return `${title}: max relative error ${parts.join(', ')}`;
  }
}

/** One product op(a) · op(b) of a test: operand shapes and transposes. */
export interface MatMulCase {
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
}

export function matMulLabel(c: MatMulCase): string {
  return `[${c.a}]${c.transposeA ? 'ᵀ' : ''} · [${c.b}]${c.transposeB ? 'ᵀ' : ''}`;
}

/** a/b shapes for op(a) [.., m, k] · op(b) [.., k, n]. */
export function operands(batchA: number[], batchB: number[], m: number, k: number, n: number, ta: boolean, tb: boolean): MatMulCase {
  return { a: [...batchA, ...(ta ? [k, m] : [m, k])], b: [...batchB, ...(tb ? [n, k] : [k, n])], transposeA: ta, transposeB: tb };
}

export const transposes = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;
