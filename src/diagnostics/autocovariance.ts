/**
 * Autocovariances of MCMC chains as R posterior's `autocovariance` defines them (the "biased" estimate Geyer 1992
 * recommends): for a chain y of length N with mean ȳ, acov[t] = Σᵢ (yᵢ − ȳ)(yᵢ₊ₜ − ȳ) / N (posterior writes it as
 * the ratio to lag 0 times var(y)·(N − 1)/N, the same number). A chain with zero variance has all autocovariances
 * zero.
 *
 * The lags come from an FFT of the zero-padded chain: padded to length M ≥ N + L − 1, the circular correlation
 * equals the linear one at lags 0 … L − 1 (all N lags need M ≥ 2N − 1).
 * Geyer's initial sequence often ends after a handful of lags, and then the direct sums of those lags cost less
 * than the FFT; `meanAutocovariance` picks whichever is cheaper for the lags asked for. Both give the same numbers
 * up to rounding.
 */
import type { ChainDraws } from './chains.js';
import { constantOrNonFinite } from './chains.js';
import type { FftPlan } from '../numeric/fft.js';
import { fft, fftPlan, nextPowerOfTwo } from '../numeric/fft.js';
import type { WorkSlot } from './workspace.js';
import { DiagnosticsWorkspace, workSlot, workSlotPerSize } from './workspace.js';

/** Up to this many lags, direct sums (lags × draws multiply-adds) are used; beyond, an FFT (measured break-even for
 * 8 chains of 50,000 draws: ~50 lags against the FFT of the 65,536 points that give the first lags). */
export const DIRECT_LAG_LIMIT = 48;

/** The FFT length for `lags` lags of chains of n draws: the smallest power of two ≥ n + lags − 1. */
export function fftLength(n: number, lags: number): number {
  return nextPowerOfTwo(n + Math.min(lags, n) - 1);
}

/** The most lags an FFT of the smallest length above n + `minLags` gives exactly (at most n). */
export function lagsForShortFft(n: number, minLags: number): number {
  return Math.min(n, fftLength(n, minLags) - n + 1);
}

/** Chains with their means subtracted, and what turns their raw lag sums into R's autocovariances. */
export interface CenteredChains {
  readonly nChains: number;
  readonly nDraws: number;
  /** Chain-major like ChainDraws: draw d of chain c, minus the chain's mean, at c · nDraws + d. */
  readonly centered: Float64Array;
  /** Each chain's mean (R's two-pass `mean`). */
  readonly means: Float64Array;
  /** The factor from raw lag sums to autocovariances: 1/N, or 0 for a constant chain (all of whose are 0). */
  readonly scales: Float64Array;
  /**
   * True when R posterior returns NA for statistics of these draws (`should_return_NA`): a non-finite draw, or all
   * draws (of all chains) within machine epsilon of each other. Seen on the way, so callers need no extra pass.
   */
  readonly degenerate: boolean;
}

