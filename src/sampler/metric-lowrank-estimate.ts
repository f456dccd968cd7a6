/**
 * The low-rank-plus-diagonal inverse metric estimated from warm-up draws and their log-density gradients by
 * minimising the Fisher divergence, as nutpie (nuts-rs) does (Seyboldt, Carlson & Carpenter 2026, the low-rank
 * estimator, their Algorithm 1; the eigenvalue cutoff 2 is nutpie's):
 *
 *   M⁻¹ = D^{1/2} (I + U (Λ − I) Uᵀ) D^{1/2},
 *
 * 1. D: per coordinate sqrt(var(x)/var(g)) — the diagonal minimising the Fisher divergence (exact for independent
 *    Gaussian coordinates; the early metric's estimator, adaptation/early-metric.ts);
 * 2. in the D-scaled coordinates x̃ = (x − x̄)/√D, g̃ = (g − ḡ)√D, a subspace spanned by the leading principal
 *    directions of the draws and of the gradients (subspace iteration on the implicit covariances, n·d·k work, no
 *    d × d matrix), orthonormalised together;
 * 3. inside it, the SPD Σ with Σ Cov(g̃) Σ = Cov(x̃) — the geometric mean Cg^{-1/2}(Cg^{1/2} Cx Cg^{1/2})^{1/2}Cg^{-1/2},
 *    which minimises the Fisher divergence for a Gaussian (and is its covariance: Cov(g) = Cov(x)⁻¹ there);
 * 4. the rank from the eigen-spectrum of Σ: its eigenvectors whose eigenvalue lies outside [1/cutoff, cutoff]
 *    (the directions where the diagonal metric is off by more than the cutoff), at most maxRank of them, largest
 *    |log λ| first; the others are left to D (λ = 1).
 * Both covariances are shrunk towards I by n/(n + 5) (Stan's regularisation weight) so a short window stays
 * positive definite. A pure function: (draws, gradients) → {diag, u, lambda}; nothing is kept between calls.
 */
import { symmetricEigenSorted } from '../numeric/symmetric-eigen.js';
import { thinQr } from '../numeric/thin-qr.js';
import * as pm from '../numeric/portable-math.js';

export interface LowRankSettings {
  /** Largest rank of the correction. Default 10. */
  readonly maxRank: number;
  /** Eigenvalues of Σ within [1/cutoff, cutoff] are not kept. Default 2. */
  readonly cutoff: number;
}

export const LOWRANK_DEFAULTS: LowRankSettings = { maxRank: 10, cutoff: 2 };

export interface LowRankMetric {
  /** D (d values). */
  readonly diag: Float64Array;
  /** d × k, column j at j·d, orthonormal columns. */
  readonly u: Float64Array;
  /** k eigenvalues λ_j of the correction. */
  readonly lambda: Float64Array;
}

const SUBSPACE_ITERATIONS = 30;

/**
 * Estimates the metric from n draws and their gradients (both n × d, row-major). Returns null when fewer than 3
 * draws are given or a coordinate neither moved nor had a changing gradient.
 */
export function estimateLowRank(draws: Float64Array, grads: Float64Array, n: number, d: number, settings: LowRankSettings = LOWRANK_DEFAULTS): LowRankMetric | null {
  if (n < 3) return null;
  const meanX = new Float64Array(d);
  const meanG = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < d; i++) {
      meanX[i] += draws[s * d + i] / n;
      meanG[i] += grads[s * d + i] / n;
    }
  }
  const varX = new Float64Array(d);
  const varG = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < d; i++) {
      varX[i] += (draws[s * d + i] - meanX[i]) ** 2 / (n - 1);
      varG[i] += (grads[s * d + i] - meanG[i]) ** 2 / (n - 1);
    }
  }
  const diag = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const v = Math.sqrt(varX[i] / varG[i]);
    if (!(v > 0 && Number.isFinite(v))) return null;
    diag[i] = Math.min(Math.max(v, 1e-12), 1e12);
  }
  // scaled, centred draws and gradients
  const xs = new Float64Array(n * d);
  const gs = new Float64Array(n * d);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < d; i++) {
      const r = Math.sqrt(diag[i]);
      xs[s * d + i] = (draws[s * d + i] - meanX[i]) / r;
      gs[s * d + i] = (grads[s * d + i] - meanG[i]) * r;
    }
  }
  // the subspace: all of R^d when small, else the leading directions of both
  const k = Math.min(settings.maxRank, d, n - 1);
  let basis: Float64Array;
  let m: number;
  if (d <= 2 * k) {
    m = d;
    basis = new Float64Array(d * d);
    for (let i = 0; i < d; i++) basis[i * d + i] = 1;
  } else {
    const both = new Float64Array(d * 2 * k);
    both.set(leadingDirections(xs, n, d, k), 0);
    both.set(leadingDirections(gs, n, d, k), d * k);
    const { q, r } = thinQr(both, d, 2 * k);
    const keep = Array.from({ length: 2 * k }, (_, j) => j).filter((j) => r[j * 2 * k + j] !== 0);
    m = keep.length;
    basis = new Float64Array(d * m);
    keep.forEach((j, t) => basis.set(q.subarray(j * d, (j + 1) * d), t * d));
  }
  const cx = projectedCovariance(xs, n, d, basis, m);
  const cg = projectedCovariance(gs, n, d, basis, m);
  const sigma = geometricMean(cx, cg, m);
  const { values, vectors } = symmetricEigenSorted(sigma, m);
  const chosen = Array.from({ length: m }, (_, j) => j)
    .filter((j) => values[j] > settings.cutoff || values[j] < 1 / settings.cutoff)
    .sort((a, b) => Math.abs(pm.log(values[b])) - Math.abs(pm.log(values[a])))
    .slice(0, settings.maxRank);
  const u = new Float64Array(d * chosen.length);
  const lambda = new Float64Array(chosen.length);
  chosen.forEach((j, t) => {
    lambda[t] = values[j];
    for (let a = 0; a < m; a++) {
      const w = vectors[a * m + j];
      if (w === 0) continue;
      for (let i = 0; i < d; i++) u[t * d + i] += basis[a * d + i] * w;
    }
  });
  return { diag, u, lambda };
}

