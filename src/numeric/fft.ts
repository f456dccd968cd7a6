/**
 * In-place complex fast Fourier transform for power-of-two lengths: iterative decimation in time (Cooley & Tukey
 * 1965) after a bit-reversal permutation, X[k] = Σⱼ x[j]·exp(−2πi·jk/n), two radix-2 stages per pass. The twiddle
 * factors and the bit-reversal permutation of a length are its plan (`fftPlan`), made by the caller and kept as long as
 * it transforms that length, with src/numeric/portable-math.ts's sin and cos (the same bits in every engine).
 */
import * as pm from './portable-math.js';

export interface FftPlan {
  readonly n: number;
  /** Twiddles of every stage, contiguous: stage of half-size h holds exp(−iπj/h), j < h, from offset h − 1. */
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly swaps: Uint32Array;
}

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && (n & (n - 1)) === 0;
}

/** The smallest power of two ≥ n. */
export function nextPowerOfTwo(n: number): number {
  let m = 1;
  while (m < n) m *= 2;
  return m;
}

/** The plan of power-of-two length n: its twiddle factors and bit-reversal swaps. */
export function fftPlan(n: number): FftPlan {
  if (!isPowerOfTwo(n)) throw new Error(`fft: length ${n} is not a power of two`);
  const cos = new Float64Array(Math.max(n - 1, 0));
  const sin = new Float64Array(Math.max(n - 1, 0));
  for (let h = 1; h < n; h *= 2) {
    for (let j = 0; j < h; j++) {
      const angle = (-Math.PI * j) / h;
      cos[h - 1 + j] = pm.cos(angle);
      sin[h - 1 + j] = pm.sin(angle);
    }
  }
  const bits = Math.log2(n);
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>>= 1) r = (r << 1) | (v & 1);
    if (r > i) pairs.push(i, r);
  }
  return { n, cos, sin, swaps: Uint32Array.from(pairs) };
}

/** Forward transform of (re, im) in place; both arrays have the length of `plan` (`fftPlan(re.length)`). */
export function fft(re: Float64Array, im: Float64Array, plan: FftPlan): void {
  const n = re.length;
  if (im.length !== n || plan.n !== n) throw new Error(`fft: arrays of length ${re.length} and ${im.length} for a plan of length ${plan.n}`);
  if (n === 1) return;
  const { cos, sin, swaps } = plan;
  for (let k = 0; k < swaps.length; k += 2) {
    const i = swaps[k];
    const j = swaps[k + 1];
    let t = re[i];
    re[i] = re[j];
    re[j] = t;
    t = im[i];
    im[i] = im[j];
    im[j] = t;
  }
  let half = 1;
  if (Math.log2(n) % 2 === 1) {
    // an odd number of stages: one radix-2 stage of adjacent pairs (twiddle 1) first
    for (let a = 0; a < n; a += 2) {
      const br = re[a + 1];
      const bi = im[a + 1];
      re[a + 1] = re[a] - br;
      im[a + 1] = im[a] - bi;
      re[a] += br;
      im[a] += bi;
    }
    half = 2;
  }
  // two radix-2 stages (half-sizes h and 2h) per pass over the data, i.e. radix-4 butterflies
  for (; half < n; half *= 4) {
    const h = half;
    const size = 4 * h;
    const off1 = h - 1;
    const off2 = 2 * h - 1;
    for (let start = 0; start < n; start += size) {
      for (let j = 0; j < h; j++) {
        const i0 = start + j;
        const i1 = i0 + h;
        const i2 = i1 + h;
        const i3 = i2 + h;
        const w1r = cos[off1 + j];
        const w1i = sin[off1 + j];
        const w2r = cos[off2 + j];
        const w2i = sin[off2 + j];
        // stage h: (x0, x1) and (x2, x3) with twiddle w1
        let xr = re[i1];
        let xi = im[i1];
        let tr = w1r * xr - w1i * xi;
        let ti = w1r * xi + w1i * xr;
        const b0r = re[i0] + tr;
        const b0i = im[i0] + ti;
        const b1r = re[i0] - tr;
        const b1i = im[i0] - ti;
        xr = re[i3];
        xi = im[i3];
        tr = w1r * xr - w1i * xi;
        ti = w1r * xi + w1i * xr;
        const b2r = re[i2] + tr;
        const b2i = im[i2] + ti;
        const b3r = re[i2] - tr;
        const b3i = im[i2] - ti;
        // stage 2h: (b0, b2) with twiddle w2, (b1, b3) with twiddle −i·w2
        tr = w2r * b2r - w2i * b2i;
        ti = w2r * b2i + w2i * b2r;
        re[i0] = b0r + tr;
        im[i0] = b0i + ti;
        re[i2] = b0r - tr;
        im[i2] = b0i - ti;
        const ur = w2r * b3r - w2i * b3i;
        const ui = w2r * b3i + w2i * b3r;
        // (−i)(ur + i·ui) = ui − i·ur
        re[i1] = b1r + ui;
        im[i1] = b1i - ur;
        re[i3] = b1r - ui;
        im[i3] = b1i + ur;
      }
    }
  }
}