/** `out`, when given, receives the centered draws (length nChains · nDraws) instead of a new array. */
export function centerChains(x: ChainDraws, out?: Float64Array): CenteredChains {
  const n = x.nDraws;
  const centered = out ?? new Float64Array(x.nChains * n);
  const means = new Float64Array(x.nChains);
  const scales = new Float64Array(x.nChains);
  const v = x.values;
  let lo = Infinity;
  let hi = -Infinity;
  let finite = true;
  for (let c = 0; c < x.nChains; c++) {
    const base = c * n;
    const end = base + n;
    // R's two-pass mean (as `mean` computes it), written out over the chain's slice of x.values; the range of all
    // draws on the way
    let sum = 0;
    for (let i = base; i < end; i++) {
      const d = v[i];
      sum += d;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    if (!Number.isFinite(sum)) finite = false;
    const m0 = sum / n;
    let residual = 0;
    for (let i = base; i < end; i++) residual += v[i] - m0;
    const m = n === 0 ? NaN : m0 + residual / n;
    let ss = 0;
    for (let i = base; i < end; i++) {
      const d = v[i] - m;
      centered[i] = d;
      ss += d * d;
    }
    means[c] = m;
    // posterior rescales lag sums by var(y)·(N − 1)/N / (lag-0 sum) = (ss/(N − 1))·(N − 1)/N / ss = 1/N
    scales[c] = ss === 0 ? 0 : 1 / n;
  }
  // a NaN fails both comparisons, so a non-finite sum is what shows it (or an infinite draw); finite draws whose sum
  // overflows are checked one by one
  const degenerate = finite ? Math.abs(hi - lo) < Number.EPSILON : constantOrNonFinite(v.subarray(0, x.nChains * n));
  return { nChains: x.nChains, nDraws: n, centered, means, scales, degenerate };
}

/** Σᵢ yᵢ·yᵢ₊ₜ for one lag t. */
function lagSum(y: Float64Array, t: number): number {
  let s = 0;
  for (let i = 0, j = t; j < y.length; i++, j++) s += y[i] * y[j];
  return s;
}

/**
 * Adds scale · Σᵢ yᵢ·yᵢ₊ₜ for from ≤ t < nLags to acc[t] (y already centered). Eight (then four) lags share each
 * pass over y; each sum still runs over i in order, so the result is that of one lag at a time.
 */
function addDirectLagSums(y: Float64Array, from: number, nLags: number, scale: number, acc: Float64Array): void {
  const n = y.length;
  let t = from;
  for (; t + 8 <= nLags && t + 7 < n; t += 8) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let s4 = 0;
    let s5 = 0;
    let s6 = 0;
    let s7 = 0;
    const common = n - t - 7; // i below this has all eight partners
    for (let i = 0; i < common; i++) {
      const a = y[i];
      const j = i + t;
      s0 += a * y[j];
      s1 += a * y[j + 1];
      s2 += a * y[j + 2];
      s3 += a * y[j + 3];
      s4 += a * y[j + 4];
      s5 += a * y[j + 5];
      s6 += a * y[j + 6];
      s7 += a * y[j + 7];
    }
    for (let i = Math.max(common, 0); i < n - t; i++) {
      const a = y[i];
      s0 += a * y[i + t];
      if (i + t + 1 < n) s1 += a * y[i + t + 1];
      if (i + t + 2 < n) s2 += a * y[i + t + 2];
      if (i + t + 3 < n) s3 += a * y[i + t + 3];
      if (i + t + 4 < n) s4 += a * y[i + t + 4];
      if (i + t + 5 < n) s5 += a * y[i + t + 5];
      if (i + t + 6 < n) s6 += a * y[i + t + 6];
    }
    acc[t] += scale * s0;
    acc[t + 1] += scale * s1;
    acc[t + 2] += scale * s2;
    acc[t + 3] += scale * s3;
    acc[t + 4] += scale * s4;
    acc[t + 5] += scale * s5;
    acc[t + 6] += scale * s6;
    acc[t + 7] += scale * s7;
  }
  for (; t + 4 <= nLags && t + 3 < n; t += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const common = n - t - 3; // i below this has all four partners
    for (let i = 0; i < common; i++) {
      const a = y[i];
      s0 += a * y[i + t];
      s1 += a * y[i + t + 1];
      s2 += a * y[i + t + 2];
      s3 += a * y[i + t + 3];
    }
    for (let i = Math.max(common, 0); i < n - t; i++) {
      const a = y[i];
      s0 += a * y[i + t];
      if (i + t + 1 < n) s1 += a * y[i + t + 1];
      if (i + t + 2 < n) s2 += a * y[i + t + 2];
    }
    acc[t] += scale * s0;
    acc[t + 1] += scale * s1;
    acc[t + 2] += scale * s2;
    acc[t + 3] += scale * s3;
  }
  for (; t < nLags; t++) acc[t] += scale * lagSum(y, t);
}

/**
 * Adds scale₁·|Y₁|² + scale₂·|Y₂|² to the spectrum `power`, where Y₁, Y₂ are the DFTs of the zero-padded y₁, y₂,
 * both from one complex FFT of y₁ + i·y₂: Y₁[k] = (Z[k] + conj Z[m−k])/2, Y₂[k] = (Z[k] − conj Z[m−k])/(2i).
 */
