/**
 * In-place complex fast Fourier transform for power-of-two lengths: iterative radix-2 decimation in time
 * (Cooley & Tukey 1965), X[k] = Σⱼ x[j]·exp(−2πi·jk/n). Twiddle factors and the bit-reversal permutation are
 * computed once per length and kept.
 */

interface FftPlan {
  readonly n: number;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly swaps: Uint32Array;
}

const plans = new Map<number, FftPlan>();

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && (n & (n - 1)) === 0;
}

/** The smallest power of two ≥ n. */
export function nextPowerOfTwo(n: number): number {
  let m = 1;
  while (m < n) m *= 2;
  return m;
}

function plan(n: number): FftPlan {
  const cached = plans.get(n);
  if (cached) return cached;
  const half = n >>> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const angle = (-2 * Math.PI * k) / n;
    cos[k] = Math.cos(angle);
    sin[k] = Math.sin(angle);
  }
  const bits = Math.log2(n);
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>>= 1) r = (r << 1) | (v & 1);
    if (r > i) pairs.push(i, r);
  }
  const p: FftPlan = { n, cos, sin, swaps: Uint32Array.from(pairs) };
  plans.set(n, p);
  return p;
}

/** Forward transform of (re, im) in place; both arrays have the same power-of-two length. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n || !isPowerOfTwo(n)) throw new Error(`fft: length ${n} is not a power of two`);
  if (n === 1) return;
  const { cos, sin, swaps } = plan(n);
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
  for (let size = 2; size <= n; size *= 2) {
    const half = size >>> 1;
    const stride = n / size;
    for (let start = 0; start < n; start += size) {
      for (let j = 0, w = 0; j < half; j++, w += stride) {
        const a = start + j;
        const k = a + half;
        const wr = cos[w];
        const wi = sin[w];
        const xr = re[k];
        const xi = im[k];
        const tr = wr * xr - wi * xi;
        const ti = wr * xi + wi * xr;
        const ar = re[a];
        const ai = im[a];
        re[k] = ar - tr;
        im[k] = ai - ti;
        re[a] = ar + tr;
        im[a] = ai + ti;
      }
    }
  }
}
