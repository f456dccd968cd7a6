/**
 * Pareto smoothed importance sampling (Vehtari, Simpson, Gelman, Yao & Gabry, "Pareto smoothed importance
 * sampling", JMLR 25 (2024), arXiv:1507.02646), step for step as R's loo 2.5.1 `do_psis_i`:
 *
 * 1. shift the log ratios so that their maximum is 0;
 * 2. take the M = ⌈min(0.2·S, 3·√(S/r_eff))⌉ largest as the tail (no smoothing when M < 5);
 * 3. fit a generalized Pareto distribution to exp(tail) - exp(cutoff), cutoff = the largest value below the tail;
 * 4. replace the tail by log(cutoff-shifted GPD quantiles at (j - 1/2)/M), j = 1 … M, in the same order;
 * 5. truncate at the largest raw weight (log weight 0 after the shift) and shift back.
 *
 * Note on truncation: loo 1.x truncated at S^(3/4)·mean(weights); loo ≥ 2.0 (and so 2.5.1, whose numbers nutmeg
 * reproduces) truncates at the largest raw weight, as the revised paper does. This module does what 2.5.1 does.
 *
 * The fitted k is the Pareto k diagnostic.
 */
import { gpdFitSorted, gpdQuantile } from './gpd.js';
import * as pm from '../numeric/portable-math.js';

/** Smallest tail for which the Pareto fit is attempted (loo's `enough_tail_samples`). */
export const MIN_TAIL_LENGTH = 5;

/** Tail length M = ⌈min(0.2·S, 3·√(S/r_eff))⌉ (loo's `n_pareto`). */
export function paretoTailLength(rEff: number, nDraws: number): number {
  return Math.ceil(Math.min(0.2 * nDraws, 3 * Math.sqrt(nDraws / rEff)));
}

/** Work space for `smoothTail`, sized for S draws. */
export class PsisWorkspace {
  readonly exceedances: Float64Array;
  readonly grid: Float64Array;

  constructor(readonly nDraws: number) {
    this.exceedances = new Float64Array(nDraws);
    this.grid = new Float64Array(2 * (30 + Math.ceil(Math.sqrt(nDraws)) + 1));
  }
}

/**
 * Steps 3–4 on a tail of M log weights sorted ascending, in place, given the cutoff (the largest log weight below
 * the tail). Returns Pareto k: +Infinity — and the tail left as it was — when M < 5, when all tail values are equal
 * (as loo) or when the fit fails. Truncation (step 5) is the caller's.
 */
export function smoothTail(tail: Float64Array, cutoff: number, work: PsisWorkspace): number {
  const m = tail.length;
  if (m < MIN_TAIL_LENGTH || Math.abs(tail[m - 1] - tail[0]) < Number.EPSILON / 100) return Infinity;
  const expCutoff = pm.exp(cutoff);
  const x = work.exceedances;
  for (let j = 0; j < m; j++) x[j] = pm.exp(tail[j]) - expCutoff;
  const fit = gpdFitSorted(x, m, {}, work.grid);
  if (Number.isFinite(fit.k)) {
    for (let j = 0; j < m; j++) tail[j] = pm.log(gpdQuantile((j + 0.5) / m, fit.k, fit.sigma) + expCutoff);
  }
  return fit.k;
}

export interface PsisWeights {
  /** Normalised smoothed weights, in the order of the log ratios (0 for a non-finite log ratio). */
  readonly weights: Float64Array;
  /** Pareto k of the tail (+Infinity when it could not be fitted). */
  readonly k: number;
}

/**
 * Steps 1–5 on one set of S log importance ratios (any order, not modified), for importance sampling outside LOO
 * (Pathfinder's resampling): the tail of the M = paretoTailLength(rEff, S) largest is smoothed by smoothTail,
 * weights are truncated at the largest raw weight and normalised. Non-finite ratios get weight 0 and are left out
 * of the fit.
 */
export function psisWeights(logRatios: Float64Array, rEff = 1): PsisWeights {
  const order = Array.from(logRatios.keys()).filter((i) => Number.isFinite(logRatios[i]));
  order.sort((a, b) => logRatios[a] - logRatios[b]);
  const s = order.length;
  const weights = new Float64Array(logRatios.length);
  if (s === 0) return { weights, k: Infinity };
  const max = logRatios[order[s - 1]];
  const lw = Float64Array.from(order, (i) => logRatios[i] - max); // ascending, maximum 0
  const m = paretoTailLength(rEff, s);
  let k = Infinity;
  if (m >= MIN_TAIL_LENGTH && s > m) {
    const tail = lw.subarray(s - m);
    k = smoothTail(tail, lw[s - m - 1], new PsisWorkspace(s));
  }
  let sum = 0;
  for (let j = 0; j < s; j++) sum += lw[j] = pm.exp(Math.min(lw[j], 0));
  for (let j = 0; j < s; j++) weights[order[j]] = lw[j] / sum;
  return { weights, k };
}
