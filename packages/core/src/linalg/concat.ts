/** The parts one after the other, as float64: [p_0 | p_1 | … ]. */
export function concatFloat64(parts: ReadonlyArray<ArrayLike<number>>): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
