/**
 * Metric estimates from draws AND their log-density gradients (scores), after Seyboldt, Carlson & Carpenter, "If only
 * my posterior were normal: Fisher-informed Hamiltonian Monte Carlo" (nutpie's adaptation):
 *
 * - Diagonal (§ "Affine choices for the diffeomorphism / Diagonal mass matrix"): the element-wise affine map
 *   x = μ + σ ⊙ y that minimises the sample Fisher divergence between the pulled-back posterior and N(0, I) has
 *   σᵢ² = sqrt(var(qᵢ) / var(gᵢ)), which is the inverse metric M⁻¹ᵢ. For a Gaussian with independent coordinates,
 *   gᵢ = −(qᵢ − μᵢ)/sᵢ², so σᵢ² = sᵢ² exactly, from any two distinct draws, even while the chain still drifts towards
 *   the typical set (where var(q) alone would be inflated by the drift).
 * - Dense (§ "Affine choices… / Full mass matrix", and "Motivation: example with normal posterior"): the affine map
 *   x = μ + A y minimises it when Σ = A Aᵀ solves Σ cov(g) Σ = cov(q), i.e. Σ is the geometric mean of cov(q) and
 *   cov(g)⁻¹:  Σ = G^(−1/2) (G^(1/2) Q G^(1/2))^(1/2) G^(−1/2)  with Q = cov(q), G = cov(g). For a Gaussian N(μ, S),
 *   Σ = S exactly from any d + 1 draws in general position.
 * - Initial metric (§ "Adaptation Schema / Choice of initial diffeomorphism"): before any draw, M = diag(g₀²) from
 *   the gradient g₀ at the initial point (the Fisher information in expectation), i.e. M⁻¹ᵢ = 1/g₀ᵢ²; scale-free.
 *
 * This module estimates; it does not represent or apply a metric (src/sampler/metric.ts does).
 */
import { symmetricEigen } from '../../numeric/symmetric-eigen.js';
import { WelfordEstimator } from './welford.js';

/** Bounds on an inverse-metric entry estimated here (a coordinate that never moved gives 0; a flat one gives ∞). */
export const MIN_INVERSE = 1e-12;
export const MAX_INVERSE = 1e12;

/**
 * Writes the Fisher-divergence diagonal sqrt(varQᵢ / varGᵢ) into `inverse` for every coordinate whose estimate is a
 * positive finite number (clamped to [MIN_INVERSE, MAX_INVERSE]); other coordinates keep their value. Returns the
 * number of coordinates written.
 */
export function fisherDiagonal(varQ: Float64Array, varG: Float64Array, inverse: Float64Array): number {
  // only the first inverse.length entries of varQ and varG are read
  let written = 0;
  for (let i = 0; i < inverse.length; i++) {
    const v = Math.sqrt(varQ[i] / varG[i]);
    if (v > 0 && Number.isFinite(v)) {
      inverse[i] = Math.min(Math.max(v, MIN_INVERSE), MAX_INVERSE);
      written++;
    }
  }
  return written;
}

/** Scratch for fisherDense (d × d matrices and d-vectors), allocated once per estimator. */
export class DenseScratch {
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly vectors: Float64Array;
  readonly values: Float64Array;
  readonly root: Float64Array;
  readonly inverseRoot: Float64Array;
  constructor(readonly dim: number) {
    const dd = dim * dim;
    this.a = new Float64Array(dd);
    this.b = new Float64Array(dd);
    this.vectors = new Float64Array(dd);
    this.values = new Float64Array(dim);
    this.root = new Float64Array(dd);
    this.inverseRoot = new Float64Array(dd);
  }
}

/**
 * The Fisher-divergence dense inverse metric Σ = G^(−1/2) (G^(1/2) Q G^(1/2))^(1/2) G^(−1/2) from the draws'
 * covariance Q and the gradients' covariance G (d × d each, row-major, left untouched), into `out` (d × d). False
 * (out unspecified) when G or the middle product is not positive definite to working precision (fewer than d + 1
 * distinct draws, a coordinate that did not move).
 */
export function fisherDense(q: Float64Array, g: Float64Array, d: number, out: Float64Array, w: DenseScratch): boolean {
  const { a, b, vectors, values, root, inverseRoot } = w;
  a.set(g.subarray(0, d * d));
  symmetricEigen(a, d, values, vectors);
  let top = 0;
  for (let k = 0; k < d; k++) top = Math.max(top, values[k]);
  for (let k = 0; k < d; k++) if (!(values[k] > 1e-14 * top)) return false;
  // G^(1/2) and G^(−1/2) from G = V diag(λ) Vᵀ
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let r = 0;
      let ir = 0;
      for (let k = 0; k < d; k++) {
        const v = vectors[i * d + k] * vectors[j * d + k];
        r += v * Math.sqrt(values[k]);
        ir += v / Math.sqrt(values[k]);
      }
      root[i * d + j] = r;
      inverseRoot[i * d + j] = ir;
    }
  }
  // b = G^(1/2) Q G^(1/2)
  multiply(root, q, a, d);
  multiply(a, root, b, d);
  symmetrize(b, d);
  symmetricEigen(b, d, values, vectors);
  top = 0;
  for (let k = 0; k < d; k++) top = Math.max(top, values[k]);
  for (let k = 0; k < d; k++) if (!(values[k] > 1e-14 * top)) return false;
  // a = (G^(1/2) Q G^(1/2))^(1/2)
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let r = 0;
      for (let k = 0; k < d; k++) r += vectors[i * d + k] * vectors[j * d + k] * Math.sqrt(values[k]);
      a[i * d + j] = r;
    }
  }
  multiply(inverseRoot, a, b, d);
  multiply(b, inverseRoot, out, d);
  symmetrize(out, d);
  for (let k = 0; k < d * d; k++) if (!Number.isFinite(out[k])) return false;
  return true;
}

