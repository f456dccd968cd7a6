/**
 * Correlation matrices of correlated varying effects: the unconstrained coordinates, their Cholesky factor, and the
 * LKJ prior.
 *
 * Coordinates (Stan Reference Manual, "Constraint transforms", section "Cholesky factors of correlation matrices";
 * Lewandowski, Kurowicka & Joe 2009, "Generating random correlation matrices based on vines and extended onion
 * method", J. Multivariate Analysis 100, 1989–2001): m(m−1)/2 reals y, one per pair (i, j) with i > j (0-based),
 * stored row by row — (1,0), (2,0), (2,1), (3,0), … — which is also brms's order of cor_<g>__<t_j>__<t_i>. Each is a
 * canonical partial correlation z = tanh(y), and the lower-triangular m × m factor L with Ω = L Lᵀ is, row i,
 *     L_i0 = z_i0,   L_ij = z_ij · √(1 − Σ_{k<j} L_ik²),   L_ii = √(1 − Σ_{k<i} L_ik²),
 * where 1 − Σ_{k<j} L_ik² = Π_{k<j} (1 − z_ik²), so √ of it is exp(−Σ_{k<j} log cosh y_ik) (no cancellation, as Stan
 * Math's cholesky_corr_constrain computes it). Rows depend only on their own coordinates.
 * Log-Jacobian of y → the strictly lower entries of L (Stan Reference Manual, same section):
 *     Σ_{i>j} log(1 − z_ij²)  +  ½ Σ_{i>j} log(1 − Σ_{k<j} L_ik²).
 *
 * LKJ prior (Lewandowski et al. 2009; Stan Functions Reference, "lkj_corr_cholesky"): p(Ω | η) = det(Ω)^{η−1} / c_m(η),
 * and on the Cholesky factor LkjCholesky(L | η) = Π_{k=2}^{m} L_kk^{m−k+2η−2} / c_m(η) (k 1-based), which includes
 * the Jacobian of Ω → L. The normalising constant (Lewandowski et al. 2009, section 3.2) is
 *     c_m(η) = 2^{Σ_{k=1}^{m−1} (2η−2+m−k)(m−k)} · Π_{k=1}^{m−1} B(η + (m−k−1)/2, η + (m−k−1)/2)^{m−k}
 * (m = 2: 2^{2η−1} B(η, η), the integral of (1 − ρ²)^{η−1}; m = 3, η = 1: π²/2, the volume of 3 × 3 correlation
 * matrices).
 *
 * In y the two Jacobians and the LKJ density collapse, since every term is a multiple of some log(1 − z_ik²) =
 * −2 log cosh y_ik: with k the column (0-based), the coefficient of log(1 − z_ik²) is 1 (tanh) + ½·(i−1−k) (the
 * L Jacobian: columns j = k+1 … i−1 of row i) + ½·(m−i+2η−3) (LKJ on L_ii = √(Π_{k<i}(1 − z_ik²)), exponent
 * m−k'+2η−2 with k' = i+1), i.e. (m − k + 2η − 2)/2, so
 *     log p(y) = −log c_m(η) − Σ_{i>k} (m − k + 2η − 2) · log cosh y_ik,
 *     ∂/∂y_ik = −(m − k + 2η − 2) · tanh y_ik.
 * (So the partial correlations are independent a priori, (z_ik + 1)/2 ~ Beta(β_k, β_k) with β_k = η + (m − k − 2)/2,
 * the C-vine sampler of Lewandowski et al. 2009.) tests/model/correlation.test.ts checks this against det(Ω)^{η−1}
 * times the finite-difference Jacobian of y → Ω, and the constant by numerical integration.
 */
import { lgamma } from '../numeric/log-gamma.js';
import * as pm from '../numeric/portable-math.js';

/** Number of unconstrained coordinates of an m × m correlation matrix. */
export function cpcCount(m: number): number {
  return (m * (m - 1)) / 2;
}

/** Position of pair (i, j), i > j (0-based), among the m(m−1)/2 coordinates. */
export function cpcIndex(i: number, j: number): number {
  return (i * (i - 1)) / 2 + j;
}

/** log cosh y without overflow: |y| + log1p(e^{−2|y|}) − log 2. */
export function logCosh(y: number): number {
  const a = Math.abs(y);
  return a + pm.log1p(pm.exp(-2 * a)) - Math.LN2;
}

/**
 * L (m × m, row-major, upper triangle zero) from the coordinates y[at … at + m(m−1)/2). `L` needs m² entries.
 */
export function choleskyFromCpc(y: ArrayLike<number>, at: number, m: number, L: Float64Array): void {
  L.fill(0, 0, m * m);
  L[0] = 1;
  for (let i = 1; i < m; i++) {
    let acc = 0; // Σ_{k<j} log cosh y_ik
    const row = at + cpcIndex(i, 0);
    for (let j = 0; j < i; j++) {
      const yij = y[row + j];
      L[i * m + j] = pm.tanh(yij) * pm.exp(-acc);
      acc += logCosh(yij);
    }
    L[i * m + i] = pm.exp(-acc);
  }
}

/**
 * The inverse of choleskyFromCpc: y from the Cholesky factor L of a correlation matrix (rows of unit length),
 * written to y[at …]. A partial correlation of ±1 (a singular Ω) gives ±Infinity.
 */
