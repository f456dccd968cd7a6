/**
 * Model weights from pointwise elpd_loo (Yao, Vehtari, Simpson & Gelman 2018, "Using stacking to average Bayesian
 * predictive distributions", Bayesian Analysis 13(3)), as R's loo 2.5.1 `stacking_weights` / `pseudobma_weights`.
 *
 * Input: one Float64Array of N pointwise elpd_loo values per model (lpd[k][i]).
 */
import { UserError } from '../errors.js';
import { Rng } from '../rng.js';
import { barrierMinimize } from './r-bfgs.js';

function checkInput(lpd: readonly Float64Array[], what: string): number {
  if (lpd.length < 2) throw new UserError(`${what} weights need at least two models (got ${lpd.length})`);
  const n = lpd[0].length;
  for (const column of lpd) {
    if (column.length !== n) throw new UserError(`${what} weights: models have different numbers of observations`);
  }
  return n;
}

/**
 * Stacking weights exactly as R's loo 2.5.1 `stacking_weights` computes them: minimise
 * -Σ_i log Σ_k w_k exp(lpd_ik) over w_1 … w_{K-1} (w_K = 1 - Σ) from w = 1/K with constrOptim's log barrier
 * (μ = 1e-4, constraints w_k ≥ 0 and Σ_{k<K} w_k ≤ 1) and optim's BFGS, both reproduced in r-bfgs.ts. The objective is
 * flat near its maximum and R stops early, so these are R's numbers rather than the exact maximiser
 * (`stackingWeightsExact`).
 */
export function stackingWeights(lpd: readonly Float64Array[]): Float64Array {
  const n = checkInput(lpd, 'stacking');
  const K = lpd.length;
  const e = new Float64Array(n * K);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) e[i * K + k] = Math.exp(lpd[k][i]);
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
      f += Math.log(p);
    }
    return -f;
  };
  const gradient = (w: Float64Array, grad: Float64Array): void => {
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
  const w = barrierMinimize(negLogScore, gradient, ui, ci, new Float64Array(K - 1).fill(1 / K));
  fill(w);
  return Float64Array.from(wFull);
}

/**
 * Stacking: the w on the simplex maximising Σ_i log Σ_k w_k exp(lpd_ik) (a concave problem). Solved exactly (to
 * machine precision) by an active-set Newton method: Newton steps on the face of the simplex where the free weights
 * live (equality-constrained, with a backtracking line search that stops at the boundary), dropping weights that
 * reach 0 and re-admitting one whose gradient exceeds the others' (the KKT condition ∂f/∂w_k ≤ N at w_k = 0).
 * R's loo stops short of this maximiser (see `stackingWeights`): on the golden models its weights differ from these by
 * up to 7e-3 while its objective is 8e-5 lower.
 */
export function stackingWeightsExact(lpd: readonly Float64Array[]): Float64Array {
  const n = checkInput(lpd, 'stacking');
  const K = lpd.length;
  // e[i·K + k] = exp(lpd_ik - max_k lpd_ik): a per-row scale that does not move the maximiser
  const e = new Float64Array(n * K);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, lpd[k][i]);
    for (let k = 0; k < K; k++) e[i * K + k] = Math.exp(lpd[k][i] - max);
  }
  const objective = (w: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let p = 0;
      for (let k = 0; k < K; k++) p += w[k] * e[i * K + k];
      f += Math.log(p);
    }
    return f;
  };
  const w = new Float64Array(K).fill(1 / K);
  const free = new Uint8Array(K).fill(1);
  const g = new Float64Array(K);
  const h = new Float64Array(K * K);
  const trial = new Float64Array(K);
  let f = objective(w);
  for (let iter = 0; iter < 500; iter++) {
    // gradient g_k = Σ_i e_ik / p_i, Hessian H_kl = -Σ_i e_ik e_il / p_i²
    g.fill(0);
    h.fill(0);
    for (let i = 0; i < n; i++) {
      let p = 0;
      for (let k = 0; k < K; k++) p += w[k] * e[i * K + k];
      for (let k = 0; k < K; k++) {
        const ek = e[i * K + k] / p;
        g[k] += ek;
        for (let l = 0; l <= k; l++) h[k * K + l] -= ek * (e[i * K + l] / p);
      }
    }
    for (let k = 0; k < K; k++) for (let l = 0; l < k; l++) h[l * K + k] = h[k * K + l];
    const step = newtonStepOnFace(g, h, free, K);
    const decrement = step.reduce((acc, d, k) => acc + d * g[k], 0);
    if (decrement <= 1e-14 * n) {
      // optimal on this face; admit the inactive weight with the largest gradient if it beats the face's multiplier
      let nu = 0;
      let nFree = 0;
      for (let k = 0; k < K; k++) if (free[k]) (nu += g[k]), nFree++;
      nu /= nFree;
      let best = -1;
      for (let k = 0; k < K; k++) if (!free[k] && g[k] > nu * (1 + 1e-12) && (best < 0 || g[k] > g[best])) best = k;
      if (best < 0) break;
      free[best] = 1;
      continue;
    }
    // largest step that keeps the weights non-negative
    let maxAlpha = Infinity;
    let blocking = -1;
    for (let k = 0; k < K; k++) {
      if (free[k] && step[k] < 0 && -w[k] / step[k] < maxAlpha) {
        maxAlpha = -w[k] / step[k];
        blocking = k;
      }
    }
    let alpha = Math.min(1, maxAlpha);
    let fTrial = -Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let k = 0; k < K; k++) trial[k] = free[k] ? Math.max(0, w[k] + alpha * step[k]) : 0;
      fTrial = objective(trial);
      if (fTrial >= f + 1e-4 * alpha * decrement) break;
      alpha /= 2;
    }
    if (!(fTrial >= f)) break; // no ascent possible numerically: at the optimum
    w.set(trial);
    f = fTrial;
    if (alpha === maxAlpha && blocking >= 0) {
      w[blocking] = 0;
      free[blocking] = 0;
    }
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += w[k];
  for (let k = 0; k < K; k++) w[k] /= sum;
  return w;
}

