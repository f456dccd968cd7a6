/**
 * The Euclidean metric of HMC, one per chain: kinetic energy K(p) = ½ pᵀ M⁻¹ p, the velocity dK/dp = M⁻¹ p (Stan's
 * "p♯", dtau_dp) and momentum draws p ~ Normal(0, M).
 *
 * All chains share one typed array: the inverse metric M⁻¹ is C × d (diagonal) or C × d × d (dense, row-major). For
 * the dense metric the lower Cholesky factor L of M⁻¹ = L Lᵀ is kept beside it, and a momentum is drawn as
 * p = L⁻ᵀ u with u ~ Normal(0, I), so that Cov(p) = (L Lᵀ)⁻¹ = M (as Stan's dense_e_metric does).
 *
 * The low-rank metric (`lowrank`) is M⁻¹ = D^{1/2}(I + U(Λ − I)Uᵀ)D^{1/2} with D diagonal (held in `inverse`, C × d),
 * U orthonormal (C × d × R, column j of chain c at (c·R + j)·d) and Λ (C × R), rank k_c ≤ R per chain
 * (metric-lowrank-estimate.ts). With t = D^{1/2} p and w = Uᵀ t:
 *   M⁻¹ p = D^{1/2}(t + U((λ − 1)∘w)),   pᵀ M⁻¹ p = tᵀt + Σ_j (λ_j − 1) w_j²,
 * and since M = D^{−1/2}(I + U(Λ⁻¹ − I)Uᵀ)D^{−1/2} = A Aᵀ with A = D^{−1/2}(I + U(Λ^{−1/2} − I)Uᵀ), a momentum is
 * p = A z = D^{−1/2}(z + U((λ^{−1/2} − 1)∘(Uᵀ z))), z ~ Normal(0, I). O(d k) per call, nothing allocated.
 */
import { choleskyLower } from '../numeric/cholesky.js';
import type { Rng } from '../rng.js';

export type MetricKind = 'diag' | 'dense' | 'lowrank';

/** Largest rank of the low-rank metric's correction. */
export const LOWRANK_MAX_RANK = 10;

/** What a user may ask for: a metric, or 'auto' (chooseMetric decides from the model). */
export type MetricChoice = MetricKind | 'auto';

export class Metric {
  /** C × d (diag) or C × d × d (dense). */
  readonly inverse: Float64Array;
  /** Dense only: C × d × d lower Cholesky factors of the inverse metric. */
  readonly cholesky: Float64Array | null;
  /** Low-rank only: U (C × d × R), Λ (C × R) and each chain's rank (0 … R). */
  readonly lowU: Float64Array | null;
  readonly lowLambda: Float64Array | null;
  readonly lowRank: Int32Array | null;
  private readonly u: Float64Array;
  private readonly w: Float64Array;

