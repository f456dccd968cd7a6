/**
 * The normal approximation of Pathfinder at one point of an L-BFGS path (Zhang, Carpenter, Gelman & Vehtari 2022,
 * "Pathfinder: parallel quasi-Newton variational inference", JMLR 23(306), §2.3 and Algorithms 3–4):
 *
 *   q_l = Normal(μ_l, Σ_l),   Σ_l = diag(α) + β γ βᵀ   (the L-BFGS inverse Hessian of −log p at θ_l),
 *   μ_l = θ_l + Σ_l ∇log p(θ_l)                         (one quasi-Newton step from θ_l).
 *
 * The curvature pairs (s, y) are the last J accepted steps of the path for the objective −log p:
 * s = θ_{k+1} − θ_k, y = ∇log p(θ_k) − ∇log p(θ_{k+1}); a pair is accepted when sᵀy > 1e−12 ‖y‖² (§2.3; it keeps Σ
 * positive definite). The diagonal α starts at 1 and is updated with each accepted pair by Gilbert & Lemaréchal's
 * (1989, eq. 4.9) rule, as Algorithm 3 does:
 *   α ← (yᵀs) / ( (yᵀ diag(α) y)/α + y² − ((yᵀ diag(α) y)/(sᵀ diag(α)⁻¹ s)) (s/α)² )   (element-wise).
 * The low-rank part is the compact form of the BFGS inverse update with H₀ = diag(α) (Byrd, Nocedal & Schnabel 1994,
 * "Representations of quasi-Newton matrices", Theorem 2.2), pairs oldest first:
 *   β = [S, diag(α) Y]  (d × 2m),   γ = [[R⁻ᵀ(E + Yᵀ diag(α) Y)R⁻¹, −R⁻ᵀ], [−R⁻¹, 0]],
 *   R = the upper triangle of SᵀY,  E = diag(SᵀY).
 * Draws and log q use Algorithm 4 (BFGS-Sample): Q R̃ = the thin QR of diag(α)^(−1/2) β, L = chol(I + R̃ γ R̃ᵀ), so
 *   Σ = diag(α)^(1/2) (I − QQᵀ + Q L Lᵀ Qᵀ) diag(α)^(1/2),
 *   φ = μ + diag(α)^(1/2) (u + Q (L − I) Qᵀ u),  u ~ Normal(0, I_d),
 *   log q(φ) = −½ (d log 2π + Σ log α + 2 Σ log L_jj + uᵀu),
 * all in O(d m) per draw and O(d m²) per point, never a d × d matrix.
 */
import { choleskyLower } from '../../numeric/cholesky.js';
import { thinQr } from '../../numeric/thin-qr.js';
import type { Rng } from '../../rng.js';
import * as pm from '../../numeric/portable-math.js';

const LOG_2PI = pm.log(2 * Math.PI);

/** The curvature history of one path: the last J accepted (s, y) pairs and the diagonal α. */
export class CurvatureHistory {
  /** J × d, pair k at k·d (oldest first among the first `count`). */
  readonly s: Float64Array;
  readonly y: Float64Array;
  readonly alpha: Float64Array;
  count = 0;

  constructor(
    readonly dim: number,
    readonly maxPairs: number,
  ) {
    this.s = new Float64Array(maxPairs * dim);
    this.y = new Float64Array(maxPairs * dim);
    this.alpha = new Float64Array(dim).fill(1);
  }

  /**
   * Offers the step from (θ, ∇log p) to (θ', ∇log p'); returns whether the pair passed the curvature check and was
   * kept (then α is updated with it and the oldest pair dropped beyond J).
   */
  offer(theta: Float64Array, grad: Float64Array, thetaNew: Float64Array, gradNew: Float64Array): boolean {
    const d = this.dim;
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < d; i++) {
      const si = thetaNew[i] - theta[i];
      const yi = grad[i] - gradNew[i];
      sy += si * yi;
      yy += yi * yi;
    }
    if (!(sy > 1e-12 * yy)) return false;
    if (this.count === this.maxPairs) {
      this.s.copyWithin(0, d);
      this.y.copyWithin(0, d);
      this.count--;
    }
    const o = this.count * d;
    for (let i = 0; i < d; i++) {
      this.s[o + i] = thetaNew[i] - theta[i];
      this.y[o + i] = grad[i] - gradNew[i];
    }
    this.count++;
    const alpha = this.alpha;
    let a = 0;
    let c = 0;
    for (let i = 0; i < d; i++) {
      const si = this.s[o + i];
      const yi = this.y[o + i];
      a += yi * alpha[i] * yi;
      c += (si * si) / alpha[i];
    }
    for (let i = 0; i < d; i++) {
      const si = this.s[o + i];
      const yi = this.y[o + i];
      const r = si / alpha[i];
      const next = sy / (a / alpha[i] + yi * yi - (a / c) * r * r);
      // a rounding-level denominator could leave a non-positive value: keep the previous one then
      if (next > 0 && Number.isFinite(next)) alpha[i] = next;
    }
    return true;
  }
}

