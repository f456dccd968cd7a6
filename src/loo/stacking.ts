/**
 * Stacking weights from pointwise elpd_loo (Yao, Vehtari, Simpson & Gelman 2018, "Using stacking to average Bayesian
 * predictive distributions", Bayesian Analysis 13(3), §3.2): the w on the simplex maximising
 *
 *   F(w) = Σ_i log Σ_k w_k exp(lpd_ik),
 *
 * a concave function of w. Two solvers:
 *
 * - `stackingOptimum`: the maximiser itself, to a tolerance on its optimality (KKT) conditions. These are the weights
 *   nutmeg reports.
 * - `stackingWeightsR`: the weights R's loo 2.5.1 `stacking_weights` returns — constrOptim's log barrier with optim's
 *   BFGS (reproduced digit for digit in r-bfgs.ts). Those optimisers stop on a relative change of the barrier
 *   objective, which on this flat objective is before the maximum: on the golden five-model comparison R's weights
 *   are 6.9e-3 away from the maximiser and F is 8.4e-5 lower. Kept as the named reference nutmeg is tested against and
 *   reported beside the optimum when the two differ.
 *
 * Input: one Float64Array of N pointwise elpd_loo values per model (lpd[k][i]).
 */
import { UserError } from '../errors.js';
import { choleskyLower } from '../numeric/cholesky.js';
import { barrierMinimize } from './r-bfgs.js';
import * as pm from '../numeric/portable-math.js';

/** Target of the KKT residual (relative to N): gradient components equal to N on the support, at most N elsewhere. */
const KKT_TOLERANCE = 1e-12;
/** Newton / active-set iterations at most (each adds or drops a model or takes a Newton step on the support). */
const NEWTON_STEPS = 200;

function checkStackingInput(lpd: readonly Float64Array[]): number {
  if (lpd.length < 2) throw new UserError(`stacking weights need at least two models (got ${lpd.length})`);
  const n = lpd[0].length;
  if (n === 0) throw new UserError('stacking weights need at least one observation');
  for (const column of lpd) {
    if (column.length !== n) throw new UserError('stacking weights: models have different numbers of observations');
  }
  for (let i = 0; i < n; i++) {
    let anyFinite = false;
    for (let k = 0; k < lpd.length; k++) {
      const v = lpd[k][i];
      if (Number.isNaN(v) || v === Infinity) {
        throw new UserError(
          `stacking weights: model ${k + 1}'s pointwise elpd_loo at observation ${i + 1} is ${v}; ` +
            'stacking needs numbers (check that model\'s log-likelihood)',
        );
      }
      if (v > -Infinity) anyFinite = true;
    }
    if (!anyFinite) {
      throw new UserError(
        `stacking weights: observation ${i + 1} has elpd_loo = -Inf under every model, so no weights can predict it`,
      );
    }
  }
  return n;
}

/**
 * The mixture's densities on a per-row scale: e[i·K + k] = exp(lpd_ik - m_i), m_i = max_k lpd_ik, so that exp never
 * underflows for the best model of a row; F(w) = Σ_i m_i + Σ_i log Σ_k w_k e_ik.
 */
interface ScaledMixture {
  readonly n: number;
  readonly K: number;
  readonly e: Float64Array;
  /** Σ_i m_i. */
  readonly offset: number;
}

function scaledMixture(lpd: readonly Float64Array[], n: number): ScaledMixture {
  const K = lpd.length;
  const e = new Float64Array(n * K);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, lpd[k][i]);
    for (let k = 0; k < K; k++) e[i * K + k] = pm.exp(lpd[k][i] - max);
    offset += max;
  }
  return { n, K, e, offset };
}

/** Σ_i log p_i - (the offset) with p_i = Σ_k w_k e_ik; fills p. */
function logScore(m: ScaledMixture, w: ArrayLike<number>, p: Float64Array): number {
  const { n, K, e } = m;
  let f = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += w[k] * e[i * K + k];
    p[i] = s;
    f += pm.log(s);
  }
  return f;
}

