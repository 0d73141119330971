import { describe, expect, it } from 'vitest';
import { SMALL_GEMM_MACS, sizeRoutedSgemm, type Sgemm } from './sgemm.ts';

/** An Sgemm that records the calls it gets. */
function recording(): { sgemm: Sgemm; calls: unknown[][] } {
  const calls: unknown[][] = [];
  return { sgemm: (...args) => void calls.push(args), calls };
}

describe('sizeRoutedSgemm', () => {
  const a = new Float32Array(4);
  const c = new Float32Array(4);

  it('hands products of at most the limit to the small GEMM and larger ones to the large, arguments untouched', () => {
    const small = recording();
    const large = recording();
    const sgemm = sizeRoutedSgemm(small.sgemm, large.sgemm, 24);
    sgemm(true, false, 2, 3, 4, 0.5, a, 2, a, 3, 1, c, 3); // 24 multiply-adds
    sgemm(false, true, 5, 1, 5, 1, a, 5, a, 5, 0, c, 1); // 25
    expect(small.calls).toEqual([[true, false, 2, 3, 4, 0.5, a, 2, a, 3, 1, c, 3]]);
    expect(large.calls).toEqual([[false, true, 5, 1, 5, 1, a, 5, a, 5, 0, c, 1]]);
  });

  it("sends an MLP's last layer and bias gradient to the small GEMM and its 512×256×256 products to the large", () => {
    const small = recording();
    const large = recording();
    const sgemm = sizeRoutedSgemm(small.sgemm, large.sgemm);
    for (const [m, n, k] of [[512, 2, 256], [1, 256, 512], [512, 256, 1], [512, 256, 256], [256, 256, 512]] as const) sgemm(false, false, m, n, k, 1, a, k, a, n, 0, c, n);
    expect(small.calls.map((call) => call.slice(2, 5))).toEqual([[512, 2, 256], [1, 256, 512], [512, 256, 1]]);
    expect(large.calls.map((call) => call.slice(2, 5))).toEqual([[512, 256, 256], [256, 256, 512]]);
    expect(SMALL_GEMM_MACS).toBe(512 * 2 * 256);
  });
});
