/** Which β_t schedule a DDPM uses. */
export type BetaScheduleName = 'linear' | 'cosine';

// β_t = β_1 + (β_T − β_1)·t/(T − 1), t = 0 … T − 1 (Ho et al. 2020, 1e-4 … 0.02 for T = 1000)
export function linearBetas(timesteps: number, start: number, end: number): Float64Array {
  return Float64Array.from({ length: timesteps }, (_, t) => (timesteps === 1 ? start : start + ((end - start) * t) / (timesteps - 1)));
}

// ᾱ(t) = f(t)/f(0), f(t) = cos²(π/2 · (t/T + s)/(1 + s)); β_t = min(1 − ᾱ(t+1)/ᾱ(t), maxBeta) (Nichol & Dhariwal 2021, eq. 17)
export function cosineBetas(timesteps: number, s = 0.008, maxBeta = 0.999): Float64Array {
  const f = (t: number) => Math.cos((((t / timesteps + s) / (1 + s)) * Math.PI) / 2) ** 2;
  return Float64Array.from({ length: timesteps }, (_, t) => Math.min(1 - f(t + 1) / f(t), maxBeta));
}

/**
 * The fixed quantities of a DDPM forward process q(x_t | x_{t−1}) = N(√(1−β_t) x_{t−1}, β_t I),
 * t = 0 … T − 1 (0-based, as Ho et al.'s code), all in float64:
 *   ᾱ_t = ∏_{s≤t} (1 − β_s),                  q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)
 *   β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t),      the variance of the posterior q(x_{t−1} | x_t, x_0)
 *   μ̃_t = c1_t x_0 + c2_t x_t,  c1_t = β_t √ᾱ_{t−1} / (1 − ᾱ_t),  c2_t = (1 − ᾱ_{t−1}) √α_t / (1 − ᾱ_t)
 * with ᾱ_{−1} = 1 (so β̃_0 = 0).
 */
export class DdpmSchedule {
  readonly timesteps: number;
  readonly alphasCumprod: Float64Array;
  readonly alphasCumprodPrev: Float64Array;
  readonly posteriorVariance: Float64Array;
  readonly posteriorMeanCoef1: Float64Array;
  readonly posteriorMeanCoef2: Float64Array;

  constructor(readonly betas: Float64Array) {
    const T = betas.length;
    if (T < 2) throw new RangeError(`ddpm schedule: needs at least 2 timesteps, got ${T}`);
    for (const beta of betas) if (!(beta > 0 && beta < 1)) throw new RangeError(`ddpm schedule: every beta must be in (0, 1), got ${beta}`);
    this.timesteps = T;
    this.alphasCumprod = new Float64Array(T);
    let product = 1;
    for (let t = 0; t < T; t++) this.alphasCumprod[t] = product *= 1 - betas[t]!;
    this.alphasCumprodPrev = Float64Array.from({ length: T }, (_, t) => (t === 0 ? 1 : this.alphasCumprod[t - 1]!));
    this.posteriorVariance = Float64Array.from({ length: T }, (_, t) => (betas[t]! * (1 - this.alphasCumprodPrev[t]!)) / (1 - this.alphasCumprod[t]!));
    this.posteriorMeanCoef1 = Float64Array.from({ length: T }, (_, t) => (betas[t]! * Math.sqrt(this.alphasCumprodPrev[t]!)) / (1 - this.alphasCumprod[t]!));
    this.posteriorMeanCoef2 = Float64Array.from(
      { length: T },
      (_, t) => ((1 - this.alphasCumprodPrev[t]!) * Math.sqrt(1 - betas[t]!)) / (1 - this.alphasCumprod[t]!),
    );
  }

  static named(name: BetaScheduleName, timesteps: number, betaStart: number, betaEnd: number): DdpmSchedule {
    return new DdpmSchedule(name === 'linear' ? linearBetas(timesteps, betaStart, betaEnd) : cosineBetas(timesteps));
  }

  /**
   * Variance σ_t² of the reverse step p(x_{t−1} | x_t): `large` is β_t with β̃_1 at t = 0 (Ho et al.'s
   * "fixedlarge", their CIFAR-10 choice), `small` is β̃_t (the true posterior's, "fixedsmall"; 0 at t = 0,
   * where the decoder uses β̃_1 instead to keep a density).
   */
  reverseVariance(t: number, kind: ReverseVariance): number {
    if (kind === 'large') return t === 0 ? this.posteriorVariance[1]! : this.betas[t]!;
    return t === 0 ? this.posteriorVariance[1]! : this.posteriorVariance[t]!;
  }
}

/** The fixed reverse-process variance of a DDPM (Ho et al. 2020, section 3.2). */
export type ReverseVariance = 'large' | 'small';
