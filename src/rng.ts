/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna) on 32-bit integers, seeded through splitmix32 so
 * that nearby seeds give unrelated streams. `stream(seed, k)` gives the k-th independent stream of a seed (one per
 * chain). Same seed, same numbers, on every platform.
 */
import { lgamma } from './numeric/log-gamma.js';
import * as pm from './numeric/portable-math.js';

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** MurmurHash3's 32-bit finalizer (Appleby): a bijection on 32-bit integers that maps 0 to 0. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;

  constructor(seed: number, stream = 0) {
    const st = { s: (seed >>> 0) ^ Math.imul(stream + 1, 0x632be5ab) };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    // Seeds up to 2^53 − 1: the high 21 bits enter b through fmix32, a bijection with fmix32(0) = 0. So seeds below
    // 2^32 keep exactly their old state, and the seeding is injective: a is a bijection of the low 32 bits (one
    // splitmix32 step), and given those, b is a bijection of the high bits. The first output of xoshiro128** is a
    // bijection of b alone, so seeds with equal low halves (s and s + k·2^32) differ already in their first number.
    const high = Math.floor(seed / 4294967296) >>> 0;
    if (high !== 0) this.b = (this.b ^ fmix32(high)) >>> 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform on [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform on [lo, hi). */
  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal (Marsaglia's polar method). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * pm.log(s)) / s);
    this.spare = v * m;
    return u * m;
  }

  /** Integer uniform on [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  bernoulli(p: number): number {
    return this.uniform() < p ? 1 : 0;
  }

  /** Exponential(1). */
  exponential(): number {
    return -pm.log(1 - this.uniform());
  }

  /**
   * Gamma(shape, rate 1), shape > 0: mean and variance both `shape` (scale it for another rate or mean).
   * Marsaglia & Tsang (2000), "A simple method for generating gamma variables", ACM TOMS 26(3): with d = shape − 1/3
   * and c = 1/√(9d), draw x ~ N(0, 1), v = (1 + c·x)³, accept d·v when v > 0 and log u < x²/2 + d − d·v + d·log v
   * (the squeeze u < 1 − 0.0331·x⁴ accepts most without a log). shape < 1 by their boost: Gamma(shape + 1)·u^(1/shape).
   */
  gamma(shape: number): number {
    if (!(shape > 0 && Number.isFinite(shape))) throw new RangeError(`gamma: shape ${shape} must be a positive number`);
    if (shape < 1) {
      // u^(1/shape) as exp(log(u)/shape); u in (0, 1] so the log is finite
      const boost = pm.exp(pm.log(1 - this.uniform()) / shape);
      return this.gamma(shape + 1) * boost;
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const u = 1 - this.uniform(); // (0, 1]
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (pm.log(u) < 0.5 * x2 + d * (1 - v + pm.log(v))) return d * v;
    }
  }

  /**
   * Poisson(mean), mean ≥ 0 and finite. Below POISSON_INVERSION_LIMIT by inversion (sequential search of the
   * cumulative probabilities from 0: one uniform and about mean + 1 steps); at or above it by
   * Hörmann's transformed rejection with squeeze, PTRS (W. Hörmann 1993, "The transformed rejection method for
   * generating Poisson random variables", Insurance: Mathematics and Economics 12, 39–45), O(1) per draw.
   */
  poisson(mean: number): number {
    if (!(mean >= 0 && Number.isFinite(mean))) throw new RangeError(`poisson: mean ${mean} must be a finite number ≥ 0`);
    if (mean < POISSON_INVERSION_LIMIT) {
      let p = pm.exp(-mean);
      let u = this.uniform();
      let k = 0;
      // u − F(k) as it goes; stop at the first k with u < F(k) (a rounding tail past 0 stops where p underflows)
      while (u >= p && p > 0) {
        u -= p;
        k++;
        p *= mean / k;
      }
      return k;
    }
    const s = Math.sqrt(mean);
    const b = 0.931 + 2.53 * s;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    const logMean = pm.log(mean);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      // accept when v·α⁻¹·(a/us² + b)⁻¹ ≤ p(k) = e^{−mean} mean^k / k!, in logs
      if (pm.log(v) + pm.log(invAlpha) - pm.log(a / (us * us) + b) <= -mean + k * logMean - lgamma(k + 1)) return k;
    }
  }
}

/** Means below this are drawn by inversion, at or above it by PTRS (Hörmann 1993 recommends it for mean ≥ 10). */
const POISSON_INVERSION_LIMIT = 10;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The k-th independent stream of `seed` (e.g. one per chain). */
export function stream(seed: number, k: number): Rng {
  return new Rng(seed, k);
}

/**
 * A stream of `seed` named by a string (FNV-1a, 32-bit, over its UTF-16 code units, picks the stream): the same key
 * gives the same numbers whatever else is drawn, e.g. one stream per new group level when scoring, so that a row's
 * score does not depend on the rows scored with it.
 */
export function keyedStream(seed: number, key: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return new Rng(seed, h >>> 0);
}
