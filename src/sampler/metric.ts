/**
 * The Euclidean metric of HMC, one per chain: kinetic energy K(p) = ½ pᵀ M⁻¹ p, the velocity dK/dp = M⁻¹ p (Stan's
 * "p♯", dtau_dp) and momentum draws p ~ Normal(0, M).
 *
 * All chains share one typed array: the inverse metric M⁻¹ is C × d (diagonal) or C × d × d (dense, row-major). For
 * the dense metric the lower Cholesky factor L of M⁻¹ = L Lᵀ is kept beside it, and a momentum is drawn as
 * p = L⁻ᵀ u with u ~ Normal(0, I), so that Cov(p) = (L Lᵀ)⁻¹ = M (as Stan's dense_e_metric does).
 */
import { choleskyLower } from '../numeric/cholesky.js';
import type { Rng } from '../rng.js';

export type MetricKind = 'diag' | 'dense';

/** What a user may ask for: a metric, or 'auto' (chooseMetric decides from the model). */
export type MetricChoice = MetricKind | 'auto';

export class Metric {
  /** C × d (diag) or C × d × d (dense). */
  readonly inverse: Float64Array;
  /** Dense only: C × d × d lower Cholesky factors of the inverse metric. */
  readonly cholesky: Float64Array | null;
  private readonly u: Float64Array;

  constructor(
    readonly kind: MetricKind,
    readonly nChains: number,
    readonly dim: number,
  ) {
    const d = dim;
    if (kind === 'diag') {
      this.inverse = new Float64Array(nChains * d).fill(1);
      this.cholesky = null;
    } else {
      this.inverse = new Float64Array(nChains * d * d);
      this.cholesky = new Float64Array(nChains * d * d);
      for (let c = 0; c < nChains; c++) {
        for (let i = 0; i < d; i++) {
          this.inverse[c * d * d + i * d + i] = 1;
          this.cholesky[c * d * d + i * d + i] = 1;
        }
      }
    }
    this.u = new Float64Array(d);
  }

  /** Number of entries of one chain's inverse metric (d or d²). */
  get size(): number {
    return this.kind === 'diag' ? this.dim : this.dim * this.dim;
  }

  /** The inverse metric of chain c (a view). */
  inverseOf(c: number): Float64Array {
    const s = this.size;
    return this.inverse.subarray(c * s, (c + 1) * s);
  }

  /**
   * Sets chain c's inverse metric: d values (diag) or d × d row-major (dense, symmetric positive definite).
   * Returns false, leaving the metric unchanged, when a dense matrix is not positive definite.
   */
  setInverse(c: number, values: ArrayLike<number>): boolean {
    const s = this.size;
    if (this.kind === 'dense') {
      const d = this.dim;
      const chol = this.cholesky as Float64Array;
      if (choleskyLower(values, d, chol, c * s) >= 0) {
        // restore the previous factor
        choleskyLower(this.inverse.subarray(c * s, (c + 1) * s), d, chol, c * s);
        return false;
      }
    }
    for (let i = 0; i < s; i++) this.inverse[c * s + i] = values[i];
    return true;
  }

  /**
   * Sets chain c's inverse metric to the diagonal matrix diag(values) (d positive finite values), whatever the kind.
   */
  setDiagonalInverse(c: number, values: ArrayLike<number>): void {
    const d = this.dim;
    for (let i = 0; i < d; i++) {
      if (!(values[i] > 0 && Number.isFinite(values[i]))) throw new Error(`initial inverse metric: entry ${i + 1} is ${values[i]}, not a positive number`);
    }
    if (this.kind === 'diag') {
      this.setInverse(c, values);
      return;
    }
    const full = new Float64Array(d * d);
    for (let i = 0; i < d; i++) full[i * d + i] = values[i];
    this.setInverse(c, full);
  }

  /** ½ pᵀ M⁻¹ p for chain c's momentum p[off … off + d). */
  kinetic(c: number, p: Float64Array, off: number): number {
    const d = this.dim;
    const m = this.inverse;
    let k = 0;
    if (this.kind === 'diag') {
      const mo = c * d;
      for (let i = 0; i < d; i++) k += m[mo + i] * p[off + i] * p[off + i];
    } else {
      const mo = c * d * d;
      for (let i = 0; i < d; i++) {
        let row = 0;
        for (let j = 0; j < d; j++) row += m[mo + i * d + j] * p[off + j];
        k += p[off + i] * row;
      }
    }
    return 0.5 * k;
  }

  /** out[outOff …] = M⁻¹ p (the velocity p♯ of chain c). */
  velocity(c: number, p: Float64Array, off: number, out: Float64Array, outOff: number): void {
    const d = this.dim;
    const m = this.inverse;
    if (this.kind === 'diag') {
      const mo = c * d;
      for (let i = 0; i < d; i++) out[outOff + i] = m[mo + i] * p[off + i];
    } else {
      const mo = c * d * d;
      for (let i = 0; i < d; i++) {
        let row = 0;
        for (let j = 0; j < d; j++) row += m[mo + i * d + j] * p[off + j];
        out[outOff + i] = row;
      }
    }
  }

  /** q[off …] += eps · M⁻¹ p[off …] (the position update of a leapfrog step). */
  addScaledVelocity(c: number, eps: number, p: Float64Array, q: Float64Array, off: number): void {
    const d = this.dim;
    const m = this.inverse;
    if (this.kind === 'diag') {
      const mo = c * d;
      for (let i = 0; i < d; i++) q[off + i] += eps * m[mo + i] * p[off + i];
    } else {
      const mo = c * d * d;
      for (let i = 0; i < d; i++) {
        let row = 0;
        for (let j = 0; j < d; j++) row += m[mo + i * d + j] * p[off + j];
        q[off + i] += eps * row;
      }
    }
  }

  /** Draws chain c's momentum p ~ Normal(0, M) into out[off …] from that chain's stream. */
  sampleMomentum(c: number, rng: Rng, out: Float64Array, off: number): void {
    const d = this.dim;
    if (this.kind === 'diag') {
      const mo = c * d;
      for (let i = 0; i < d; i++) out[off + i] = rng.normal() / Math.sqrt(this.inverse[mo + i]);
      return;
    }
    const L = this.cholesky as Float64Array;
    const lo = c * d * d;
    const u = this.u;
    for (let i = 0; i < d; i++) u[i] = rng.normal();
    // back substitution for Lᵀ p = u
    for (let i = d - 1; i >= 0; i--) {
      let s = u[i];
      for (let j = i + 1; j < d; j++) s -= L[lo + j * d + i] * out[off + j];
      out[off + i] = s / L[lo + i * d + i];
    }
  }
}
