/**
 * Autocovariances of MCMC chains as R posterior's `autocovariance` defines them (the "biased" estimate Geyer 1992
 * recommends): for a chain y of length N with mean ȳ, acov[t] = Σᵢ (yᵢ − ȳ)(yᵢ₊ₜ − ȳ) / N, computed as a ratio to
 * lag 0 rescaled by var(y)·(N − 1)/N. A chain with zero variance has all autocovariances zero.
 *
 * All N lags come from one FFT of the zero-padded chain (padding to ≥ 2N makes the circular correlation linear).
 * Geyer's initial sequence often ends after a handful of lags, and then the direct sums of those lags cost less
 * than the FFT; `meanAutocovariance` picks whichever is cheaper for the lags asked for. Both give the same numbers
 * up to rounding.
 */
import type { ChainDraws } from './chains.js';
import { chainDraws } from './chains.js';
import { fft, nextPowerOfTwo } from './fft.js';
import { mean, variance } from './moments.js';

/** Up to this many lags, direct sums (lags × draws multiply-adds) beat two FFTs of length ≥ 2·draws. */
export const DIRECT_LAG_LIMIT = 48;

/** Centered copy of a chain, and the factor that turns raw lag sums into R's autocovariances (0 if constant). */
function centered(y: Float64Array, out: Float64Array): number {
  const n = y.length;
  const m = mean(y);
  const v = variance(y, m);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = y[i] - m;
    out[i] = d;
    ss += d * d;
  }
  return v === 0 || ss === 0 ? 0 : (v * (n - 1)) / n / ss;
}

/** Adds scale · Σᵢ yᵢ·yᵢ₊ₜ for t < nLags to acc[t] (y already centered). */
function addDirectLagSums(y: Float64Array, nLags: number, scale: number, acc: Float64Array): void {
  const n = y.length;
  for (let t = 0; t < nLags; t++) {
    let s = 0;
    for (let i = 0, j = t; j < n; i++, j++) s += y[i] * y[j];
    acc[t] += scale * s;
  }
}

/**
 * Adds scale₁ · (lag sums of y₁) and scale₂ · (lag sums of y₂) for all lags to acc, with one complex FFT of
 * y₁ + i·y₂ and one of the two power spectra packed the same way (both spectra are real and even, so the second
 * transform returns each chain's lag sums in its real and imaginary parts).
 */
function addFftLagSums(
  y1: Float64Array,
  scale1: number,
  y2: Float64Array | null,
  scale2: number,
  re: Float64Array,
  im: Float64Array,
  acc: Float64Array,
): void {
  const n = y1.length;
  const m = re.length;
  re.fill(0);
  im.fill(0);
  re.set(y1);
  if (y2) im.set(y2);
  fft(re, im);
  // split the packed spectrum: Y₁[k] = (Z[k] + conj Z[m−k])/2, Y₂[k] = (Z[k] − conj Z[m−k])/(2i); store |Y₁|² + i|Y₂|²
  for (let k = 0; k <= m / 2; k++) {
    const j = (m - k) & (m - 1);
    const ar = re[k];
    const ai = im[k];
    const br = re[j];
    const bi = im[j];
    const p1 = ((ar + br) * (ar + br) + (ai - bi) * (ai - bi)) / 4;
    const p2 = ((ai + bi) * (ai + bi) + (ar - br) * (ar - br)) / 4;
    re[k] = p1;
    im[k] = p2;
    re[j] = p1;
    im[j] = p2;
  }
  fft(re, im);
  // the inverse transform equals the forward one on an even sequence, up to the factor 1/m
  const s1 = scale1 / m;
  const s2 = scale2 / m;
  for (let t = 0; t < n; t++) acc[t] += s1 * re[t] + (y2 ? s2 * im[t] : 0);
}

/**
 * The mean over chains of each chain's autocovariances at lags 0 … nLags − 1 (nLags ≤ draws per chain), the
 * quantity Geyer's initial sequence needs (Vehtari et al. 2021, eq. 10). `method` forces one way of computing it
 * (tests compare the two); by default the cheaper one for the number of lags.
 */
export function meanAutocovariance(
  x: ChainDraws,
  nLags: number = x.nDraws,
  method: 'auto' | 'fft' | 'direct' = 'auto',
): Float64Array {
  const n = x.nDraws;
  const lags = Math.min(nLags, n);
  const acc = new Float64Array(n);
  const y1 = new Float64Array(n);
  if (method === 'direct' || (method === 'auto' && lags <= DIRECT_LAG_LIMIT)) {
    for (let c = 0; c < x.nChains; c++) {
      const scale = centered(chainDraws(x, c), y1);
      if (scale !== 0) addDirectLagSums(y1, lags, scale, acc);
    }
  } else {
    const m = nextPowerOfTwo(2 * n);
    const re = new Float64Array(m);
    const im = new Float64Array(m);
    const y2 = new Float64Array(n);
    for (let c = 0; c < x.nChains; c += 2) {
      const scale1 = centered(chainDraws(x, c), y1);
      const scale2 = c + 1 < x.nChains ? centered(chainDraws(x, c + 1), y2) : 0;
      if (scale1 !== 0 || scale2 !== 0) addFftLagSums(y1, scale1, scale2 !== 0 ? y2 : null, scale2, re, im, acc);
    }
  }
  const out = acc.subarray(0, lags);
  for (let t = 0; t < lags; t++) out[t] /= x.nChains;
  return out;
}

/** Autocovariances of one sequence at every lag (R posterior's `autocovariance`), by FFT. */
export function autocovariance(y: Float64Array): Float64Array {
  return meanAutocovariance({ values: y, nChains: 1, nDraws: y.length }, y.length, 'fft');
}