export function cpcFromCholesky(L: ArrayLike<number>, m: number, y: Float64Array, at: number): void {
  for (let i = 1; i < m; i++) {
    let rest = 1; // 1 − Σ_{k<j} L_ik²
    for (let j = 0; j < i; j++) {
      const l = L[i * m + j];
      const z = rest > 0 ? l / Math.sqrt(rest) : 0;
      y[at + cpcIndex(i, j)] = pm.atanh(Math.max(-1, Math.min(1, z)));
      rest -= l * l;
    }
  }
}

/**
 * The Cholesky factor of a correlation matrix given by its lower off-diagonal entries in the coordinate order
 * (Ω_10, Ω_20, Ω_21, …), into L (m²). Ω must be positive definite; a non-positive pivot is clamped to 0.
 */
export function choleskyFromCorrelation(omega: ArrayLike<number>, from: number, m: number, L: Float64Array): void {
  L.fill(0, 0, m * m);
  const entry = (i: number, j: number): number => (i === j ? 1 : i > j ? omega[from + cpcIndex(i, j)] : omega[from + cpcIndex(j, i)]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = entry(i, j);
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) L[i * m + i] = Math.sqrt(Math.max(s, 0));
      else L[i * m + j] = L[j * m + j] > 0 ? s / L[j * m + j] : 0;
    }
  }
}

/** The lower off-diagonal entries of Ω = L Lᵀ, in coordinate (= brms) order, into out[at …]. */
export function correlationFromCholesky(L: ArrayLike<number>, m: number, out: Float64Array | number[], at: number): void {
  for (let i = 1; i < m; i++) {
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += L[i * m + k] * L[j * m + k];
      out[at + cpcIndex(i, j)] = s;
    }
  }
}

/** log c_m(η), the LKJ normalising constant (module comment); η > 0, m ≥ 2. */
export function lkjLogNormalizer(m: number, eta: number): number {
  let log2 = 0;
  let logB = 0;
  for (let k = 1; k <= m - 1; k++) {
    log2 += (2 * eta - 2 + m - k) * (m - k);
    const b = eta + (m - k - 1) / 2;
    logB += (m - k) * (2 * lgamma(b) - lgamma(2 * b));
  }
  return log2 * Math.LN2 + logB;
}

/**
 * The log-Jacobian of y → the strictly lower entries of L (module comment), at y[at …]; for tests and the
 * documentation of the collapsed form below.
 */
export function cpcLogJacobian(y: ArrayLike<number>, at: number, m: number): number {
  let lj = 0;
  for (let i = 1; i < m; i++) {
    let logRest = 0; // log(1 − Σ_{k<j} L_ik²)
    for (let j = 0; j < i; j++) {
      const lc = logCosh(y[at + cpcIndex(i, j)]);
      lj += -2 * lc + 0.5 * logRest;
      logRest -= 2 * lc;
    }
  }
  return lj;
}

/**
 * log p(y) of the coordinates under Ω ~ LKJ(η), Jacobians included and normalised (module comment):
 * −log c_m(η) − Σ_{i>k} (m − k + 2η − 2) log cosh y_ik. `logNormalizer` is lkjLogNormalizer(m, η), passed in so a
 * caller evaluates it once.
 */
export function cpcLogPrior(y: ArrayLike<number>, at: number, m: number, eta: number, logNormalizer: number): number {
  let lp = -logNormalizer;
  for (let i = 1; i < m; i++) {
    for (let k = 0; k < i; k++) lp -= (m - k + 2 * eta - 2) * logCosh(y[at + cpcIndex(i, k)]);
  }
  return lp;
}

/**
 * Adds ∂/∂y of [ f(L(y)) + log p(y) ] into grad[gradAt …], given G = ∂f/∂L (m × m row-major, lower triangle with
 * the diagonal read) and L = L(y): by the chain rule through the row recursion,
 *     ∂/∂y_ik = G_ik · s_k · (1 − z_ik²) − z_ik · Σ_{j=k+1}^{i} G_ij L_ij − (m − k + 2η − 2) · z_ik,
 * with z = tanh y and s_k = √(1 − Σ_{l<k} L_il²) (∂L_ij/∂y_ik = −z_ik L_ij for j > k; ∂L_ik/∂y_ik = s_k (1 − z_ik²)).
 */
export function addCpcGradient(
  y: ArrayLike<number>,
  at: number,
  m: number,
  eta: number,
  L: ArrayLike<number>,
  G: ArrayLike<number>,
  grad: Float64Array,
  gradAt: number,
): void {
  for (let i = 1; i < m; i++) {
    // suffix Σ_{j=k+1}^{i} G_ij L_ij, built from the diagonal down
    let suffix = G[i * m + i] * L[i * m + i];
    for (let k = i - 1; k >= 0; k--) {
      const idx = cpcIndex(i, k);
      const z = pm.tanh(y[at + idx]);
      const lik = L[i * m + k];
      // s_k (1 − z²) = exp(−Σ_{l<k} log cosh y_il − 2 log cosh y_ik), without the cancellation of 1 − z² (O(m³) per
      // matrix in all, nothing next to the K·m² of the effects)
      let logScale = -2 * logCosh(y[at + idx]);
      for (let l = 0; l < k; l++) logScale -= logCosh(y[at + cpcIndex(i, l)]);
      grad[gradAt + idx] += G[i * m + k] * pm.exp(logScale) - z * suffix - (m - k + 2 * eta - 2) * z;
      suffix += G[i * m + k] * lik;
    }
  }
}
