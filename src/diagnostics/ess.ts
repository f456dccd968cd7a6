/**
 * Effective sample sizes (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021, "Rank-normalization, folding, and
 * localization: an improved R-hat for assessing convergence of MCMC", Bayesian Analysis 16(2), 667–718), computed
 * exactly as R posterior 1.4 does. Every function returns null where posterior returns NA: fewer than three draws
 * per (split) chain, constant draws, or any non-finite draw.
 */
import type { ChainDraws } from './chains.js';
import { allFinite, constantOrNonFinite, constantOrNonFiniteSorted, splitChains, splitLength, withValues } from './chains.js';
import type { CenteredChains } from './autocovariance.js';
import { DIRECT_LAG_LIMIT, centerChains, lagsForShortFft, meanAutocovariance } from './autocovariance.js';
import { variance } from './moments.js';
import { quantileSorted } from '../numeric/quantile.js';
import { rankNormalizedSplit } from './rank-normalize.js';
import type { SortedDraws } from './sort.js';
import { sortDraws } from './sort.js';
import type { WorkSlot } from './workspace.js';
import { DiagnosticsWorkspace, float64Slot } from './workspace.js';
import * as pm from '../numeric/portable-math.js';

/** The centered draws of the chains whose ESS is being computed (`essOfChains`, `essQuantile`). */
const CENTERED: WorkSlot<Float64Array> = float64Slot('ess centered draws');

/** Lags computed first; most well-mixed chains need no more (see `meanAutocovariance`). */
const FIRST_LAGS = 8;

/** Geyer's sequence usually ends once the autocorrelation falls to about this (the noise level of long chains). */
const NOISE_LEVEL = 0.005;

/**
 * How many lags to compute after `acov` turned out too few: if the autocorrelation, decaying at the geometric rate
 * seen so far, will reach the noise level within the direct-sum limit, eight more by direct sums (up to the
 * limit; the lags already summed are kept, so small steps waste nothing); otherwise as many as the shortest FFT
 * gives, then all. Only the cost depends on this choice: both ways give the same autocovariances up to rounding.
 */
function moreLags(acov: Float64Array, n: number): number {
  const lags = acov.length;
  if (lags < DIRECT_LAG_LIMIT && lags < n && lags > 1) {
    const rate = pm.pow(Math.abs(acov[lags - 1]) / acov[0], 1 / (lags - 1));
    if (rate < 1 && pm.log(NOISE_LEVEL) / pm.log(rate) <= DIRECT_LAG_LIMIT) return Math.min(lags + 8, DIRECT_LAG_LIMIT, n);
  }
  const short = lagsForShortFft(n, DIRECT_LAG_LIMIT + 1);
  return lags < short ? short : n;
}

/**
 * Geyer's (1992) initial monotone sequence estimate of the integrated autocorrelation time τ from the mean
 * autocovariances `acov` (lags 0 … acov.length − 1 of chains of n draws): ρ̂ₜ = 1 − (W − acovₜ)/var⁺ (eq. 10),
 * summed in pairs while each pair is positive, pairs made monotone, τ̂ = −1 + 2·Σ_{t<T} ρ̂ₜ + ρ̂_T (posterior's
 * improved estimate, which keeps antithetic chains stable). Returns undefined when more lags are needed.
 */
function geyerTau(acov: Float64Array, n: number, meanVar: number, varPlus: number): number | undefined {
  // entries up to the last lag computed are all that can be touched (more lags are asked for before that)
  const rho = new Float64Array(Math.max(acov.length, 2));
  let t = 0;
  let rhoEven = 1;
  let rhoOdd = 1 - (meanVar - acov[1]) / varPlus;
  rho[0] = rhoEven;
  rho[1] = rhoOdd;
  // initial positive sequence: Γₖ = ρ̂₂ₖ + ρ̂₂ₖ₊₁ while positive
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    if (t + 1 >= acov.length) return undefined;
    rhoEven = 1 - (meanVar - acov[t]) / varPlus;
    rhoOdd = 1 - (meanVar - acov[t + 1]) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    }
  }
  const maxT = t;
  if (rhoEven > 0) rho[maxT] = rhoEven;
  // initial monotone sequence: no pair may exceed the one before it
  for (t = 2; t <= maxT - 2; t += 2) {
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }
  // posterior sums rho_hat_t[1:max_t] in R, and 1:0 is c(1, 0), so with T = 0 the sum is ρ̂₀ = 1
  let sum = 0;
  for (let k = 0; k < Math.max(maxT, 1); k++) sum += rho[k];
  return -1 + 2 * sum + rho[maxT];
}

/**
 * ESS of the chains as given (no splitting, no ranks): S/τ̂ with τ̂ from Geyer's initial monotone sequence,
 * and τ̂ kept at or above 1/log₁₀(S) so that the ESS never exceeds S·log₁₀(S) (posterior's `.ess`).
 */
export function essOfChains(x: ChainDraws, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): number | null {
  if (x.nDraws < 3) return null;
  return essOfCentered(centerChains(x, ws.get(CENTERED, x.nChains * x.nDraws)), ws);
}

