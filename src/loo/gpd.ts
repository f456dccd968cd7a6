/**
 * Generalized Pareto distribution: the fit of Zhang & Stephens (2009), "A new and efficient estimation method for the
 * generalized Pareto distribution", Technometrics 51(3), section 4 — a posterior-mean estimate of θ = -k/σ over a grid
 * of M = minGridPoints + ⌊√n⌋ values with a profile likelihood — followed, as R's loo 2.5.1 `gpdfit(wip = TRUE)`
 * does, by the weakly informative prior on k that shrinks it towards 0.5 as if 10 more observations had k = 0.5:
 * k ← (n·k + 10·0.5)/(n + 10). σ is computed from the unadjusted k, as loo does.
 *
 * Parametrisation (loo's): F(x) = 1 - (1 + k·x/σ)^(-1/k), x ≥ 0.
 */
import * as pm from '../numeric/portable-math.js';

export interface GpdFit {
  /** Shape (Pareto k); +Infinity when the fit failed (NaN estimate). */
  readonly k: number;
  /** Scale σ. */
  readonly sigma: number;
}

export interface GpdFitOptions {
  /** Apply the weakly informative prior on k (loo's `wip`). Default true. */
  readonly weaklyInformativePrior?: boolean;
  /** Fixed part of the grid size (loo's `min_grid_pts`). Default 30. */
  readonly minGridPoints?: number;
}

/** Prior strength of the weakly informative prior: the fit counts as if `PRIOR_N` extra points had k = 0.5. */
const PRIOR_N = 10;
const PRIOR_K = 0.5;
/** Zhang & Stephens' constant for the grid (their p = 3). */
const GRID_PRIOR = 3;

/**
 * Fits a generalized Pareto distribution to x[0 … n), which must be sorted ascending and non-negative (exceedances
 * over a threshold). `grid` is optional scratch of at least minGridPoints + ⌊√n⌋ entries.
 */
export function gpdFitSorted(
  x: Float64Array,
  n: number = x.length,
  options: GpdFitOptions = {},
  grid?: Float64Array,
): GpdFit {
  const m = (options.minGridPoints ?? 30) + Math.floor(Math.sqrt(n));
  const theta = grid && grid.length >= 2 * m ? grid.subarray(0, m) : new Float64Array(m);
  const logLik = grid && grid.length >= 2 * m ? grid.subarray(m, 2 * m) : new Float64Array(m);
  const xMax = x[n - 1];
  const xStar = x[Math.floor(n / 4 + 0.5) - 1]; // first quartile, 1-based index ⌊n/4 + 0.5⌋
  let maxLogLik = -Infinity;
  for (let j = 0; j < m; j++) {
    const t = 1 / xMax + (1 - Math.sqrt(m / (j + 0.5))) / GRID_PRIOR / xStar;
    theta[j] = t;
    // profile log-likelihood of θ: n · (log(-θ / k(θ)) - k(θ) - 1), with k(θ) = mean(log1p(-θ x))
    const a = -t;
    let s = 0;
    for (let i = 0; i < n; i++) s += pm.log1p(a * x[i]);
    const kTheta = s / n;
    const l = n * (pm.log(a / kTheta) - kTheta - 1);
    logLik[j] = l;
    if (Number.isNaN(l)) return { k: Infinity, sigma: NaN }; // the fit fails, as loo's NaN estimate does
    if (l > maxLogLik) maxLogLik = l;
  }
  // posterior mean of θ under a flat prior on the grid: weights exp(l_j - logSumExp(l))
  let sumW = 0;
  for (let j = 0; j < m; j++) sumW += pm.exp(logLik[j] - maxLogLik);
  const logNorm = maxLogLik + pm.log(sumW);
  let thetaHat = 0;
  for (let j = 0; j < m; j++) thetaHat += theta[j] * pm.exp(logLik[j] - logNorm);
  let s = 0;
  for (let i = 0; i < n; i++) s += pm.log1p(-thetaHat * x[i]);
  let k = s / n;
  const sigma = -k / thetaHat;
  if (options.weaklyInformativePrior ?? true) k = (k * n) / (n + PRIOR_N) + (PRIOR_N * PRIOR_K) / (n + PRIOR_N);
  if (Number.isNaN(k)) k = Infinity;
  return { k, sigma };
}

/** Fits a generalized Pareto distribution to the values of x (any order; x is not modified). */
export function gpdFit(x: ArrayLike<number>, options: GpdFitOptions = {}): GpdFit {
  const sorted = Float64Array.from(x).sort();
  return gpdFitSorted(sorted, sorted.length, options);
}

/** Quantile function at probability p: σ·((1 - p)^(-k) - 1)/k; NaN when σ is not positive. */
export function gpdQuantile(p: number, k: number, sigma: number): number {
  if (!(sigma > 0)) return NaN;
  return (sigma * pm.expm1(-k * pm.log1p(-p))) / k;
}
