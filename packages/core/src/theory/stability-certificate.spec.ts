import { describe, expect, it } from 'vitest';
import { certifiedLambda, contractionBound } from './stability-certificate.ts';

describe("Bertrand et al.'s Theorem 1", () => {
  const constants = { alpha: 0.4, lipschitz: 2, epsilon: 0.05 };

  it('certifies lambda (1 + L epsilon / alpha) < 1/2: one half when the model family holds the data (epsilon = 0)', () => {
    expect(certifiedLambda({ ...constants, epsilon: 0 })).toBe(0.5);
    expect(certifiedLambda(constants)).toBeCloseTo(0.5 / (1 + (2 * 0.05) / 0.4), 15);
    expect(certifiedLambda({ ...constants, alpha: 0 })).toBe(0);
    expect(certifiedLambda({ ...constants, alpha: -1 })).toBe(0);
  });

  it('bounds the contraction by lambda (alpha + eps L) / (alpha - lambda (alpha + eps L)), below 1 exactly where lambda is certified', () => {
    const limit = certifiedLambda(constants);
    expect(contractionBound(0.1, constants)).toBeCloseTo((0.1 * 0.5) / (0.4 - 0.1 * 0.5), 15);
    expect(contractionBound(limit * 0.999, constants)).toBeLessThan(1);
    expect(contractionBound(limit * 1.001, constants)).toBe(Infinity);
    expect(contractionBound(0, constants)).toBe(0);
  });
});