/** Gradient g_k = ∂F/∂w_k = Σ_i e_ik / p_i at the p of the last logScore. */
function gradient(m: ScaledMixture, p: Float64Array, g: Float64Array): void {
  const { n, K, e } = m;
  g.fill(0);
  for (let i = 0; i < n; i++) {
    const inv = 1 / p[i];
    for (let k = 0; k < K; k++) g[k] += e[i * K + k] * inv;
  }
}

/** F(w) = Σ_i log Σ_k w_k exp(lpd_ik), the stacking objective (computed without overflow or underflow). */
export function stackingObjective(lpd: readonly Float64Array[], w: ArrayLike<number>): number {
  const n = checkStackingInput(lpd);
  const m = scaledMixture(lpd, n);
  return m.offset + logScore(m, w, new Float64Array(n));
}

export interface StackingOptimum {
  /** The maximiser of F on the simplex (models that get no weight have exactly 0). */
  readonly weights: Float64Array;
  /** F(weights). */
  readonly objective: number;
  /**
   * How far the weights are from the KKT conditions, relative to N: max over the support of |g_k/N - 1| and over the
   * other models of max(0, g_k/N - 1) (g = ∇F; at the maximum g_k = N where w_k > 0 and g_k ≤ N where w_k = 0).
   */
  readonly kktResidual: number;
  /**
   * An upper bound on F(maximiser) - F(weights): max_k g_k - N, the Frank-Wolfe duality gap of a concave function on
   * the simplex (Σ_k w_k g_k = N on the simplex).
   */
  readonly gapBound: number;
  /** Whether kktResidual reached 1e-12; otherwise the solver stopped because no step improved F numerically. */
  readonly converged: boolean;
  readonly iterations: number;
}

/**
 * The exact stacking weights, by an active-set Newton method from w = 1/K. Each iteration either
 *
 * - takes a Newton step for F restricted to the face of the simplex spanned by the models with positive weight
 *   (Σ_k d_k = 0 kept by a Lagrange multiplier), moved to the best point of the segment that stays in the
 *   simplex (an exact line search on the directional derivative); a weight that reaches 0 leaves the support; or,
 * - when the support is optimal but an outside model has g_k > N (moving weight to it would raise F), brings that
 *   model in by an exact line search towards its vertex (a Frank-Wolfe step).
 *
 * F is concave and every step maximises it along its segment, so F never decreases; near the maximum the Newton steps
 * converge quadratically (4 to 11 iterations on the golden and held-out test cases).
 * It stops when the KKT residual is at most 1e-12 (see StackingOptimum), or when no step improves F in floating point.
 */
