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

/** Smallest tail for which the Pareto fit is attempted (loo's `enough_tail_samples`). */
export const MIN_TAIL_LENGTH = 5;

/** Tail length M = ⌈min(0.2·S, 3·√(S/r_eff))⌉ (loo's `n_pareto`). */
export function paretoTailLength(rEff: number, nDraws: number): number {
  return Math.ceil(Math.min(0.2 * nDraws, 3 * Math.sqrt(nDraws / rEff)));
}

/** Work space for `smoothSortedLogWeights`, sized for S draws. */
export class PsisWorkspace {
  readonly exceedances: Float64Array;
  readonly grid: Float64Array;

  constructor(readonly nDraws: number) {
    this.exceedances = new Float64Array(nDraws);
    this.grid = new Float64Array(2 * (30 + Math.ceil(Math.sqrt(nDraws)) + 1));
  }
}

/**
 * Smooths, in place, log weights `lw` that are sorted ascending and shifted so that their maximum is 0 (steps 2–4
 * and the truncation of step 5, without the shift back). Returns Pareto k: +Infinity when the tail is shorter than 5
 * or all its values are equal (no smoothing then, as loo), or when the fit fails.
 */
export function smoothSortedLogWeights(lw: Float64Array, tailLength: number, work: PsisWorkspace): number {
  const s = lw.length;
  let k = Infinity;
  if (tailLength >= MIN_TAIL_LENGTH) {
    const first = s - tailLength;
    if (!(Math.abs(lw[s - 1] - lw[first]) < Number.EPSILON / 100)) {
      const expCutoff = Math.exp(lw[first - 1]);
      const x = work.exceedances;
      for (let j = 0; j < tailLength; j++) x[j] = Math.exp(lw[first + j]) - expCutoff;
      const fit = gpdFitSorted(x, tailLength, {}, work.grid);
      k = fit.k;
      if (Number.isFinite(k)) {
        for (let j = 0; j < tailLength; j++) {
          lw[first + j] = Math.log(gpdQuantile((j + 0.5) / tailLength, k, fit.sigma) + expCutoff);
        }
      }
    }
  }
  for (let i = 0; i < s; i++) if (lw[i] > 0) lw[i] = 0;
  return k;
}
