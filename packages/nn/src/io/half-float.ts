// IEEE 754 binary16 (F16) and bfloat16 (BF16) bit patterns <-> float32 values, rounding to nearest even
// like torch's `.half()` and `.bfloat16()`.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

// bf16 → f32: the bf16 bits are the top half of the float32 bits (exact)
export function bf16BitsToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0]!;
}

// f32 → bf16: round the low 16 bits away to nearest even; NaN stays a (quiet) NaN
export function float32ToBf16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  if (Number.isNaN(value)) return ((x >>> 16) & 0x8000) | 0x7fc0;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

// f16 → f32: (-1)^s · 2^(e-15) · (1 + m/1024) for normal e; 2^-14 · m/1024 for e = 0; Inf/NaN for e = 31 (exact)
export function f16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

// f32 → f16: keep 10 of the 23 mantissa bits, rounding to nearest even; overflow to ±Inf, underflow through subnormals to ±0
export function float32ToF16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff - 127 + 15) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) return sign | roundShift(mantissa | 0x800000, 14 - exponent);
  // A carry out of the mantissa correctly bumps the exponent (up to Inf).
  return sign | roundShift((exponent << 23) | mantissa, 13);
}

// ⌊x / 2^shift⌉ with ties to even
function roundShift(x: number, shift: number): number {
  if (shift > 24) return 0;
  const kept = Math.floor(x / 2 ** shift);
  const rest = x - kept * 2 ** shift;
  const half = 2 ** (shift - 1);
  return rest > half || (rest === half && kept & 1) ? kept + 1 : kept;
}