export function stackingOptimum(lpd: readonly Float64Array[]): StackingOptimum {
  const n = checkStackingInput(lpd);
  // Models with identical pointwise elpd are one model to F: solve for the distinct ones and share each one's weight
  // equally among its copies (any split is a maximiser; an equal one does not depend on the order of the models).
  const first = lpd.map((column, k) => {
    for (let j = 0; j < k; j++) if (sameValues(lpd[j], column)) return j;
    return k;
  });
  const distinct = first.flatMap((j, k) => (j === k ? [k] : []));
  if (distinct.length < lpd.length) {
    const copies = first.map((j) => first.filter((x) => x === j).length);
    if (distinct.length === 1) {
      const weights = new Float64Array(lpd.length).fill(1 / lpd.length);
      const objective = stackingObjective(lpd, weights);
      return { weights, objective, kktResidual: 0, gapBound: 0, converged: true, iterations: 0 };
    }
    const solved = maximise(distinct.map((k) => lpd[k]), n);
    const weights = Float64Array.from(first, (j, k) => solved.weights[distinct.indexOf(j)] / copies[k]);
    return { ...solved, weights };
  }
  return maximise(lpd, n);
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** stackingOptimum for models whose pointwise elpd all differ somewhere. */
function maximise(lpd: readonly Float64Array[], n: number): StackingOptimum {
  const m = scaledMixture(lpd, n);
  const { K, e } = m;
  const w = new Float64Array(K).fill(1 / K);
  const p = new Float64Array(n);
  const g = new Float64Array(K);
  let f = logScore(m, w, p);
  gradient(m, p, g);
  let iterations = 0;
  const support = new Uint8Array(K);
  support.fill(1);
  const q = new Float64Array(n);
  let residual = kktResidual(g, w, support, n);
  for (let it = 0; it < NEWTON_STEPS && residual > KKT_TOLERANCE; it++) {
    iterations++;
    let faceResidual = 0;
    for (let k = 0; k < K; k++) if (support[k]) faceResidual = Math.max(faceResidual, Math.abs(g[k] / n - 1));
    if (faceResidual <= KKT_TOLERANCE) {
      // optimal on the support: bring in the outside model that would improve F most
      let enter = -1;
      for (let k = 0; k < K; k++) if (!support[k] && (enter < 0 || g[k] > g[enter])) enter = k;
      for (let i = 0; i < n; i++) q[i] = e[i * K + enter] - p[i];
      const alpha = lineMaximum(p, q, 1);
      if (!(alpha > 0)) break;
      for (let k = 0; k < K; k++) w[k] *= 1 - alpha;
      w[enter] += alpha;
      support[enter] = 1;
    } else {
      const d = newtonDirectionOnFace(m, p, g, support);
      let maxAlpha = Infinity;
      for (let k = 0; k < K; k++) if (support[k] && d[k] < 0) maxAlpha = Math.min(maxAlpha, -w[k] / d[k]);
      // the Newton step, shortened to the best point on the segment that stays in the simplex
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += d[k] * e[i * K + k];
        q[i] = s;
      }
      const alpha = lineMaximum(p, q, Math.min(1, maxAlpha));
      if (!(alpha > 0)) break; // no ascent left in floating point
      let moved = false;
      for (let k = 0; k < K; k++) {
        if (!support[k]) continue;
        // at the boundary every weight that reaches 0 there leaves the support (ties leave together)
        const next = alpha === maxAlpha && d[k] < 0 && -w[k] / d[k] === maxAlpha ? 0 : Math.max(0, w[k] + alpha * d[k]);
        if (next !== w[k]) moved = true;
        w[k] = next;
        if (next === 0) support[k] = 0;
      }
      if (!moved) break;
    }
    let sum = 0;
    for (let k = 0; k < K; k++) sum += w[k];
    for (let k = 0; k < K; k++) w[k] /= sum;
    f = logScore(m, w, p);
    gradient(m, p, g);
    residual = kktResidual(g, w, support, n);
  }
  let gMax = -Infinity;
  for (let k = 0; k < K; k++) gMax = Math.max(gMax, g[k]);
  return {
    weights: w,
    objective: m.offset + f,
    kktResidual: residual,
    gapBound: Math.max(0, gMax - n),
    converged: residual <= KKT_TOLERANCE,
    iterations,
  };
}

function kktResidual(g: Float64Array, w: Float64Array, support: Uint8Array, n: number): number {
  let r = 0;
  for (let k = 0; k < g.length; k++) {
    const excess = g[k] / n - 1;
    r = Math.max(r, support[k] && w[k] > 0 ? Math.abs(excess) : excess);
  }
  return r;
}

/**
 * Newton direction d (Σ d = 0, zero off the support) for F on the support's face: it maximises the quadratic model
 * g·d - ½ dᵀAd subject to Σ d = 0, where A = -∇²F = Σ_i a_i a_iᵀ with a_ik = e_ik / p_i (a Gram matrix, so positive
 * semi-definite). With ν the multiplier, d = A⁻¹(g - ν1) and ν = 1ᵀA⁻¹g / 1ᵀA⁻¹1, by Cholesky (g is centred
 * first, see below). When two models predict nearly alike A is close to singular and a small ridge λI is added.
 */
