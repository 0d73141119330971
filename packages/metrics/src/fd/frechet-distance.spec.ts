import { beforeAll, describe, expect, it } from 'vitest';
import { MomentAccumulator, Rng, gaussianMoments } from '@ouroboros/core';
import { findPython, runPython } from '@ouroboros/core/testing';
import { nativeLibraries, selectBackend } from '@ouroboros/nn';
import { BlockMomentAccumulator } from './block-moments.ts';
import { traceSqrtProduct } from '../linalg/trace-sqrt-product.ts';
import { frechetDistance, momentsDistance } from './frechet-distance.ts';

const python = findPython(['numpy', 'scipy']);

/**
 * Fixed float32 feature sets and the distance pytorch-fid computes between them (its
 * calculate_frechet_distance verbatim, np.cov, scipy.linalg.sqrtm), for: a full-rank case, a
 * rank-deficient one (fewer samples than dimensions on both sides) and an exactly collinear one.
 */
const reference = `
import base64, json
import numpy as np
from scipy import linalg

def calculate_frechet_distance(mu1, sigma1, mu2, sigma2, eps=1e-6):
    diff = mu1 - mu2
    covmean, _ = linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)

rng = np.random.default_rng(7)
def correlated(n, d, shift):
    mix = np.eye(d) + 0.4 * rng.standard_normal((d, d)) / np.sqrt(d)
    return (rng.standard_normal((n, d)) @ mix * rng.uniform(0.5, 2.0, d) + shift).astype(np.float32)

cases = {}
cases['full rank'] = (correlated(400, 24, 3.0), correlated(300, 24, 3.2))
cases['rank deficient'] = (correlated(20, 32, 0.0), correlated(26, 32, 0.5))
a, b = correlated(200, 16, 1.0), correlated(150, 16, 1.0)
a[:, 5] = 2 * a[:, 3]; a[:, 9] = 1.5; b[:, 5] = 2 * b[:, 3] + 1
cases['collinear and constant columns'] = (a, b)
out = {}
for name, (x1, x2) in cases.items():
    m1, s1 = x1.mean(0, dtype=np.float64), np.cov(x1, rowvar=False)
    m2, s2 = x2.mean(0, dtype=np.float64), np.cov(x2, rowvar=False)
    out[name] = dict(d=x1.shape[1], a=base64.b64encode(x1.tobytes()).decode(), b=base64.b64encode(x2.tobytes()).decode(),
                     fd=float(calculate_frechet_distance(m1, s1, m2, s2)))
print(json.dumps(out))
`;

interface Case {
  d: number;
  a: string;
  b: string;
  fd: number;
}

const floats = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

function relativeError(value: number, expected: number): number {
  return Math.abs(value - expected) / Math.abs(expected);
}