/** Normal(μ, Σ) with Σ in the diagonal-plus-low-rank form above. */
export class BfgsNormal {
  readonly mu: Float64Array;
  readonly sqrtAlpha: Float64Array;
  /** d × r, column j at j·d, orthonormal (or zero) columns; r = 2m. */
  readonly q: Float64Array;
  /** r × r row-major: L − I (L the Cholesky factor of I + R̃γR̃ᵀ). */
  readonly lMinusI: Float64Array;
  readonly rank: number;
  /** log det Σ. */
  readonly logDet: number;
  private readonly w: Float64Array;
  private readonly v: Float64Array;

  private constructor(mu: Float64Array, sqrtAlpha: Float64Array, q: Float64Array, lMinusI: Float64Array, rank: number, logDet: number) {
    this.mu = mu;
    this.sqrtAlpha = sqrtAlpha;
    this.q = q;
    this.lMinusI = lMinusI;
    this.rank = rank;
    this.logDet = logDet;
    this.w = new Float64Array(rank);
    this.v = new Float64Array(rank);
  }

  get dim(): number {
    return this.mu.length;
  }

  /**
   * The approximation at θ with log-density gradient ∇log p(θ) = grad and the curvature history h; null when
   * I + R̃γR̃ᵀ is not numerically positive definite (the point is then skipped, as an ELBO of −∞).
   */
  static at(theta: Float64Array, grad: Float64Array, h: CurvatureHistory): BfgsNormal | null {
    const d = h.dim;
    const m = h.count;
    const r = 2 * m;
    const alpha = Float64Array.from(h.alpha);
    const sqrtAlpha = alpha.map(Math.sqrt);
    // β = [S, diag(α) Y], columns one after another
    const beta = new Float64Array(d * r);
    for (let k = 0; k < m; k++) {
      for (let i = 0; i < d; i++) {
        beta[k * d + i] = h.s[k * d + i];
        beta[(m + k) * d + i] = alpha[i] * h.y[k * d + i];
      }
    }
    const gamma = compactGamma(h, alpha);
    // μ = θ + diag(α) g + β γ βᵀ g
    const mu = new Float64Array(d);
    const bg = new Float64Array(r);
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += beta[j * d + i] * grad[i];
      bg[j] = s;
    }
    const gbg = new Float64Array(r);
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += gamma[j * r + k] * bg[k];
      gbg[j] = s;
    }
    for (let i = 0; i < d; i++) {
      let s = theta[i] + alpha[i] * grad[i];
      for (let j = 0; j < r; j++) s += beta[j * d + i] * gbg[j];
      mu[i] = s;
    }
    // thin QR of diag(α)^(−1/2) β
    for (let j = 0; j < r; j++) for (let i = 0; i < d; i++) beta[j * d + i] /= sqrtAlpha[i];
    const { q, r: rt } = thinQr(beta, d, r);
    // I + R̃ γ R̃ᵀ and its Cholesky factor
    const mid = new Float64Array(r * r);
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        let s = 0;
        for (let a = i; a < r; a++) for (let b = j; b < r; b++) s += rt[i * r + a] * gamma[a * r + b] * rt[j * r + b];
        mid[i * r + j] = (i === j ? 1 : 0) + s;
      }
    }
    // symmetrise (rounding)
    for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) mid[i * r + j] = mid[j * r + i] = 0.5 * (mid[i * r + j] + mid[j * r + i]);
    const chol = new Float64Array(r * r);
    if (r > 0 && choleskyLower(mid, r, chol) >= 0) return null;
    let logDet = 0;
    for (let i = 0; i < d; i++) logDet += pm.log(alpha[i]);
    for (let j = 0; j < r; j++) {
      logDet += 2 * pm.log(chol[j * r + j]);
      chol[j * r + j] -= 1;
    }
    for (let i = 0; i < d; i++) if (!Number.isFinite(mu[i])) return null;
    if (!Number.isFinite(logDet)) return null;
    return new BfgsNormal(mu, sqrtAlpha, q, chol, r, logDet);
  }

  /** Draws φ ~ q into out[off … off + d) from rng; returns log q(φ). `u` is scratch of d entries. */
  draw(rng: Rng, out: Float64Array, off: number, u: Float64Array): number {
    const d = this.dim;
    const r = this.rank;
    const { q, w, v } = this;
    let uu = 0;
    for (let i = 0; i < d; i++) {
      const x = rng.normal();
      u[i] = x;
      uu += x * x;
    }
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += q[j * d + i] * u[i];
      w[j] = s;
    }
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += this.lMinusI[j * r + k] * w[k];
      v[j] = s;
    }
    for (let i = 0; i < d; i++) {
      let s = u[i];
      for (let j = 0; j < r; j++) s += q[j * d + i] * v[j];
      out[off + i] = this.mu[i] + this.sqrtAlpha[i] * s;
    }
    return -0.5 * (d * LOG_2PI + this.logDet + uu);
  }

  /** The diagonal of Σ (the approximation's variances). */
  variances(): Float64Array {
    const d = this.dim;
    const r = this.rank;
    // Σ_ii = α_i (1 + Σ_j (Q (LLᵀ − I) Qᵀ)_ii) with LLᵀ − I = (L−I) + (L−I)ᵀ + (L−I)(L−I)ᵀ
    const lli = new Float64Array(r * r);
    const b = this.lMinusI;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        let s = b[i * r + j] + b[j * r + i];
        for (let k = 0; k < r; k++) s += b[i * r + k] * b[j * r + k];
        lli[i * r + j] = s;
      }
    }
    const out = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = 1;
      for (let a = 0; a < r; a++) {
        const qa = this.q[a * d + i];
        if (qa === 0) continue;
        for (let c = 0; c < r; c++) s += qa * lli[a * r + c] * this.q[c * d + i];
      }
      out[i] = this.sqrtAlpha[i] * this.sqrtAlpha[i] * s;
    }
    return out;
  }
}