function newtonDirectionOnFace(m: ScaledMixture, p: Float64Array, g: Float64Array, support: Uint8Array): Float64Array {
  const { n, K, e } = m;
  const idx: number[] = [];
  for (let k = 0; k < K; k++) if (support[k]) idx.push(k);
  const size = idx.length;
  const d = new Float64Array(K);
  if (size < 2) return d;
  const a = new Float64Array(size * size);
  const row = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    const inv = 1 / p[i];
    for (let j = 0; j < size; j++) row[j] = e[i * K + idx[j]] * inv;
    for (let j = 0; j < size; j++) for (let l = 0; l <= j; l++) a[j * size + l] += row[j] * row[l];
  }
  let trace = 0;
  for (let j = 0; j < size; j++) trace += a[j * size + j];
  const L = new Float64Array(size * size);
  const shifted = new Float64Array(size * size);
  let ridge = 0;
  for (let attempt = 0; attempt < 30; attempt++) {
    shifted.set(a);
    for (let j = 0; j < size; j++) shifted[j * size + j] += ridge;
    if (choleskyLower(shifted, size, L, 0, 1e-13) < 0) break;
    ridge = ridge === 0 ? 1e-12 * (trace / size || 1) : ridge * 10;
  }
  const solve = (b: Float64Array): Float64Array => {
    const z = Float64Array.from(b);
    for (let j = 0; j < size; j++) {
      for (let l = 0; l < j; l++) z[j] -= L[j * size + l] * z[l];
      z[j] /= L[j * size + j];
    }
    for (let j = size - 1; j >= 0; j--) {
      for (let l = j + 1; l < size; l++) z[j] -= L[l * size + j] * z[l];
      z[j] /= L[j * size + j];
    }
    return z;
  };
  // g minus its mean on the support: the same d (the mean is absorbed by ν), but A⁻¹ is applied to a vector that
  // vanishes at the optimum instead of to g ≈ N·1, whose A⁻¹g = w would cancel against ν A⁻¹1 to the last digits
  let mean = 0;
  for (const k of idx) mean += g[k] / size;
  const ag = solve(Float64Array.from(idx, (k) => g[k] - mean));
  const a1 = solve(new Float64Array(size).fill(1));
  let num = 0;
  let den = 0;
  for (let j = 0; j < size; j++) {
    num += ag[j];
    den += a1[j];
  }
  const nu = num / den;
  idx.forEach((k, j) => (d[k] = ag[j] - nu * a1[j]));
  return d;
}

/**
 * The α in [0, hi] maximising φ(α) = Σ_i log(p_i + α q_i), the objective along a direction whose mixture densities
 * change by q (q_i = Σ_k d_k e_ik), given φ'(0) > 0: hi when φ'(hi) ≥ 0, else the root of the decreasing φ'(α) =
 * Σ_i q_i / (p_i + α q_i) by Newton's method safeguarded by bisection. Working on φ' rather than on φ keeps the search
 * exact near the maximum, where the gain in φ (∝ N · residual²) is below the rounding of φ itself. Returns 0 when φ'(0)
 * is not positive in floating point.
 */
function lineMaximum(p: Float64Array, q: Float64Array, hi: number): number {
  const n = p.length;
  let d1 = 0;
  let d2 = 0;
  const derivatives = (alpha: number): void => {
    d1 = 0;
    d2 = 0;
    for (let i = 0; i < n; i++) {
      const r = q[i] / (p[i] + alpha * q[i]);
      d1 += r;
      d2 -= r * r;
    }
  };
  derivatives(0);
  if (!(d1 > 0)) return 0;
  let lo = 0;
  derivatives(hi);
  if (d1 >= 0) return hi;
  let alpha = hi;
  for (let it = 0; it < 100; it++) {
    // here φ'(lo) > 0 > φ'(hi) and d1, d2 belong to the last point evaluated (alpha)
    let next = Number.isFinite(d1) && d2 < 0 ? alpha - d1 / d2 : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next === alpha) break;
    alpha = next;
    derivatives(alpha);
    if (d1 > 0) lo = alpha;
    else if (d1 < 0) hi = alpha;
    else return alpha;
    if (hi - lo <= 1e-15 * hi) break;
  }
  return lo;
}