describe('frechetDistance', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  describe.skipIf(!python)('against pytorch-fid computed by numpy and scipy.linalg.sqrtm (needs python3 with numpy and scipy)', () => {
    const cases = python ? (JSON.parse(runPython(python, reference)) as Record<string, Case>) : {};

    const exact = (d: number, x: Float32Array) => gaussianMoments(new MomentAccumulator(d).add(x), 1);
    const blocked = (d: number, x: Float32Array) => new BlockMomentAccumulator(d, 'float32', 64).add(x).moments(1);
    const wasm64 = (d: number, x: Float32Array) => new BlockMomentAccumulator(d, 'float64', 64).add(x).moments(1);

    it.each(Object.keys(cases))('%s: equal to 1e-7 relative from float64 moments (core\'s accumulator and the wasm one)', (name) => {
      const { d, a, b, fd } = cases[name]!;
      expect(relativeError(momentsDistance(exact(d, floats(a)), exact(d, floats(b))), fd)).toBeLessThan(1e-7);
      expect(relativeError(momentsDistance(wasm64(d, floats(a)), wasm64(d, floats(b))), fd)).toBeLessThan(1e-7);
    });

    it('full rank: equal to 1e-6 relative from moments streamed through float32 matMul blocks', () => {
      const { d, a, b, fd } = cases['full rank']!;
      expect(relativeError(momentsDistance(blocked(d, floats(a)), blocked(d, floats(b))), fd)).toBeLessThan(1e-6);
    });

    it('rank deficient: float32-block moments put rounding noise into the null space, which the square root magnifies', () => {
      // Why `covariance: float64` is fd's default: eigenvalues of ~1e-7 |S| instead of 0 add about sqrt(1e-7) each.
      const { d, a, b, fd } = cases['rank deficient']!;
      expect(relativeError(momentsDistance(blocked(d, floats(a)), blocked(d, floats(b))), fd)).toBeGreaterThan(1e-6);
    });
  });

  it('matches pytorch-fid on a fixed non-commuting 3-D example', () => {
    const mu1 = Float64Array.of(0, 1, -1);
    const s1 = Float64Array.of(2, 0.5, 0.1, 0.5, 1, -0.3, 0.1, -0.3, 0.7);
    const mu2 = Float64Array.of(0.5, 0.5, 0);
    const s2 = Float64Array.of(1, -0.4, 0.2, -0.4, 2, 0.6, 0.2, 0.6, 1.5);
    // numpy 2.4.6 / scipy 1.17.1, pytorch-fid's formula:
    //   diff @ diff + trace(s1) + trace(s2) - 2 * trace(scipy.linalg.sqrtm(s1 @ s2).real)
    expect(frechetDistance(mu1, s1, mu2, s2, 3)).toBeCloseTo(2.6575505214250796, 12);
  });

  it('equals |m1 - m2|^2 + sum (sqrt a_i - sqrt b_i)^2 for commuting (here diagonal) covariances', () => {
    const a = [0.5, 2, 9, 1e-3];
    const b = [4, 2, 0.25, 1];
    const mu1 = Float64Array.of(1, 2, 3, 4);
    const mu2 = Float64Array.of(0, 2, 5, 4.5);
    const diagonal = (v: number[]) => Float64Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? v[k / 5]! : 0));
    const expected = 1 + 4 + 0.25 + a.reduce((s, ai, i) => s + (Math.sqrt(ai) - Math.sqrt(b[i]!)) ** 2, 0);
    expect(frechetDistance(mu1, diagonal(a), mu2, diagonal(b), 4)).toBeCloseTo(expected, 12);
  });

  it('is 0 between a Gaussian and itself and symmetric in its arguments', () => {
    const mu = Float64Array.of(1, -1);
    const s = Float64Array.of(2, 0.3, 0.3, 0.5);
    const t = Float64Array.of(1, -0.2, -0.2, 3);
    expect(Math.abs(frechetDistance(mu, s, mu, s, 2))).toBeLessThan(1e-13);
    expect(frechetDistance(mu, s, new Float64Array(2), t, 2)).toBeCloseTo(frechetDistance(new Float64Array(2), t, mu, s, 2), 13);
  });

  it('handles a singular first covariance: S1 = a a^T gives tr sqrt(S1 S2) = sqrt(a^T S2 a)', () => {
    // a = sqrt(0.1) (1, 2, 3): tr S1 = 1.4, a^T S2 a = 0.1 * 29.3 = 2.93.
    const s1 = Float64Array.from({ length: 9 }, (_, k) => 0.1 * (Math.floor(k / 3) + 1) * ((k % 3) + 1));
    const s2 = Float64Array.of(1, -0.4, 0.2, -0.4, 2, 0.6, 0.2, 0.6, 1.5);
    expect(traceSqrtProduct(s1, s2, 3)).toBeCloseTo(Math.sqrt(2.93), 13);
    expect(frechetDistance(Float64Array.of(0, 1, -1), s1, Float64Array.of(0.5, 0.5, 0), s2, 3)).toBeCloseTo(1.5 + 1.4 + 4.5 - 2 * Math.sqrt(2.93), 12);
  });

  it('gives 0 for tr sqrt(S1 S2) when S1 is all zeros (constant features), not NaN', () => {
    expect(traceSqrtProduct(new Float64Array(4), Float64Array.of(1, 0, 0, 1), 2)).toBe(0);
  });

  it('names mismatched means', () => {
    expect(() => frechetDistance(new Float64Array(2), new Float64Array(4), new Float64Array(3), new Float64Array(4), 2)).toThrow(
      'frechetDistance: means of 2 and 3 values; expected 2',
    );
    expect(() => frechetDistance(new Float64Array(3), new Float64Array(4), new Float64Array(2), new Float64Array(4), 2)).toThrow(
      'frechetDistance: means of 3 and 2 values; expected 2',
    );
  });
});

/** n rows of d correlated float32 features: x_j = s_j z_j + 0.5 x_(j-1) + shift. */
function correlated(n: number, d: number, seed: number, shift: number): Float32Array {
  const rng = Rng.from(seed, 'fd-features');
  const scale = Float64Array.from({ length: d }, () => 0.5 + rng.uniform());
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = scale[j]! * rng.normal() + (j > 0 ? 0.5 * (x[i * d + j - 1]! - shift) : 0) + shift;
  return x;
}

const noBlas = nativeLibraries().blas ? null : `no CBLAS (${nativeLibraries().missing.blas})`;
if (noBlas) console.log(`fd on the native backend skipped: ${noBlas}`);

describe.skipIf(noBlas !== null)('frechetDistance of float64 block moments on the native backend (cblas_dgemm) and on wasm', () => {
  const fdOn = async (backend: 'native' | 'wasm', a: Float32Array, b: Float32Array, d: number) => {
    await selectBackend(backend);
    const moments = (x: Float32Array) => new BlockMomentAccumulator(d, 'float64', 256).add(x).moments(1);
    return momentsDistance(moments(a), moments(b));
  };

  it.each([
    ['full rank', 1100, 900, 150],
    ['rank deficient', 60, 90, 130],
  ] as const)('%s (%i and %i samples of %i features): equal to 1e-9 relative', async (_, na, nb, d) => {
    const a = correlated(na, d, 1, 3);
    const b = correlated(nb, d, 2, 3.2);
    const wasm = await fdOn('wasm', a, b, d);
    const native = await fdOn('native', a, b, d);
    await selectBackend('wasm');
    expect(relativeError(native, wasm)).toBeLessThan(1e-9);
  });
});
