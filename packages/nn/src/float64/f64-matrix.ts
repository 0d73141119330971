/** A matrix in an arena: `rows` x `cols` used, row-major with leading dimension `ld`, from byte `ptr`. */
export interface F64Matrix {
  readonly ptr: number;
  readonly rows: number;
  readonly cols: number;
  readonly ld: number;
}

/** Element (not byte) offset of entry (i, j) of `x` in its arena's memory. */
export const elementAt = (x: F64Matrix, i: number, j: number): number => x.ptr / 8 + i * x.ld + j;
