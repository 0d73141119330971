/**
 * Plain-JavaScript float64 forward passes of the layers, written loop by loop from the papers'
 * formulas and independent of tfjs, for the specs: forward values are compared against them and
 * their central finite differences check the tfjs gradients. Arrays are row-major.
 */

export type Params = ReadonlyMap<string, Float64Array>;

function get(params: Params, name: string): Float64Array {
  const value = params.get(name);
  if (!value) throw new Error(`reference: missing parameter '${name}'`);
  return value;
}

// y[r, o] = Σ_i x[r, i] W[i, o] + b[o]
export function denseRef(x: Float64Array, inF: number, outF: number, weight: Float64Array, bias: Float64Array | null): Float64Array {
  const rows = x.length / inF;
  const y = new Float64Array(rows * outF);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let sum = bias ? bias[o]! : 0;
      for (let i = 0; i < inF; i++) sum += x[r * inF + i]! * weight[i * outF + o]!;
      y[r * outF + o] = sum;
    }
  }
  return y;
}

// y = (x − mean) / sqrt(var + eps) · γ + β per (sample, group) over positions × c/groups, biased var
export function groupNormRef(
  x: Float64Array, batch: number, channels: number, groups: number, eps: number,
  gamma: Float64Array | null, beta: Float64Array | null,
): Float64Array {
  const positions = x.length / (batch * channels);
  const perGroup = channels / groups;
  const y = new Float64Array(x.length);
  for (let b = 0; b < batch; b++) {
    for (let g = 0; g < groups; g++) {
      const members: number[] = [];
      for (let p = 0; p < positions; p++) {
        for (let j = 0; j < perGroup; j++) members.push((b * positions + p) * channels + g * perGroup + j);
      }
      const mean = members.reduce((s, i) => s + x[i]!, 0) / members.length;
      const variance = members.reduce((s, i) => s + (x[i]! - mean) ** 2, 0) / members.length;
      for (const i of members) {
        const c = i % channels;
        y[i] = ((x[i]! - mean) / Math.sqrt(variance + eps)) * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0);
      }
    }
  }
  return y;
}

/** Top/left padding and output size along one axis, as tfjs computes them. */
function padAndSize(size: number, k: number, stride: number, padding: 'same' | 'valid' | number): [number, number] {
  if (padding === 'valid') return [0, Math.floor((size - k) / stride) + 1];
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    return [Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2), out];
  }
  return [padding, Math.floor((size + 2 * padding - k) / stride) + 1];
}

// y[b, i, j, o] = Σ_{di, dj, c} x[b, s·i + di − pad, s·j + dj − pad, c] W[di, dj, c, o] + bias[o], zero outside x
export function conv2dRef(
  x: Float64Array, [batch, h, w, inC]: readonly number[], weight: Float64Array, [kh, kw, , outC]: readonly number[],
  bias: Float64Array | null, stride: number, padding: 'same' | 'valid' | number,
): { y: Float64Array; shape: number[] } {
  const [padTop, outH] = padAndSize(h!, kh!, stride, padding);
  const [padLeft, outW] = padAndSize(w!, kw!, stride, padding);
  const y = new Float64Array(batch! * outH * outW * outC!);
  for (let b = 0; b < batch!; b++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        for (let o = 0; o < outC!; o++) {
          let sum = bias ? bias[o]! : 0;
          for (let di = 0; di < kh!; di++) {
            const row = i * stride + di - padTop;
            if (row < 0 || row >= h!) continue;
            for (let dj = 0; dj < kw!; dj++) {
              const col = j * stride + dj - padLeft;
              if (col < 0 || col >= w!) continue;
              for (let c = 0; c < inC!; c++) {
                sum += x[((b * h! + row) * w! + col) * inC! + c]! * weight[((di * kw! + dj) * inC! + c) * outC! + o]!;
              }
            }
          }
          y[((b * outH + i) * outW + j) * outC! + o] = sum;
        }
      }
    }
  }
  return { y, shape: [batch!, outH, outW, outC!] };
}

