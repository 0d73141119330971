import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { allocate, heapMemory, heapView, offsetOf, release } from '../../wasm-heap.ts';
import { simdChannels, type SimdChannels } from '../../wasm-kernels/simd-channels.ts';
import type { EltwisePrimitives } from '../onednn/eltwise-primitives.ts';

export interface GroupNormSiluAttrs {
  groups: number;
  eps: number;
}

/** [batch, pixels, channels] of x [b, ..., c] (channels last). */
function layout(x: TensorInfo): { batch: number; pixels: number; channels: number } {
  const channels = x.shape.at(-1)!;
  const batch = x.shape[0]!;
  return { batch, pixels: x.shape.reduce((a, b) => a * b, 1) / (batch * channels), channels };
}

/** Five [channels] scratch vectors on the heap, views and offsets. */
function scratch(backend: BackendWasm, channels: number, count: number): { infos: TensorInfo[]; view: (i: number) => Float32Array; at: (i: number) => number } {
  const infos = Array.from({ length: count }, () => allocate(backend, [channels]));
  return { infos, view: (i) => heapView(backend, infos[i]!), at: (i) => offsetOf(backend, infos[i]!) };
}

const perChannel = (values: Float32Array, groupSize: number, f: (g: number, c: number) => number) => {
  for (let c = 0; c < values.length; c++) values[c] = f(Math.floor(c / groupSize), c);
};

// y = x·scale + shift, scale[c] = r_g γ[c], shift[c] = β[c] − μ_g r_g γ[c]: GroupNorm's affine output for sample b
function normalise(simd: SimdChannels, s: ReturnType<typeof scratch>, x: number, out: number, pixels: number, gamma: Float32Array, beta: Float32Array, mean: Float32Array, rstd: Float32Array, groupSize: number): void {
  perChannel(s.view(0), groupSize, (g, c) => rstd[g]! * gamma[c]!);
  perChannel(s.view(1), groupSize, (g, c) => beta[c]! - mean[g]! * rstd[g]! * gamma[c]!);
  simd.affine(x, out, pixels, gamma.length, s.at(0), s.at(1));
}

/**
 * silu(GroupNorm(x)) for channels-last x [b, ..., c], c a multiple of 4: per sample, channel sums
 * and centred squares (two SIMD passes, per-group μ and r = (σ² + eps)^−1/2 from them in float64),
 * the affine output (one pass), then SiLU in place (oneDNN's swish). Outputs [out, μ [b, G], r [b, G]].
 */
export function createGroupNormSiluForward(eltwise: EltwisePrimitives): KernelFunc {
  return (args) => {
    const { x, gamma, beta } = args.inputs as Record<'x' | 'gamma' | 'beta', TensorInfo>;
    const { groups, eps } = args.attrs as unknown as GroupNormSiluAttrs;
    const backend = args.backend as BackendWasm;
    const { batch, pixels, channels } = layout(x);
    const groupSize = channels / groups;
    const count = pixels * groupSize;
    const out = allocate(backend, [...x.shape]);
    const meanInfo = allocate(backend, [batch, groups]);
    const rstdInfo = allocate(backend, [batch, groups]);
    const s = scratch(backend, channels, 3);
    const simd = simdChannels(heapMemory(backend));
    const sampleBytes = pixels * channels * 4;
    const [gammaView, betaView] = [heapView(backend, gamma), heapView(backend, beta)];
    for (let b = 0; b < batch; b++) {
      const [xAt, outAt] = [offsetOf(backend, x) + b * sampleBytes, offsetOf(backend, out) + b * sampleBytes];
      const mean = heapView(backend, meanInfo).subarray(b * groups, (b + 1) * groups);
      const rstd = heapView(backend, rstdInfo).subarray(b * groups, (b + 1) * groups);
      s.view(2).fill(0);
      simd.sums(xAt, pixels, channels, s.at(2));
      for (let g = 0; g < groups; g++) mean[g] = s.view(2).subarray(g * groupSize, (g + 1) * groupSize).reduce((a, v) => a + v, 0) / count;
      perChannel(s.view(0), groupSize, (g) => mean[g]!);
      s.view(2).fill(0);
      simd.centredSquares(xAt, pixels, channels, s.at(0), s.at(2));
      for (let g = 0; g < groups; g++) rstd[g] = 1 / Math.sqrt(s.view(2).subarray(g * groupSize, (g + 1) * groupSize).reduce((a, v) => a + v, 0) / count + eps);
      normalise(simd, s, xAt, outAt, pixels, gammaView, betaView, mean, rstd, groupSize);
    }
    const outView = heapView(backend, out);
    eltwise.forward('swish', outView, outView);
    release(backend, ...s.infos);
    return [out, meanInfo, rstdInfo];
  };
}