/** out = x y (d × d, row-major); out must be neither x nor y. */
function multiply(x: Float64Array, y: Float64Array, out: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += x[i * d + k] * y[k * d + j];
      out[i * d + j] = s;
    }
  }
}

function symmetrize(x: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const m = 0.5 * (x[i * d + j] + x[j * d + i]);
      x[i * d + j] = m;
      x[j * d + i] = m;
    }
  }
}

/**
 * The initial diagonal inverse metric 1/gᵢ² from the gradient g at the starting point, written into `inverse`
 * (d values); a coordinate whose gradient is 0 or not finite keeps its value.
 */
export function gradientInitialDiagonal(grad: Float64Array, off: number, inverse: Float64Array): void {
  for (let i = 0; i < inverse.length; i++) {
    const g = grad[off + i];
    const v = 1 / (g * g);
    if (v > 0 && Number.isFinite(v)) inverse[i] = Math.min(Math.max(v, MIN_INVERSE), MAX_INVERSE);
  }
}

/**
 * Running means and variances of draws and gradients over two overlapping windows per slot (a chain, or a pool of
 * chains): every pair goes into both the foreground window, from which the metric is estimated, and the background
 * window; `switch` makes the background the foreground and starts an empty background. So the estimate always rests
 * on the draws since the last-but-one switch: old draws are forgotten in steps, with no draw stored. With `dense`,
 * the draws' covariance is kept as well (d × d per slot).
 */
export class DrawGradientWindows {
  private readonly fgQ: WelfordEstimator;
  private readonly fgG: WelfordEstimator;
  private readonly bgQ: WelfordEstimator;
  private readonly bgG: WelfordEstimator;
  private readonly varQ: Float64Array;
  private readonly varG: Float64Array;
  private readonly dense_: DenseScratch | null;

  constructor(
    readonly nSlots: number,
    readonly dim: number,
    readonly dense: boolean,
  ) {
    this.fgQ = new WelfordEstimator(nSlots, dim, dense);
    this.fgG = new WelfordEstimator(nSlots, dim, dense);
    this.bgQ = new WelfordEstimator(nSlots, dim, dense);
    this.bgG = new WelfordEstimator(nSlots, dim, dense);
    this.varQ = new Float64Array(dense ? dim * dim : dim);
    this.varG = new Float64Array(dense ? dim * dim : dim);
    this.dense_ = dense ? new DenseScratch(dim) : null;
  }

  /** Adds a draw q[off … off + d) and its gradient g[off … off + d) to slot s's two windows. */
  add(s: number, q: Float64Array, g: Float64Array, off: number): void {
    this.fgQ.add(s, q, off);
    this.fgG.add(s, g, off);
    this.bgQ.add(s, q, off);
    this.bgG.add(s, g, off);
  }

  foregroundCount(s: number): number {
    return this.fgQ.count[s];
  }

  backgroundCount(s: number): number {
    return this.bgQ.count[s];
  }

  /** The background window becomes slot s's foreground; the background restarts empty. */
  switch(s: number): void {
    swapSlot(this.fgQ, this.bgQ, s);
    swapSlot(this.fgG, this.bgG, s);
    this.bgQ.restart(s);
    this.bgG.restart(s);
  }

  /**
   * Writes slot s's Fisher diagonal (d values) into `inverse`, leaving coordinates it cannot estimate; false (nothing
   * written) when the foreground holds fewer than 3 pairs.
   */
  diagonal(s: number, inverse: Float64Array): boolean {
    if (this.fgQ.count[s] < 3) return false;
    const { varQ, varG } = this;
    this.fgQ.sample(s, varQ);
    this.fgG.sample(s, varG);
    if (this.dense) {
      const d = this.dim;
      for (let i = 0; i < d; i++) {
        varQ[i] = varQ[i * d + i];
        varG[i] = varG[i * d + i];
      }
    }
    return fisherDiagonal(varQ, varG, inverse) > 0;
  }

  /**
   * Slot s's Fisher dense estimate (d × d, dense windows only) into `out`; false when the foreground holds ≤ 2d
   * pairs or the estimate is not positive definite.
   */
  denseEstimate(s: number, out: Float64Array): boolean {
    const d = this.dim;
    if (this.dense_ === null || this.fgQ.count[s] <= 2 * d) return false;
    this.fgQ.sample(s, this.varQ);
    this.fgG.sample(s, this.varG);
    return fisherDense(this.varQ, this.varG, d, out, this.dense_);
  }
}

function swapSlot(a: WelfordEstimator, b: WelfordEstimator, s: number): void {
  const n = a.count[s];
  a.count[s] = b.count[s];
  b.count[s] = n;
  swapRange(a.mean, b.mean, s * a.dim, (s + 1) * a.dim);
  const m = a.m2.length / a.nChains;
  swapRange(a.m2, b.m2, s * m, (s + 1) * m);
}

function swapRange(a: Float64Array, b: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const t = a[i];
    a[i] = b[i];
    b[i] = t;
  }
}