function addPowerSpectra(
  y1: Float64Array,
  scale1: number,
  y2: Float64Array | null,
  scale2: number,
  re: Float64Array,
  im: Float64Array,
  power: Float64Array,
  plan: FftPlan,
): void {
  const m = re.length;
  re.fill(0);
  im.fill(0);
  re.set(y1);
  if (y2) im.set(y2);
  fft(re, im, plan);
  for (let k = 0; k <= m / 2; k++) {
    const j = (m - k) & (m - 1);
    const ar = re[k];
    const ai = im[k];
    const br = re[j];
    const bi = im[j];
    const p1 = ((ar + br) * (ar + br) + (ai - bi) * (ai - bi)) / 4;
    const p2 = y2 ? ((ai + bi) * (ai + bi) + (ar - br) * (ar - br)) / 4 : 0;
    const p = scale1 * p1 + scale2 * p2;
    power[k] += p;
    if (j !== k) power[j] += p;
  }
}

/** FFT plans, one per length: a slowly mixing chain's ESS takes a short FFT and then a full one, variable after
 * variable, and a plan costs a sine and a cosine per point. */
const FFT_PLAN: WorkSlot<FftPlan> = workSlotPerSize('autocovariance FFT plan', fftPlan);
/** The FFT path's work arrays, for the last length used (every variable of a fit has the same number of draws). */
const FFT_ARRAYS: WorkSlot<{ readonly re: Float64Array; readonly im: Float64Array; readonly power: Float64Array }> = workSlot(
  'autocovariance FFT arrays',
  (m) => ({ re: new Float64Array(m), im: new Float64Array(m), power: new Float64Array(m) }),
);

/**
 * The mean over chains of each chain's autocovariances at lags 0 … nLags − 1 (nLags ≤ draws per chain), the
 * quantity Geyer's initial sequence needs (Vehtari et al. 2021, eq. 10). `method` forces one way of computing it
 * (tests compare the two); by default the cheaper one for the number of lags. `known` may hold the result of an
 * earlier direct-sum call on the same chains with fewer lags: a direct call keeps those lags rather than summing
 * them again (the numbers are the same). `ws` holds the FFT path's work arrays and plans.
 */
export function meanAutocovariance(
  x: ChainDraws | CenteredChains,
  nLags: number = x.nDraws,
  method: 'auto' | 'fft' | 'direct' = 'auto',
  known?: Float64Array,
  ws: DiagnosticsWorkspace = new DiagnosticsWorkspace(),
): Float64Array {
  const cx = 'centered' in x ? x : centerChains(x);
  const n = cx.nDraws;
  const lags = Math.min(nLags, n);
  const acc = new Float64Array(lags);
  const chain = (c: number): Float64Array => cx.centered.subarray(c * n, (c + 1) * n);
  if (method === 'direct' || (method === 'auto' && lags <= DIRECT_LAG_LIMIT)) {
    // lags already computed by direct sums (same numbers) are kept, not summed again
    const from = known ? Math.min(known.length, lags) : 0;
    for (let c = 0; c < cx.nChains; c++) {
      if (cx.scales[c] !== 0) addDirectLagSums(chain(c), from, lags, cx.scales[c], acc);
    }
    for (let t = from; t < lags; t++) acc[t] /= cx.nChains;
    if (known) acc.set(known.subarray(0, from));
    return acc;
  } else {
    // the mean of the chains' autocovariances is the inverse transform of the (scaled) mean power spectrum, so
    // one inverse FFT serves all chains; the spectrum is real and even, so its forward transform is the inverse
    // times m, and real
    const m = fftLength(n, lags);
    const { re, im, power } = ws.get(FFT_ARRAYS, m);
    const plan = ws.get(FFT_PLAN, m);
    power.fill(0);
    for (let c = 0; c < cx.nChains; c += 2) {
      const paired = c + 1 < cx.nChains && cx.scales[c + 1] !== 0;
      addPowerSpectra(chain(c), cx.scales[c], paired ? chain(c + 1) : null, paired ? cx.scales[c + 1] : 0, re, im, power, plan);
    }
    re.set(power);
    im.fill(0);
    fft(re, im, plan);
    for (let t = 0; t < lags; t++) acc[t] = re[t] / m;
  }
  for (let t = 0; t < lags; t++) acc[t] /= cx.nChains;
  return acc;
}

/** Autocovariances of one sequence at every lag (R posterior's `autocovariance`), by FFT. */
export function autocovariance(y: Float64Array): Float64Array {
  return meanAutocovariance({ values: y, nChains: 1, nDraws: y.length }, y.length, 'fft');
}