/**
 * Newton step d for maximising g·d + ½ dᵀHd on the free coordinates subject to Σ d = 0 (zero elsewhere): solves
 * [H_FF 1; 1ᵀ 0][d; λ] = [-g_F; 0] by Gaussian elimination with partial pivoting. A tiny ridge keeps the system
 * regular when two models predict identically.
 */
function newtonStepOnFace(g: Float64Array, h: Float64Array, free: Uint8Array, K: number): Float64Array {
  const idx: number[] = [];
  for (let k = 0; k < K; k++) if (free[k]) idx.push(k);
  const m = idx.length;
  const size = m + 1;
  const a = new Float64Array(size * (size + 1));
  let scale = 0;
  for (const k of idx) scale = Math.max(scale, Math.abs(h[k * K + k]));
  const ridge = 1e-12 * (scale || 1);
  for (let r = 0; r < m; r++) {
    for (let c = 0; c < m; c++) a[r * (size + 1) + c] = h[idx[r] * K + idx[c]] - (r === c ? ridge : 0);
    a[r * (size + 1) + m] = 1;
    a[r * (size + 1) + size] = -g[idx[r]];
    a[m * (size + 1) + r] = 1;
  }
  const x = solveAugmented(a, size);
  const d = new Float64Array(K);
  idx.forEach((k, r) => (d[k] = x[r]));
  return d;
}

/** Solves the size × size system stored with its right-hand side as an augmented row-major matrix. */
function solveAugmented(a: Float64Array, size: number): Float64Array {
  const w = size + 1;
  for (let col = 0; col < size; col++) {
    let pivot = col;
    for (let r = col + 1; r < size; r++) if (Math.abs(a[r * w + col]) > Math.abs(a[pivot * w + col])) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < w; c++) {
        const t = a[col * w + c];
        a[col * w + c] = a[pivot * w + c];
        a[pivot * w + c] = t;
      }
    }
    const p = a[col * w + col];
    for (let r = col + 1; r < size; r++) {
      const factor = a[r * w + col] / p;
      if (factor !== 0) for (let c = col; c < w; c++) a[r * w + c] -= factor * a[col * w + c];
    }
  }
  const x = new Float64Array(size);
  for (let r = size - 1; r >= 0; r--) {
    let s = a[r * w + size];
    for (let c = r + 1; c < size; c++) s -= a[r * w + c] * x[c];
    x[r] = s / a[r * w + r];
  }
  return x;
}

/** Softmax exp(z - max z) / Σ, in a new array. */
function softmax(z: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const out = z.map((v) => Math.exp(v - max));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / sum);
}

/** Pseudo-BMA (no bootstrap): w_k ∝ exp(elpd_loo_k), elpd_loo_k = Σ_i lpd_ik. */
export function pseudoBmaWeights(lpd: readonly Float64Array[]): Float64Array {
  checkInput(lpd, 'pseudo-BMA');
  return softmax(Float64Array.from(lpd, (column) => column.reduce((a, b) => a + b, 0)));
}

export interface BayesianBootstrapOptions {
  /** Seed of the Dirichlet draws (nutmeg's Rng); same seed, same weights. */
  readonly seed: number;
  /** Number of bootstrap replicates (loo's BB_n). Default 1000. */
  readonly replicates?: number;
}

/**
 * Pseudo-BMA+ : the mean over Bayesian-bootstrap replicates of softmax_k(N · Σ_i u_i lpd_ik), u ~ Dirichlet(1, …, 1)
 * (loo's `pseudobma_weights(BB = TRUE)`, alpha = 1). The Dirichlet draws come from nutmeg's seeded Rng, not R's, so
 * the weights agree with R's in distribution, not digit for digit.
 */
export function pseudoBmaPlusWeights(lpd: readonly Float64Array[], options: BayesianBootstrapOptions): Float64Array {
  const n = checkInput(lpd, 'pseudo-BMA+');
  const K = lpd.length;
  const replicates = options.replicates ?? 1000;
  const rng = new Rng(options.seed);
  const u = new Float64Array(n);
  const z = new Float64Array(K);
  const mean = new Float64Array(K);
  for (let b = 0; b < replicates; b++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += u[i] = rng.exponential();
    z.fill(0);
    for (let k = 0; k < K; k++) {
      const column = lpd[k];
      let s = 0;
      for (let i = 0; i < n; i++) s += u[i] * column[i];
      z[k] = (s / total) * n;
    }
    const w = softmax(z);
    for (let k = 0; k < K; k++) mean[k] += w[k] / replicates;
  }
  return mean;
}