// y = x + proj(concat_h softmax(q_h k_hᵀ / sqrt(d)) v_h), [q | k | v] = qkv(groupnorm(x)), one head and one query at a time
export function selfAttentionRef(
  x: Float64Array, batch: number, channels: number, heads: number, groups: number, eps: number, params: Params,
): Float64Array {
  const positions = x.length / (batch * channels);
  const d = channels / heads;
  const normed = groupNormRef(x, batch, channels, groups, eps, get(params, 'norm.weight'), get(params, 'norm.bias'));
  const qkv = denseRef(normed, channels, 3 * channels, get(params, 'qkv.weight'), get(params, 'qkv.bias'));
  const at = (b: number, p: number, part: number, head: number, j: number) => qkv[(b * positions + p) * 3 * channels + part * channels + head * d + j]!;
  const merged = new Float64Array(x.length);
  for (let b = 0; b < batch; b++) {
    for (let head = 0; head < heads; head++) {
      for (let p = 0; p < positions; p++) {
        const scores = Array.from({ length: positions }, (_, s) => {
          let dot = 0;
          for (let j = 0; j < d; j++) dot += at(b, p, 0, head, j) * at(b, s, 1, head, j);
          return dot / Math.sqrt(d);
        });
        const max = Math.max(...scores);
        const weights = scores.map((s) => Math.exp(s - max));
        const total = weights.reduce((a, w) => a + w, 0);
        for (let j = 0; j < d; j++) {
          let sum = 0;
          for (let s = 0; s < positions; s++) sum += (weights[s]! / total) * at(b, s, 2, head, j);
          merged[(b * positions + p) * channels + head * d + j] = sum;
        }
      }
    }
  }
  const out = denseRef(merged, channels, channels, get(params, 'proj.weight'), get(params, 'proj.bias'));
  return out.map((v, i) => v + x[i]!);
}

// e[n] = [cos(t_n f_0) … cos(t_n f_{half−1}), sin(t_n f_0) … sin(t_n f_{half−1}), (0 if dim odd)], f_i = maxPeriod^(−i/half)
export function sinusoidalRef(t: readonly number[], dim: number, maxPeriod: number): Float64Array {
  const half = Math.floor(dim / 2);
  const e = new Float64Array(t.length * dim);
  t.forEach((tn, n) => {
    for (let i = 0; i < half; i++) {
      const angle = tn * Math.pow(maxPeriod, -i / half);
      e[n * dim + i] = Math.cos(angle);
      e[n * dim + half + i] = Math.sin(angle);
    }
  });
  return e;
}

// silu(x) = x / (1 + e^(−x))
export function siluRef(x: Float64Array): Float64Array {
  return x.map((v) => v / (1 + Math.exp(-v)));
}

// e = W₂ silu(W₁ sinusoidal(t) + b₁) + b₂
export function timeEmbeddingRef(t: readonly number[], dim: number, hidden: number, out: number, params: Params): Float64Array {
  const features = sinusoidalRef(t, dim, 10000);
  const h = siluRef(denseRef(features, dim, hidden, get(params, 'hidden.weight'), get(params, 'hidden.bias')));
  return denseRef(h, hidden, out, get(params, 'out.weight'), get(params, 'out.bias'));
}

// h_{i+1} = act(h_i W_i + b_i), no act after the last layer
export function mlpRef(x: Float64Array, sizes: readonly number[], act: (v: number) => number, params: Params): Float64Array {
  let h = x;
  for (let i = 0; i < sizes.length - 1; i++) {
    h = denseRef(h, sizes[i]!, sizes[i + 1]!, get(params, `layers.${i}.weight`), get(params, `layers.${i}.bias`));
    if (i < sizes.length - 2) h = h.map(act);
  }
  return h;
}

export const activationRefs: Record<'relu' | 'silu' | 'tanh', (v: number) => number> = {
  relu: (v) => Math.max(v, 0),
  silu: (v) => v / (1 + Math.exp(-v)),
  tanh: Math.tanh,
};

// L = Σ_i y_i r_i
export function weightedSum(y: ArrayLike<number>, r: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i]! * r[i]!;
  return sum;
}

// ∂f/∂v_i ≈ (f(v + h e_i) − f(v − h e_i)) / 2h, error O(h²)
export function centralDifferences(f: (v: Float64Array) => number, at: Float64Array, h = 1e-6): Float64Array {
  const v = Float64Array.from(at);
  return v.map((vi, i) => {
    v[i] = vi + h;
    const plus = f(v);
    v[i] = vi - h;
    const minus = f(v);
    v[i] = vi;
    return (plus - minus) / (2 * h);
  });
}

/** The same error measure as the kernel specs', on float64 values. */
export { relativeError as relativeError64 } from '../../backend/wasm-kernels/testing/kernel-cases.ts';
