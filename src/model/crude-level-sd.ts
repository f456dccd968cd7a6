/**
 * The levels' crude sd of a varying term, by the method of moments on one-step level effects from the crude fit
 * (used by the parameterization rule, src/model/parameterization.ts, for terms with many levels).
 *
 * One term of a grouping factor: each level's effect by one Newton step from 0,
 *     r̂_k = Σ_{rows i in level k} x_i s_i / I_k      (s_i the row's score of η at the crude fit, crudeRowScores;
 *                                                     I_k = Σ x_i² w_i, the level's information),
 * whose sampling variance is about 1/I_k, so E[(r̂_k − mean r̂)²] ≈ sd² + 1/I_k and
 *     sd̂² = max(0, mean_k (r̂_k − r̄)² − mean_k 1/I_k)      over the levels with I_k > 0.
 *
 * Several terms of one grouping factor ((1 + x | g), or (1 | g) + (0 + x | g)): one step for all of them at once,
 *     r̂_k = A_k⁻¹ g_k,  A_k = Σ_i w_i x_i x_iᵀ,  g_k = Σ_i x_i s_i      (x_i the row's covariates of those terms),
 * whose sampling covariance is about A_k⁻¹, so term j's sd̂_j² = max(0, mean_k (r̂_kj − r̄_j)² − mean_k (A_k⁻¹)_jj)
 * over the levels whose A_k is positive definite. Taken one term at a time, a slope's one-step effect would also
 * carry the level's intercept deviation wherever x ≠ 0 (for a 0/1 covariate, exactly the intercept's deviation plus
 * the slope's on the rows with x = 1), so a slope whose levels barely differ would read as large as the intercepts'
 * sd: on MASS's epil data (59 subjects × 4 visits, `y ~ trt + V4 + (1 + V4 | subject)`, poisson) the V4 slope read
 * 1.11 alone and 0.386 jointly, against a posterior mean sd of 0.25 (the rest is the counts' over-dispersion). Which
 * families use the joint estimate: src/model/parameterization.ts, JOINT_CRUDE_FAMILIES. Tests against closed forms
 * and simulated truth: tests/model/crude-level-sd.test.ts.
 */
import { choleskyInverseDiagonal, choleskyLower, choleskySolve } from '../numeric/cholesky.js';

/**
 * The crude sd of one term (formula above); NaN when fewer than two levels carry information. `info` is I_k per level.
 */
export function crudeLevelSd(
  term: { readonly levels: number; readonly index: Uint32Array; readonly x: Float64Array | null },
  info: Float64Array,
  rowScores: Float64Array,
): number {
  const score = new Float64Array(term.levels);
  for (let i = 0; i < rowScores.length; i++) score[term.index[i]] += (term.x ? term.x[i] : 1) * rowScores[i];
  let m = 0;
  let count = 0;
  for (let k = 0; k < term.levels; k++) {
    if (!(info[k] > 0)) continue;
    m += score[k] / info[k];
    count++;
  }
  if (count < 2) return NaN;
  m /= count;
  let spread = 0;
  let noise = 0;
  for (let k = 0; k < term.levels; k++) {
    if (!(info[k] > 0)) continue;
    const d = score[k] / info[k] - m;
    spread += d * d;
    noise += 1 / info[k];
  }
  return Math.sqrt(Math.max(0, (spread - noise) / count));
}

/** A level whose A_k has a pivot below this × its diagonal is left out (its effects are not separately identified). */
const RELATIVE_PIVOT = 1e-8;

/**
 * The crude sds of the terms of one grouping factor, estimated jointly (formula above): covariates `x` (null for an
 * intercept) on a shared level `index` with `levels` levels, `rowWeight` w_i per row (the family's information about
 * η per row, trials included). Entry j is NaN when fewer than two levels have a positive definite A_k.
 */
export function jointCrudeLevelSds(
  levels: number,
  index: Uint32Array,
  x: readonly (Float64Array | null)[],
  rowWeight: (i: number) => number,
  rowScores: Float64Array,
): Float64Array {
  const d = x.length;
  const n = rowScores.length;
  const a = new Float64Array(levels * d * d);
  const g = new Float64Array(levels * d);
  const xi = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const k = index[i];
    const w = rowWeight(i);
    for (let j = 0; j < d; j++) xi[j] = x[j] ? x[j]![i] : 1;
    const base = k * d * d;
    for (let j = 0; j < d; j++) {
      g[k * d + j] += xi[j] * rowScores[i];
      for (let l = 0; l <= j; l++) a[base + j * d + l] += w * xi[j] * xi[l];
    }
  }
  // per level: r̂_k = A_k⁻¹ g_k and diag(A_k⁻¹), from the lower Cholesky factor L (A = L Lᵀ)
  const variance = new Float64Array(levels * d);
  const usable = new Uint8Array(levels);
  const block = new Float64Array(d * d);
  const lower = new Float64Array(d * d);
  const scratch = new Float64Array(d);
  const effect = g; // solved in place, level by level
  let count = 0;
  for (let k = 0; k < levels; k++) {
    block.set(a.subarray(k * d * d, (k + 1) * d * d));
    if (choleskyLower(block, d, lower, 0, RELATIVE_PIVOT) >= 0) continue;
    usable[k] = 1;
    count++;
    choleskySolve(lower, d, effect, k * d);
    choleskyInverseDiagonal(lower, d, variance, k * d, scratch);
  }
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    if (count < 2) {
      out[j] = NaN;
      continue;
    }
    let m = 0;
    for (let k = 0; k < levels; k++) if (usable[k]) m += effect[k * d + j];
    m /= count;
    let spread = 0;
    let noise = 0;
    for (let k = 0; k < levels; k++) {
      if (!usable[k]) continue;
      const e = effect[k * d + j] - m;
      spread += e * e;
      noise += variance[k * d + j];
    }
    out[j] = Math.sqrt(Math.max(0, (spread - noise) / count));
  }
  return out;
}