/** γ of the compact inverse-BFGS form (2m × 2m row-major) for the pairs of h and H₀ = diag(α). */
export function compactGamma(h: CurvatureHistory, alpha: Float64Array): Float64Array {
  const d = h.dim;
  const m = h.count;
  const r = 2 * m;
  const dot = (a: Float64Array, ao: number, b: Float64Array, bo: number, w?: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < d; i++) s += a[ao + i] * b[bo + i] * (w ? w[i] : 1);
    return s;
  };
  // Rinv = R⁻¹ (upper triangular), R_ij = s_iᵀ y_j for i ≤ j
  const R = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = i; j < m; j++) R[i * m + j] = dot(h.s, i * d, h.y, j * d);
  const Rinv = new Float64Array(m * m);
  for (let j = 0; j < m; j++) {
    // solve R x = e_j by back substitution
    for (let i = m - 1; i >= 0; i--) {
      let s = i === j ? 1 : 0;
      for (let k = i + 1; k < m; k++) s -= R[i * m + k] * Rinv[k * m + j];
      Rinv[i * m + j] = s / R[i * m + i];
    }
  }
  // E + Yᵀ diag(α) Y
  const mid = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) mid[i * m + j] = dot(h.y, i * d, h.y, j * d, alpha) + (i === j ? R[i * m + i] : 0);
  }
  const gamma = new Float64Array(r * r);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      // top-left: R⁻ᵀ mid R⁻¹
      let s = 0;
      for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) s += Rinv[a * m + i] * mid[a * m + b] * Rinv[b * m + j];
      gamma[i * r + j] = s;
      gamma[i * r + (m + j)] = -Rinv[j * m + i]; // −R⁻ᵀ
      gamma[(m + i) * r + j] = -Rinv[i * m + j]; // −R⁻¹
    }
  }
  return gamma;
}
