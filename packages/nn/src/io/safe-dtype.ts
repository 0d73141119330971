/**
 * The element types of the safetensors format (huggingface/safetensors README, "Format") that this
 * library reads and writes; its FP8 and sub-byte types are left out. Elements are little-endian.
 */
export const safeDtypes = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL'] as const;
export type SafeDtype = (typeof safeDtypes)[number];

export const dtypeBytes: Readonly<Record<SafeDtype, number>> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

/** The typed array holding each dtype's elements; F16 and BF16 as their raw 16-bit patterns. */
export const typedArrayFor = {
  F64: Float64Array, F32: Float32Array, F16: Uint16Array, BF16: Uint16Array,
  I64: BigInt64Array, I32: Int32Array, I16: Int16Array, I8: Int8Array,
  U64: BigUint64Array, U32: Uint32Array, U16: Uint16Array, U8: Uint8Array, BOOL: Uint8Array,
} as const;

export type SafeTypedArray = InstanceType<(typeof typedArrayFor)[SafeDtype]>;

export function isSafeDtype(value: unknown): value is SafeDtype {
  return typeof value === 'string' && (safeDtypes as readonly string[]).includes(value);
}

/** Π shape; null when a dimension is not a non-negative integer or the product passes 2^53. */
export function elementCount(shape: readonly unknown[]): number | null {
  let count = 1;
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) return null;
    count *= dim;
    if (!Number.isSafeInteger(count)) return null;
  }
  return count;
}

/** Typed-array views of file bytes are only right on a little-endian machine (every one Node ships for but s390x). */
export function assertLittleEndianHost(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('safetensors: this machine is big-endian; only little-endian hosts are supported');
}
