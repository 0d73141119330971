import { bf16BitsToFloat32, f16BitsToFloat32 } from './half-float.ts';
import { assertLittleEndianHost, dtypeBytes, typedArrayFor, type SafeDtype, type SafeTypedArray } from './safe-dtype.ts';

/** One tensor of a safetensors file: its dtype, row-major shape and raw little-endian bytes. */
export interface NamedArray {
  readonly dtype: SafeDtype;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

/** The elements in the dtype's typed array (F16/BF16 as raw bits): a view of `data` when aligned, else a copy. */
export function typedElements(array: NamedArray): SafeTypedArray {
  assertLittleEndianHost();
  const { data } = array;
  const size = dtypeBytes[array.dtype];
  const bytes = data.byteOffset % size === 0 ? data : data.slice();
  return new typedArrayFor[array.dtype](bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / size);
}

/** The elements as float32, in a fresh array: F16/BF16 decoded exactly, F64 and 64-bit integers rounded. */
export function toFloat32Array(array: NamedArray): Float32Array {
  return decodeInto(array, new Float32Array(array.data.byteLength / dtypeBytes[array.dtype]));
}

/** The elements as float64, in a fresh array: exact but for 64-bit integers beyond 2^53. */
export function toFloat64Array(array: NamedArray): Float64Array {
  return decodeInto(array, new Float64Array(array.data.byteLength / dtypeBytes[array.dtype]));
}

function decodeInto<T extends Float32Array | Float64Array>(array: NamedArray, out: T): T {
  const elements = typedElements(array);
  const decode = elementDecoder[array.dtype];
  if (decode) for (let i = 0; i < out.length; i++) out[i] = decode(elements[i] as number);
  else if (elements instanceof BigInt64Array || elements instanceof BigUint64Array) for (let i = 0; i < out.length; i++) out[i] = Number(elements[i]);
  else out.set(elements);
  return out;
}

const elementDecoder: Partial<Record<SafeDtype, (element: number) => number>> = {
  F16: f16BitsToFloat32,
  BF16: bf16BitsToFloat32,
  BOOL: (byte) => (byte ? 1 : 0),
};
