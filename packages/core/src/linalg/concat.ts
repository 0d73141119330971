/** The parts one after the other, [p_0 | p_1 | … ], in the array `make(total length)` returns. */
export function concatInto<T extends { set(values: ArrayLike<number>, offset?: number): void }>(make: (length: number) => T, parts: ReadonlyArray<ArrayLike<number>>): T {
  const out = make(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The parts one after the other, as float64. */
export const concatFloat64 = (parts: ReadonlyArray<ArrayLike<number>>): Float64Array => concatInto((n) => new Float64Array(n), parts);

/** The parts one after the other, as float32. */
export const concatFloat32 = (parts: ReadonlyArray<ArrayLike<number>>): Float32Array => concatInto((n) => new Float32Array(n), parts);
