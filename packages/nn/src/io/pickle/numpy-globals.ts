import type { NdArray, NpDtype, PyCallable } from './py-values.ts';

/** Bytes from a pickled string: Python 2's `str` arrives as a latin-1 JS string, Python 3's `bytes` as bytes. */
export function asBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Uint8Array.from(Buffer.from(value, 'latin1'));
  throw new Error(`${what}: expected bytes, got ${typeof value}`);
}

interface ArrayUnderConstruction {
  kind: 'ndarray';
  dtype: string;
  shape: number[];
  fortranOrder: boolean;
  data: Uint8Array;
}

const dtypeCallable: PyCallable = {
  module: 'numpy',
  name: 'dtype',
  // numpy.dtype('u1', False, True): the name; BUILD then sets the byte order.
  call: ([name]) => ({ kind: 'dtype', name: String(name), order: '|' }) satisfies NpDtype,
  setState(object, state) {
    const dtype = object as NpDtype;
    const tuple = state as unknown[];
    if (Array.isArray(tuple) && typeof tuple[1] === 'string') dtype.order = tuple[1];
    return dtype;
  },
};

function dtypeString(dtype: unknown): string {
  if (typeof dtype === 'string') return dtype;
  const d = dtype as NpDtype;
  if (d?.kind !== 'dtype') throw new Error(`numpy array: dtype ${JSON.stringify(dtype)} is not a numpy dtype`);
  return `${d.order === '=' ? '<' : d.order}${d.name}`;
}

/** `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')` then BUILD with (version, shape, dtype, fortran, data). */
const reconstruct: PyCallable = {
  module: 'numpy.core.multiarray',
  name: '_reconstruct',
  call: (): ArrayUnderConstruction => ({ kind: 'ndarray', dtype: '|u1', shape: [0], fortranOrder: false, data: new Uint8Array(0) }),
  setState(object, state) {
    const array = object as ArrayUnderConstruction;
    const tuple = state as unknown[];
    const [, shape, dtype, fortran, raw] = tuple.length === 5 ? tuple : [undefined, ...tuple];
    array.shape = (shape as unknown[]).map(Number);
    array.dtype = dtypeString(dtype);
    array.fortranOrder = Boolean(fortran);
    if (Array.isArray(raw)) throw new Error('numpy array: object arrays (pickled element by element) are not supported');
    array.data = asBytes(raw, 'numpy array data');
    return array satisfies NdArray;
  },
};

/** numpy >= 1.16 with protocol 5: `numpy.core.numeric._frombuffer(buffer, dtype, shape, order)`. */
const frombuffer: PyCallable = {
  module: 'numpy.core.numeric',
  name: '_frombuffer',
  call: ([buffer, dtype, shape, order]): NdArray => ({
    kind: 'ndarray',
    dtype: dtypeString(dtype),
    shape: (shape as unknown[]).map(Number),
    fortranOrder: order === 'F',
    data: asBytes(buffer, 'numpy array buffer'),
  }),
};

/** `_codecs.encode(text, 'latin1')`: how Python 3 pickles bytes at protocol 2. */
const codecsEncode: PyCallable = {
  module: '_codecs',
  name: 'encode',
  call: ([text, encoding]) => {
    if (typeof text !== 'string') throw new Error('_codecs.encode: expected a string');
    const name = String(encoding ?? 'utf-8').toLowerCase().replace('-', '');
    return Uint8Array.from(Buffer.from(text, name === 'latin1' || name === 'iso88591' ? 'latin1' : 'utf8'));
  },
};

const bytearray: PyCallable = { module: 'builtins', name: 'bytearray', call: ([value]) => (value === undefined ? new Uint8Array(0) : asBytes(value, 'bytearray')) };
const set: PyCallable = { module: 'builtins', name: 'set', call: ([items]) => new Set((items as unknown[]) ?? []) };
const orderedDict: PyCallable = { module: 'collections', name: 'OrderedDict', call: () => new Map() };

/** The globals every pickle of numpy data uses, under each module name numpy and Python have used for them. */
export const standardGlobals: ReadonlyMap<string, PyCallable> = new Map(
  (
    [
      [['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct'], reconstruct],
      [['numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer'], frombuffer],
      [['numpy.dtype'], dtypeCallable],
      [['_codecs.encode'], codecsEncode],
      [['builtins.bytearray', '__builtin__.bytearray'], bytearray],
      [['builtins.set', '__builtin__.set'], set],
      [['collections.OrderedDict'], orderedDict],
    ] as const
  ).flatMap(([names, callable]) => names.map((name) => [name, callable] as const)),
);

/** numpy's ndarray class itself, which _reconstruct receives as its first argument. */
export const ndarrayClass: PyCallable = { module: 'numpy', name: 'ndarray', call: () => undefined };