/** k leading right singular directions of the n × d rows (d × k, columns one after another), by subspace iteration. */
function leadingDirections(rows: Float64Array, n: number, d: number, k: number): Float64Array {
  // start from k of the rows themselves (they lie in the row space), spread over the window
  let v: Float64Array = new Float64Array(d * k);
  for (let j = 0; j < k; j++) v.set(rows.subarray(Math.floor((j * n) / k) * d, (Math.floor((j * n) / k) + 1) * d), j * d);
  const t = new Float64Array(n);
  for (let it = 0; it < SUBSPACE_ITERATIONS; it++) {
    const next = new Float64Array(d * k);
    for (let j = 0; j < k; j++) {
      for (let s = 0; s < n; s++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += rows[s * d + i] * v[j * d + i];
        t[s] = dot;
      }
      for (let s = 0; s < n; s++) {
        const ts = t[s];
        if (ts === 0) continue;
        for (let i = 0; i < d; i++) next[j * d + i] += rows[s * d + i] * ts;
      }
    }
    v = thinQr(next, d, k).q;
  }
  return v;
}

/** Bᵀ Cov(rows) B shrunk towards I by n/(n + 5) (m × m), B the d × m basis. */
function projectedCovariance(rows: Float64Array, n: number, d: number, basis: Float64Array, m: number): Float64Array {
  const p = new Float64Array(n * m);
  for (let s = 0; s < n; s++) {
    for (let a = 0; a < m; a++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += rows[s * d + i] * basis[a * d + i];
      p[s * m + a] = dot;
    }
  }
  const c = new Float64Array(m * m);
  const w = n / (n + 5);
  for (let a = 0; a < m; a++) {
    for (let b = a; b < m; b++) {
      let s2 = 0;
      for (let s = 0; s < n; s++) s2 += p[s * m + a] * p[s * m + b];
      c[a * m + b] = c[b * m + a] = (w * s2) / (n - 1) + (a === b ? 1 - w : 0);
    }
  }
  return c;
}

/** f(A) = V f(Λ) Vᵀ for a symmetric positive definite A (m × m). */
function matrixFunction(a: Float64Array, m: number, f: (x: number) => number): Float64Array {
  const { values, vectors } = symmetricEigenSorted(a, m);
  const out = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    const fj = f(Math.max(values[j], 1e-300));
    for (let a1 = 0; a1 < m; a1++) {
      const va = vectors[a1 * m + j] * fj;
      for (let b = 0; b < m; b++) out[a1 * m + b] += va * vectors[b * m + j];
    }
  }
  return out;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let k = 0; k < m; k++) {
    const aik = a[i * m + k];
    for (let j = 0; j < m; j++) out[i * m + j] += aik * b[k * m + j];
  }
  return out;
}

/** The geometric mean Σ of Cx and Cg⁻¹: the SPD solution of Σ Cg Σ = Cx. */
export function geometricMean(cx: Float64Array, cg: Float64Array, m: number): Float64Array {
  const half = matrixFunction(cg, m, Math.sqrt);
  const invHalf = matrixFunction(cg, m, (x) => 1 / Math.sqrt(x));
  const inner = multiply(multiply(half, cx, m), half, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) inner[i * m + j] = inner[j * m + i] = 0.5 * (inner[i * m + j] + inner[j * m + i]);
  const root = matrixFunction(inner, m, Math.sqrt);
  const out = multiply(multiply(invHalf, root, m), invHalf, m);
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) out[i * m + j] = out[j * m + i] = 0.5 * (out[i * m + j] + out[j * m + i]);
  return out;
}