  constructor(
    readonly kind: MetricKind,
    readonly nChains: number,
    readonly dim: number,
  ) {
    const d = dim;
    this.lowU = kind === 'lowrank' ? new Float64Array(nChains * d * LOWRANK_MAX_RANK) : null;
    this.lowLambda = kind === 'lowrank' ? new Float64Array(nChains * LOWRANK_MAX_RANK) : null;
    this.lowRank = kind === 'lowrank' ? new Int32Array(nChains) : null;
    this.w = new Float64Array(LOWRANK_MAX_RANK);
    if (kind !== 'dense') {
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
    return this.kind === 'dense' ? this.dim * this.dim : this.dim;
  }

  /** The inverse metric of chain c (a view). */
  inverseOf(c: number): Float64Array {
    const s = this.size;
    return this.inverse.subarray(c * s, (c + 1) * s);
  }

  /**
   * Sets chain c's inverse metric: d values (diag; for lowrank the diagonal D, its correction dropped) or d × d
   * row-major (dense, symmetric positive definite). Returns false, leaving the metric unchanged, when a dense matrix
   * is not positive definite.
   */
  setInverse(c: number, values: ArrayLike<number>): boolean {
    const s = this.size;
    if (this.lowRank) this.lowRank[c] = 0;
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
    if (this.kind !== 'dense') {
      this.setInverse(c, values);
      return;
    }
    const full = new Float64Array(d * d);
    for (let i = 0; i < d; i++) full[i * d + i] = values[i];
    this.setInverse(c, full);
  }

  /**
   * Low-rank only: chain c's M⁻¹ = D^{1/2}(I + U(Λ − I)Uᵀ)D^{1/2} from D (d positive values), U (d × k, column j at
   * j·d, orthonormal columns) and Λ (k positive values), k ≤ LOWRANK_MAX_RANK.
   */
  setLowRank(c: number, diag: ArrayLike<number>, u: ArrayLike<number>, lambda: ArrayLike<number>): void {
    const d = this.dim;
    const k = lambda.length;
    if (this.kind !== 'lowrank' || k > LOWRANK_MAX_RANK) throw new Error(`setLowRank: a ${this.kind} metric, or rank ${k} > ${LOWRANK_MAX_RANK}`);
    const U = this.lowU as Float64Array;
    const L = this.lowLambda as Float64Array;
    for (let i = 0; i < d; i++) this.inverse[c * d + i] = diag[i];
    const base = c * LOWRANK_MAX_RANK;
    for (let j = 0; j < k; j++) {
      L[base + j] = lambda[j];
      for (let i = 0; i < d; i++) U[(base + j) * d + i] = u[j * d + i];
    }
    (this.lowRank as Int32Array)[c] = k;
  }

  /** The diagonal of chain c's M⁻¹ (d values, a new array): what a diagonal reader of the metric is given. */
  diagonalOf(c: number): Float64Array {
    const d = this.dim;
    const out = new Float64Array(d);
    for (let i = 0; i < d; i++) out[i] = this.kind === 'dense' ? this.inverse[c * d * d + i * d + i] : this.inverse[c * d + i];
    if (this.kind !== 'lowrank') return out;
    const k = (this.lowRank as Int32Array)[c];
    const U = this.lowU as Float64Array;
    const L = this.lowLambda as Float64Array;
    const base = c * LOWRANK_MAX_RANK;
    for (let i = 0; i < d; i++) {
      let s = 1;
      for (let j = 0; j < k; j++) s += (L[base + j] - 1) * U[(base + j) * d + i] ** 2;
      out[i] *= s;
    }
    return out;
  }

  /**
   * Low-rank: out[outOff …] = M⁻¹ p = D^{1/2}(t + U((λ − 1)∘Uᵀt)), t = D^{1/2} p; returns pᵀ M⁻¹ p. With scale ≠ 0
   * adds scale · M⁻¹ p to out instead (the position update).
   */
  private lowRankApply(c: number, p: Float64Array, off: number, out: Float64Array | null, outOff: number, scale: number): number {
    const d = this.dim;
    const D = this.inverse;
    const U = this.lowU as Float64Array;
    const L = this.lowLambda as Float64Array;
    const k = (this.lowRank as Int32Array)[c];
    const base = c * LOWRANK_MAX_RANK;
    const w = this.w;
    const mo = c * d;
    let tt = 0;
    for (let j = 0; j < k; j++) w[j] = 0;
    for (let i = 0; i < d; i++) {
      const t = Math.sqrt(D[mo + i]) * p[off + i];
      tt += t * t;
      for (let j = 0; j < k; j++) w[j] += U[(base + j) * d + i] * t;
    }
    let quad = tt;
    for (let j = 0; j < k; j++) {
      quad += (L[base + j] - 1) * w[j] * w[j];
      w[j] *= L[base + j] - 1;
    }
    if (out !== null) {
      for (let i = 0; i < d; i++) {
        const r = Math.sqrt(D[mo + i]);
        let s = r * p[off + i];
        for (let j = 0; j < k; j++) s += U[(base + j) * d + i] * w[j];
        if (scale === 0) out[outOff + i] = r * s;
        else out[outOff + i] += scale * r * s;
      }
    }
    return quad;
  }

  /** ½ pᵀ M⁻¹ p for chain c's momentum p[off … off + d). */
  kinetic(c: number, p: Float64Array, off: number): number {
    if (this.kind === 'lowrank') return 0.5 * this.lowRankApply(c, p, off, null, 0, 0);
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

  /**
   * Both at once: out[outOff …] = M⁻¹ p and the return value ½ pᵀ M⁻¹ p, in one pass over p (two for the low-rank
   * metric). The same floating-point operations in the same order as velocity and kinetic, so the same values bit for
   * bit (for the diagonal, (m_i p_i) p_i is kinetic's m_i · p_i · p_i; for the dense, p_i · row_i is its p_i · row).
   */
  kineticVelocity(c: number, p: Float64Array, off: number, out: Float64Array, outOff: number): number {
    if (this.kind === 'lowrank') return 0.5 * this.lowRankApply(c, p, off, out, outOff, 0);
    const d = this.dim;
    const m = this.inverse;
    let k = 0;
    if (this.kind === 'diag') {
      const mo = c * d;
      for (let i = 0; i < d; i++) {
        const pi = p[off + i];
        const v = m[mo + i] * pi;
        out[outOff + i] = v;
        k += v * pi;
      }
    } else {
      const mo = c * d * d;
      for (let i = 0; i < d; i++) {
        let row = 0;
        for (let j = 0; j < d; j++) row += m[mo + i * d + j] * p[off + j];
        out[outOff + i] = row;
        k += p[off + i] * row;
      }
    }
    return 0.5 * k;
  }

  /** out[outOff …] = M⁻¹ p (the velocity p♯ of chain c). */
  velocity(c: number, p: Float64Array, off: number, out: Float64Array, outOff: number): void {
    if (this.kind === 'lowrank') {
      this.lowRankApply(c, p, off, out, outOff, 0);
      return;
    }
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
    if (this.kind === 'lowrank') {
      if (eps !== 0) this.lowRankApply(c, p, off, q, off, eps);
      return;
    }
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
    if (this.kind === 'lowrank') {
      const D = this.inverse;
      const U = this.lowU as Float64Array;
      const L = this.lowLambda as Float64Array;
      const k = (this.lowRank as Int32Array)[c];
      const base = c * LOWRANK_MAX_RANK;
      const w = this.w;
      for (let j = 0; j < k; j++) w[j] = 0;
      for (let i = 0; i < d; i++) {
        const z = rng.normal();
        out[off + i] = z;
        for (let j = 0; j < k; j++) w[j] += U[(base + j) * d + i] * z;
      }
      for (let j = 0; j < k; j++) w[j] *= 1 / Math.sqrt(L[base + j]) - 1;
      for (let i = 0; i < d; i++) {
        let s = out[off + i];
        for (let j = 0; j < k; j++) s += U[(base + j) * d + i] * w[j];
        out[off + i] = s / Math.sqrt(D[c * d + i]);
      }
      return;
    }
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