/** The exact stacking weights (`stackingOptimum(lpd).weights`). */
export function stackingWeights(lpd: readonly Float64Array[]): Float64Array {
  return stackingOptimum(lpd).weights;
}

/**
 * Stacking weights as R's loo 2.5.1 `stacking_weights` computes them: minimise -Σ_i log Σ_k w_k exp(lpd_ik) over
 * w_1 … w_{K-1} (w_K = 1 - Σ) from w = 1/K with constrOptim's log barrier (μ = 1e-4, constraints w_k ≥ 0 and
 * Σ_{k<K} w_k ≤ 1) and optim's BFGS, both reproduced in r-bfgs.ts. R stops early on this flat objective, so these are
 * R's numbers, not the maximiser (`stackingOptimum`). Like R, exp(lpd) is not rescaled; null when R's optimiser could
 * not run (it would stop with an error too: exp(lpd_ik) underflows to 0 for every model of some observation).
 */
export function stackingWeightsR(lpd: readonly Float64Array[]): Float64Array | null {
  const n = checkStackingInput(lpd);
  const K = lpd.length;
  const e = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) e[i * K + k] = pm.exp(lpd[k][i]);
  const wFull = new Float64Array(K);
  const fill = (w: Float64Array): void => {
    let sum = 0;
    for (let k = 0; k < K - 1; k++) sum += wFull[k] = w[k];
    wFull[K - 1] = 1 - sum;
  };
  const negLogScore = (w: Float64Array): number => {
    fill(w);
    let f = 0;
    for (let i = 0; i < n; i++) {
      let p = 0;
      for (let k = 0; k < K; k++) p += e[i * K + k] * wFull[k];
      f += pm.log(p);
    }
    return -f;
  };
  const negGradient = (w: Float64Array, grad: Float64Array): void => {
    fill(w);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let p = 0;
      for (let k = 0; k < K; k++) p += e[i * K + k] * wFull[k];
      for (let k = 0; k < K - 1; k++) grad[k] -= (e[i * K + k] - e[i * K + K - 1]) / p;
    }
  };
  // constraints: -Σ w ≥ -1 and w_k ≥ 0
  const ui = new Float64Array(K * (K - 1));
  const ci = new Float64Array(K);
  for (let j = 0; j < K - 1; j++) {
    ui[j] = -1;
    ui[(j + 1) * (K - 1) + j] = 1;
  }
  ci[0] = -1;
  if (!Number.isFinite(negLogScore(new Float64Array(K - 1).fill(1 / K)))) return null;
  const w = barrierMinimize(negLogScore, negGradient, ui, ci, new Float64Array(K - 1).fill(1 / K));
  fill(w);
  for (const v of wFull) if (!Number.isFinite(v)) return null;
  return Float64Array.from(wFull);
}

/** The maximiser beside R loo 2.5.1's weights, and how far apart they are. */
export interface StackingComparison {
  readonly optimum: StackingOptimum;
  /** R loo 2.5.1's weights (null when R's optimiser could not run; see stackingWeightsR). */
  readonly weightsR: Float64Array | null;
  /** F(weightsR); NaN when weightsR is null. */
  readonly objectiveR: number;
  /** max_k |weights_k - weightsR_k|; NaN when weightsR is null. */
  readonly maxWeightDifference: number;
}

/** Weight differences above this are reported (the table's note, the report's extra column). */
export const R_WEIGHTS_SHOWN_ABOVE = 1e-4;

export function stackingWithReference(lpd: readonly Float64Array[]): StackingComparison {
  const optimum = stackingOptimum(lpd);
  const weightsR = stackingWeightsR(lpd);
  if (!weightsR) return { optimum, weightsR, objectiveR: NaN, maxWeightDifference: NaN };
  let diff = 0;
  for (let k = 0; k < weightsR.length; k++) diff = Math.max(diff, Math.abs(optimum.weights[k] - weightsR[k]));
  return { optimum, weightsR, objectiveR: stackingObjective(lpd, weightsR), maxWeightDifference: diff };
}