/** `essOfChains` of chains already centered (null where posterior gives NA). */
export function essOfCentered(centered: CenteredChains, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): number | null {
  const n = centered.nDraws;
  const m = centered.nChains;
  if (n < 3 || centered.degenerate) return null;
  const betweenVar = m > 1 ? variance(centered.means) : 0;
  let nLags = Math.min(FIRST_LAGS, n);
  let known: Float64Array | undefined;
  for (;;) {
    const acov = meanAutocovariance(centered, nLags, 'auto', known, ws);
    known = acov.length <= DIRECT_LAG_LIMIT ? acov : undefined;
    const meanVar = (acov[0] * n) / (n - 1);
    const varPlus = (meanVar * (n - 1)) / n + betweenVar;
    const tau = geyerTau(acov, n, meanVar, varPlus);
    if (tau !== undefined) {
      const s = m * n;
      const tauBound = 1 / pm.log10(s);
      const ess = s / Math.max(tau, tauBound);
      return Number.isFinite(ess) ? ess : null;
    }
    nLags = moreLags(acov, n);
  }
}

/** ESS for the mean: split chains, no ranks (posterior's `ess_mean`, also its `ess_basic`). */
export function essMean(x: ChainDraws, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): number | null {
  return essOfChains(splitChains(x), ws);
}

/** Bulk-ESS: ESS of the rank-normalized split chains (Vehtari et al. 2021, section 4.1). */
export function essBulk(x: ChainDraws, bulk?: ChainDraws, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): number | null {
  if (!allFinite(x.values)) return null;
  return essOfChains(bulk ?? rankNormalizedSplit(x, undefined, ws), ws);
}

/**
 * ESS of the quantile of probability `prob`: ESS of the indicator I(x ≤ q̂) on split chains, q̂ the type-7
 * quantile of all draws (Vehtari et al. 2021, section 4.3); prob = 1 is moved to (S − ½)/S as in posterior.
 */
export function essQuantile(
  x: ChainDraws,
  prob: number,
  sorted?: SortedDraws,
  ws: DiagnosticsWorkspace = new DiagnosticsWorkspace(),
): number | null {
  if (sorted ? constantOrNonFiniteSorted(sorted.sorted) : constantOrNonFinite(x.values)) return null;
  const s = x.values.length;
  const q = quantileSorted((sorted ?? sortDraws(x.values, undefined, ws)).sorted, prob === 1 ? (s - 0.5) / s : prob);
  const h = splitLength(x.nDraws);
  if (x.nDraws === 1 || h < 3) return essOfChains(splitChains(withValues(x, indicatorOf(x.values, q))), ws);
  // the slot essOfChains centers into: free here, and one large work array fewer in cache
  return essOfCentered(centeredSplitIndicator(x, q, ws.get(CENTERED, 2 * x.nChains * h)), ws);
}

function indicatorOf(values: Float64Array, q: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] <= q ? 1 : 0;
  return out;
}

/**
 * The split chains of the indicator I(x ≤ q), centered, written straight into `out` (2·nChains·⌊nDraws/2⌋ long):
 * a split chain with k ones among its h draws has mean k/h, so the indicator and its centering take two passes
 * over x instead of building, splitting and then centering a 0/1 array. The same numbers as
 * `centerChains(splitChains(indicator))` but for the last bit of the means (k/h exactly, where R's two-pass mean
 * may differ from it in the last bit).
 */
export function centeredSplitIndicator(x: ChainDraws, q: number, out: Float64Array): CenteredChains {
  const n = x.nDraws;
  const h = splitLength(n);
  const nSplit = 2 * x.nChains;
  const v = x.values;
  const means = new Float64Array(nSplit);
  const scales = new Float64Array(nSplit);
  let total = 0;
  for (let j = 0; j < nSplit; j++) {
    // split chain j: the first or second half of chain ⌊j/2⌋ (an odd chain's middle draw dropped)
    const src = (j >> 1) * n + (j & 1 ? n - h : 0);
    let k = 0;
    for (let d = 0; d < h; d++) if (v[src + d] <= q) k++;
    total += k;
    const m = k / h;
    means[j] = m;
    scales[j] = k === 0 || k === h ? 0 : 1 / h;
    const one = 1 - m;
    const zero = -m;
    const dst = j * h;
    for (let d = 0; d < h; d++) out[dst + d] = v[src + d] <= q ? one : zero;
  }
  return {
    nChains: nSplit, nDraws: h, centered: out.subarray(0, nSplit * h), means, scales,
    degenerate: total === 0 || total === nSplit * h,
  };
}

/** Tail-ESS: the smaller of the ESS of the 5% and 95% quantiles (Vehtari et al. 2021, section 4.3). */
export function essTail(x: ChainDraws, sorted?: SortedDraws, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): number | null {
  const s = sorted ?? (allFinite(x.values) ? sortDraws(x.values, undefined, ws) : undefined);
  const q5 = essQuantile(x, 0.05, s, ws);
  const q95 = essQuantile(x, 0.95, s, ws);
  return q5 === null || q95 === null ? null : Math.min(q5, q95);
}
