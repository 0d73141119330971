/** A Python object the reader has no JavaScript equivalent for: its class, constructor arguments and state. */
export class PyObject {
  state: unknown = undefined;
  constructor(
    readonly module: string,
    readonly name: string,
    readonly args: readonly unknown[],
  ) {}
}

/** A numpy ndarray: dtype string as numpy spells it (`|u1`, `<f4`, `<i8`), shape, raw bytes in C or Fortran order. */
export interface NdArray {
  readonly kind: 'ndarray';
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  readonly data: Uint8Array;
}

/** A numpy dtype as `numpy.dtype(...)` rebuilds it. */
export interface NpDtype {
  readonly kind: 'dtype';
  /** e.g. `u1`, `f4`, `i8`. */
  name: string;
  /** `|`, `<` or `>`. */
  order: string;
}

/** What a GLOBAL opcode pushes: something REDUCE or NEWOBJ calls, and BUILD may give state. */
export interface PyCallable {
  readonly module: string;
  readonly name: string;
  call(args: readonly unknown[]): unknown;
  /** BUILD on an object this callable made; default: PyObject state or dict merge. */
  setState?(object: unknown, state: unknown): unknown;
}

export function isNdArray(value: unknown): value is NdArray {
  return typeof value === 'object' && value !== null && (value as NdArray).kind === 'ndarray';
}
