/**
 * The one seeded random number generator of ouroboros: xoshiro128** (Blackman & Vigna 2018)
 * seeded through splitmix32. Every random draw (data, init, sampling, mixing) comes from an Rng
 * forked from the experiment seed by a key path, so a draw never depends on how many numbers
 * another component consumed before it.
 */
export class Rng {
  private readonly s: Uint32Array;
  private spareNormal: number | null = null;

  private constructor(state: Uint32Array) {
    this.s = state;
  }

  /** A generator for `seed`, optionally forked by a key path: `Rng.from(0, 'gen', 3)`. */
  static from(seed: number, ...keys: Array<string | number>): Rng {
    return new Rng(seedState(hashKeys(seed, keys)));
  }

  /** An independent child stream named by `keys`; the parent's state is not advanced. */
  fork(...keys: Array<string | number>): Rng {
    const parentDigest = (this.s[0]! ^ Math.imul(this.s[1]!, 0x9e3779b1) ^ Math.imul(this.s[2]!, 0x85ebca6b) ^ this.s[3]!) >>> 0;
    return new Rng(seedState(hashKeys(parentDigest, keys)));
  }

  /** Next raw 32-bit unsigned integer (xoshiro128** step). */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform float64 in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal draw by the Box-Muller transform. */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` standard normal draws. */
  normals(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** `n` uniform draws in [low, high). */
  uniforms(n: number, low = 0, high = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = p[i]!;
      p[i] = p[j]!;
      p[j] = tmp;
    }
    return p;
  }

  /** `k` distinct indices of 0..n-1 drawn without replacement, in draw order. */
  choose(n: number, k: number): Uint32Array {
    if (k > n) throw new RangeError(`Rng.choose: cannot draw ${k} of ${n} without replacement`);
    return this.permutation(n).slice(0, k);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** FNV-1a over the seed and the key path, giving a 32-bit digest. */
function hashKeys(seed: number, keys: ReadonlyArray<string | number>): number {
  let h = 0x811c9dc5;
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193);
  };
  feed(String(seed));
  for (const key of keys) feed(typeof key === 'number' ? `#${key}` : key);
  return h >>> 0;
}

/** splitmix32 expansion of a 32-bit seed into the 128-bit xoshiro state. */
function seedState(seed: number): Uint32Array {
  const state = new Uint32Array(4);
  let x = seed >>> 0;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    state[i] = (z ^ (z >>> 16)) >>> 0;
  }
  if (state.every((v) => v === 0)) state[0] = 1;
  return state;
}