/**
 * The gradient of silu(GroupNorm(x)) from dout and the forward's μ, r: y recomputed (one pass),
 * dy = swish'(y) ⊙ dout (oneDNN), per-channel Σ dy and Σ dy·x̂ (one pass), then
 *   dx = r γ dy − r² mean(g x̂)·x + (μ r² mean(g x̂) − r mean(g)),  g = γ dy, means over the group,
 * as one pass; dγ = Σ dy·x̂, dβ = Σ dy over samples and positions. Outputs [dx, dγ, dβ].
 */
export function createGroupNormSiluBackward(eltwise: EltwisePrimitives): KernelFunc {
  return (args) => {
    const { dout, x, mean, rstd, gamma, beta } = args.inputs as Record<'dout' | 'x' | 'mean' | 'rstd' | 'gamma' | 'beta', TensorInfo>;
    const { groups } = args.attrs as unknown as GroupNormSiluAttrs;
    const backend = args.backend as BackendWasm;
    const { batch, pixels, channels } = layout(x);
    const groupSize = channels / groups;
    const count = pixels * groupSize;
    const dx = allocate(backend, [...x.shape]);
    const dGamma = allocate(backend, [channels]);
    const dBeta = allocate(backend, [channels]);
    const dy = allocate(backend, [...x.shape]);
    const s = scratch(backend, channels, 5);
    const simd = simdChannels(heapMemory(backend));
    const sampleBytes = pixels * channels * 4;
    const [gammaView, betaView] = [heapView(backend, gamma), heapView(backend, beta)];
    const means = (b: number) => heapView(backend, mean).subarray(b * groups, (b + 1) * groups);
    const rstds = (b: number) => heapView(backend, rstd).subarray(b * groups, (b + 1) * groups);
    // y into dx's memory, then dy = swish'(y) ⊙ dout
    for (let b = 0; b < batch; b++) normalise(simd, s, offsetOf(backend, x) + b * sampleBytes, offsetOf(backend, dx) + b * sampleBytes, pixels, gammaView, betaView, means(b), rstds(b), groupSize);
    eltwise.backward('swish', heapView(backend, dx), heapView(backend, dout), heapView(backend, dy));
    heapView(backend, dGamma).fill(0);
    heapView(backend, dBeta).fill(0);
    for (let b = 0; b < batch; b++) {
      const [mu, r] = [means(b), rstds(b)];
      const [xAt, dyAt, dxAt] = [offsetOf(backend, x), offsetOf(backend, dy), offsetOf(backend, dx)].map((at) => at + b * sampleBytes) as [number, number, number];
      perChannel(s.view(0), groupSize, (g) => r[g]!);
      perChannel(s.view(1), groupSize, (g) => mu[g]! * r[g]!);
      s.view(2).fill(0);
      s.view(3).fill(0);
      simd.gradSums(dyAt, xAt, pixels, channels, s.at(0), s.at(1), s.at(2), s.at(3));
      const [sumD, sumDX] = [s.view(2), s.view(3)];
      const [dGammaView, dBetaView] = [heapView(backend, dGamma), heapView(backend, dBeta)];
      for (let c = 0; c < channels; c++) {
        dBetaView[c] += sumD[c]!;
        dGammaView[c] += sumDX[c]!;
      }
      const meanG = new Float64Array(groups);
      const meanGX = new Float64Array(groups);
      for (let c = 0; c < channels; c++) {
        const g = Math.floor(c / groupSize);
        meanG[g] += (gammaView[c]! * sumD[c]!) / count;
        meanGX[g] += (gammaView[c]! * sumDX[c]!) / count;
      }
      perChannel(s.view(0), groupSize, (g, c) => r[g]! * gammaView[c]!);
      perChannel(s.view(1), groupSize, (g) => -r[g]! * r[g]! * meanGX[g]!);
      perChannel(s.view(4), groupSize, (g) => mu[g]! * r[g]! * r[g]! * meanGX[g]! - r[g]! * meanG[g]!);
      simd.affine2(dyAt, xAt, dxAt, pixels, channels, s.at(0), s.at(1), s.at(4));
    }
    release(backend, dy, ...s.infos);
    return [dx, dGamma, dBeta];
  };
}
