import { describe, expect, it } from 'vitest';
import { bf16BitsToFloat32, f16BitsToFloat32, float32ToBf16Bits, float32ToF16Bits } from './half-float.ts';

const isNaNBits16 = (bits: number, exponentMask: number) => (bits & exponentMask) === exponentMask && (bits & ~exponentMask & 0x7fff) !== 0;

describe('half-precision floats', () => {
  it('F16: every one of the 65,536 bit patterns survives bits -> float32 -> bits (NaN stays NaN)', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const back = float32ToF16Bits(f16BitsToFloat32(bits));
      if (isNaNBits16(bits, 0x7c00)) expect(isNaNBits16(back, 0x7c00)).toBe(true);
      else if (back !== bits) expect.fail(`F16 0x${bits.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });

  it('BF16: every one of the 65,536 bit patterns survives bits -> float32 -> bits (NaN stays NaN)', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const back = float32ToBf16Bits(bf16BitsToFloat32(bits));
      if (isNaNBits16(bits, 0x7f80)) expect(isNaNBits16(back, 0x7f80)).toBe(true);
      else if (back !== bits) expect.fail(`BF16 0x${bits.toString(16)} came back as 0x${back.toString(16)}`);
    }
  });

  it('F16 decodes the landmarks of IEEE binary16', () => {
    expect(f16BitsToFloat32(0x3c00)).toBe(1);
    expect(f16BitsToFloat32(0xc000)).toBe(-2);
    expect(f16BitsToFloat32(0x7bff)).toBe(65504);
    expect(f16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToFloat32(0x0400)).toBe(2 ** -14);
    expect(f16BitsToFloat32(0xfc00)).toBe(-Infinity);
    expect(Object.is(f16BitsToFloat32(0x8000), -0)).toBe(true);
  });

  it('F16 rounds to nearest, ties to even, overflowing to Inf and underflowing to 0', () => {
    expect(float32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1 + 2^-10: even mantissa
    expect(float32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 1 + 2^-10 and 1 + 2^-9: even mantissa
    expect(float32ToF16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    expect(float32ToF16Bits(65520)).toBe(0x7c00); // halfway between 65504 and 2^16 rounds up to Inf
    expect(float32ToF16Bits(65519)).toBe(0x7bff);
    expect(float32ToF16Bits(2 ** -25)).toBe(0x0000); // halfway to the smallest subnormal: even (0)
    expect(float32ToF16Bits(3 * 2 ** -26)).toBe(0x0001);
    expect(float32ToF16Bits(3 * 2 ** -25)).toBe(0x0002); // 1.5 subnormal steps: tie to even (2)
    expect(float32ToF16Bits(-1e-10)).toBe(0x8000);
  });

  it('BF16 rounds to nearest, ties to even', () => {
    expect(float32ToBf16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie: even
    expect(float32ToBf16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie: even
    expect(float32ToBf16Bits(1 + 2 ** -8 + 2 ** -20)).toBe(0x3f81);
    expect(float32ToBf16Bits(3.4e38)).toBe(0x7f80); // above the largest BF16 after rounding: Inf
  });
});
