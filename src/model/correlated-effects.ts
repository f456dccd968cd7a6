/**
 * The density of one correlated block of varying terms (src/model/spec.ts, CorrelatedBlock) on its unconstrained
 * coordinates: the m terms' effects per level r_k ∈ R^m ~ MVN(0, D Ω D), D = diag(sd), Ω = L Lᵀ ~ LKJ(η) with L from
 * the partial-correlation coordinates y (src/model/correlation.ts). The sd priors are not part of it (they are the
 * terms' own, as for independent terms).
 *
 * Non-centered (coordinates z_k, r_k = D L z_k):
 *   log p = Σ_k Σ_j log Normal(z_kj | 0, 1) + log p(y)
 *   ∂/∂z_kj = Σ_{i≥j} g_ki sd_i L_ij − z_kj,   ∂/∂log sd_i = Σ_k g_ki r_ki,   ∂/∂L_ij = Σ_k g_ki sd_i z_kj
 * Centered (coordinates r_k; a_k = D⁻¹ r_k, w_k = L⁻¹ a_k, q_k = L⁻ᵀ w_k):
 *   log p = Σ_k [−m log √(2π) − Σ_i log sd_i − Σ_i log L_ii − ½ |w_k|²] + log p(y)
 *   ∂/∂r_ki = g_ki − q_ki / sd_i,   ∂/∂log sd_i = Σ_k q_ki a_ki − K,   ∂/∂L_ij = Σ_k q_ki w_kj − [i = j] K / L_ii
 *   (d(−½|L⁻¹a|²) = wᵀ L⁻¹ dL w, so ∂/∂L = L⁻ᵀ w wᵀ on the lower triangle)
 * Split (the levels' mean vector non-centered, the deviations centered, as src/model/split.ts does for one term):
 *   per term i the K coordinates are (u_i, e_i,1 … e_i,K−1), r_i = μ_i/√K · 1 + Q e_i with μ = D L u; since the
 *   levels rotated by the orthogonal [1/√K, Q] are K independent MVN(0, Σ) vectors, √K·mean = μ and e_1 … e_{K−1},
 *   log p = log N(u | 0, I) + Σ_{j=1}^{K−1} log MVN(e_j | 0, Σ)  (the MVN density of μ times the Jacobian det(D L)
 *   of μ = D L u is N(u | 0, I)); the gradient pulls g back to (μ_i, e_i) (pullBackSplitGradient), then μ = D L u
 *   goes as one non-centered level and the e as centered levels.
 * where g_k = ∂f/∂r_k is the gradient of the rest of the log density (the likelihood) with respect to the effects,
 * and ∂/∂L goes to y by addCpcGradient. Cost O(K m²) per block and evaluation; scratch is allocated once per block.
 */
import { addCpcGradient, choleskyFromCpc, cpcLogPrior, lkjLogNormalizer } from './correlation.js';
import { pullBackSplitGradient, splitToEffects } from './split.js';
import { levelCount, type CorrelatedBlock, type ModelSpec } from './spec.js';
import * as pm from '../numeric/portable-math.js';

const LOG_SQRT_2PI = 0.5 * pm.log(2 * Math.PI);

/** Where a block's coordinates are (CorrelatedBlockDensity has these). */
export interface BlockCoordinates {
  readonly m: number;
  readonly K: number;
  readonly kind: 'centered' | 'noncentered' | 'split';
  readonly sdIndex: ArrayLike<number>;
  readonly offset: ArrayLike<number>;
  readonly cpcIndex: number;
}

/**
 * The effects of a block at the position theta[at …] — D L z_k (non-centered) or the coordinates (centered) — into
 * out[outAt + starts[i] + k] for term i and level k. `L` is m² scratch. When out is theta and starts are the offsets,
 * it works in place (rows from the bottom up read only z_j, j ≤ i, not yet overwritten). `L` (m²) and `sd` (m) are
 * scratch.
 */
export function writeBlockEffects(
  block: BlockCoordinates,
  theta: ArrayLike<number>,
  at: number,
  L: Float64Array,
  sd: Float64Array,
  out: Float64Array,
  outAt: number,
  starts: ArrayLike<number>,
): void {
  const { m, K, offset } = block;
  if (block.kind === 'centered') {
    for (let i = 0; i < m; i++) for (let k = 0; k < K; k++) out[outAt + starts[i] + k] = theta[at + offset[i] + k];
    return;
  }
  choleskyFromCpc(theta, at + block.cpcIndex, m, L);
  for (let i = 0; i < m; i++) sd[i] = pm.exp(theta[at + block.sdIndex[i]]);
  if (block.kind === 'split') {
    // μ = D L u (u_i the first coordinate of term i), then r_i = μ_i/√K·1 + Q e_i = splitToEffects(1, (u_i, e_i)) +
    // (μ_i − u_i)/√K; μ first, all of it, since in place the u are overwritten
    for (let i = m - 1; i >= 0; i--) {
      let mu = 0;
      for (let j = 0; j <= i; j++) mu += L[i * m + j] * theta[at + offset[j]];
      sd[i] *= mu; // sd now holds μ
    }
    for (let i = 0; i < m; i++) {
      const shift = (sd[i] - theta[at + offset[i]]) / Math.sqrt(K);
      splitToEffects(1, theta, at + offset[i], K, out, outAt + starts[i]);
      for (let k = 0; k < K; k++) out[outAt + starts[i] + k] += shift;
    }
    return;
  }
  for (let k = 0; k < K; k++) {
    for (let i = m - 1; i >= 0; i--) {
      let s = 0;
      for (let j = 0; j <= i; j++) s += L[i * m + j] * theta[at + offset[j] + k];
      out[outAt + starts[i] + k] = sd[i] * s;
    }
  }
}

/** The coordinates of block b of spec (for layout.ts and CorrelatedBlockDensity). */
export function blockCoordinates(spec: ModelSpec, block: CorrelatedBlock): BlockCoordinates {
  return {
    m: block.terms.length,
    K: levelCount(spec, block.terms[0]),
    kind: block.parameterization,
    sdIndex: Int32Array.from(block.terms, (t) => spec.terms[t].sdIndex),
    offset: Int32Array.from(block.terms, (t) => spec.terms[t].offset),
    cpcIndex: block.cpcIndex,
  };
}

export class CorrelatedBlockDensity implements BlockCoordinates {
  readonly m: number;
  readonly K: number;
  readonly kind: 'centered' | 'noncentered' | 'split';
  /** Positions of each term's log sd and first level coordinate. */
  readonly sdIndex: Int32Array;
  readonly offset: Int32Array;
  readonly cpcIndex: number;
  readonly eta: number;
  private readonly logNormalizer: number;
  /** Scratch, m² and m entries. */
  private readonly L: Float64Array;
  private readonly G: Float64Array;
  private readonly sd: Float64Array;
  private readonly v: Float64Array;
  private readonly w: Float64Array;
  private readonly g: Float64Array;

  constructor(spec: ModelSpec, block: CorrelatedBlock) {
    const m = block.terms.length;
    this.m = m;
    this.K = levelCount(spec, block.terms[0]);
    this.kind = block.parameterization;
    this.sdIndex = Int32Array.from(block.terms, (t) => spec.terms[t].sdIndex);
    this.offset = Int32Array.from(block.terms, (t) => spec.terms[t].offset);
    this.cpcIndex = block.cpcIndex;
    this.eta = block.eta;
    this.logNormalizer = lkjLogNormalizer(m, block.eta);
    this.L = new Float64Array(m * m);
    this.G = new Float64Array(m * m);
    this.sd = new Float64Array(m);
    this.v = new Float64Array(m);
    this.w = new Float64Array(m);
    this.g = new Float64Array(m);
  }

  /**
   * The effects r (at r[rAt + offset_i + k], the same layout as the coordinates) of the position theta[at …]:
   * D L z_k for a non-centered block, the coordinates themselves for a centered one.
   */
  effects(theta: ArrayLike<number>, at: number, r: Float64Array, rAt: number): void {
    writeBlockEffects(this, theta, at, this.L, this.sd, r, rAt, this.offset);
  }

  /**
   * Adds the block's log density at theta[at …] (module comment) and its gradient. On entry grad[gradAt + offset_i + k]
   * holds g_ki = ∂f/∂r_ki and r[rAt + offset_i + k] the effects (from `effects`); on return the former holds
   * ∂(f + log p)/∂(coordinate), and the block's parts of ∂/∂log sd_i and ∂/∂y are added into grad[gradAt + sdIndex_i]
   * and grad[gradAt + cpcIndex …]. Returns log p.
   */
  addLogDensity(theta: ArrayLike<number>, at: number, r: ArrayLike<number>, rAt: number, grad: Float64Array, gradAt: number): number {
    const { m, K, L, G, sd, v, g, offset } = this;
    choleskyFromCpc(theta, at + this.cpcIndex, m, L);
    G.fill(0);
    let lp = cpcLogPrior(theta, at + this.cpcIndex, m, this.eta, this.logNormalizer);
    for (let i = 0; i < m; i++) sd[i] = pm.exp(theta[at + this.sdIndex[i]]);
    // v accumulates ∂/∂log sd_i
    v.fill(0);
    if (this.kind === 'noncentered') {
      let sumSq = 0;
      for (let k = 0; k < K; k++) {
        for (let i = 0; i < m; i++) g[i] = grad[gradAt + offset[i] + k];
        for (let j = 0; j < m; j++) {
          const z = theta[at + offset[j] + k];
          sumSq += z * z;
          let s = 0;
          for (let i = j; i < m; i++) {
            s += g[i] * sd[i] * L[i * m + j];
            G[i * m + j] += g[i] * sd[i] * z;
          }
          grad[gradAt + offset[j] + k] = s - z;
        }
        for (let i = 0; i < m; i++) v[i] += g[i] * r[rAt + offset[i] + k];
      }
      lp += -0.5 * sumSq - K * m * LOG_SQRT_2PI;
    } else if (this.kind === 'centered') {
      lp += this.addMvnLevels(r, rAt, 0, grad, gradAt);
    } else {
      // split: per term (u_i, e_i) → r_i = μ_i/√K·1 + Q e_i with μ = D L u; pull g back to (μ_i, e_i) first
      for (let i = 0; i < m; i++) pullBackSplitGradient(1, 0, grad, gradAt + offset[i], K);
      // γ_i = ∂f/∂μ_i now sits at the u coordinate; μ = D L u as one non-centered level, u ~ Normal(0, I)
      for (let i = 0; i < m; i++) g[i] = grad[gradAt + offset[i]];
      let sumSq = 0;
      for (let j = 0; j < m; j++) {
        const u = theta[at + offset[j]];
        sumSq += u * u;
        let s = 0;
        for (let i = j; i < m; i++) {
          s += g[i] * sd[i] * L[i * m + j];
          G[i * m + j] += g[i] * sd[i] * u;
        }
        grad[gradAt + offset[j]] = s - u;
      }
      for (let i = 0; i < m; i++) {
        let mu = 0;
        for (let j = 0; j <= i; j++) mu += L[i * m + j] * theta[at + offset[j]];
        v[i] += g[i] * sd[i] * mu;
      }
      lp += -0.5 * sumSq - m * LOG_SQRT_2PI;
      // the deviations e_1 … e_{K−1} ~ MVN(0, Σ) (the Jacobian det(DL) of μ = D L u cancels the MVN of μ: module comment)
      lp += this.addMvnLevels(theta, at, 1, grad, gradAt);
    }
    for (let i = 0; i < m; i++) grad[gradAt + this.sdIndex[i]] += v[i];
    addCpcGradient(theta, at + this.cpcIndex, m, this.eta, L, G, grad, gradAt + this.cpcIndex);
    return lp;
  }

  /**
   * Σ_k log MVN(x_k | 0, D L Lᵀ D) over levels k = kFrom … K−1, x_ki = values[valuesAt + offset_i + k]; subtracts
   * its gradient's part D⁻¹ q_k from grad at the same positions and accumulates ∂/∂log sd (into v) and ∂/∂L (into G),
   * with L, sd, v and G set by addLogDensity.
   */
  private addMvnLevels(values: ArrayLike<number>, valuesAt: number, kFrom: number, grad: Float64Array, gradAt: number): number {
    const { m, K, L, G, sd, v, w, g, offset } = this;
    const count = K - kFrom;
    let sumLogSd = 0;
    let sumLogDiag = 0;
    for (let i = 0; i < m; i++) {
      sumLogSd += pm.log(sd[i]);
      sumLogDiag += pm.log(L[i * m + i]);
    }
    let sumSq = 0;
    for (let k = kFrom; k < K; k++) {
      // w = L⁻¹ a (forward substitution), a_i = x_ki / sd_i
      for (let i = 0; i < m; i++) {
        let s = values[valuesAt + offset[i] + k] / sd[i];
        for (let j = 0; j < i; j++) s -= L[i * m + j] * w[j];
        w[i] = s / L[i * m + i];
        sumSq += w[i] * w[i];
      }
      // q = L⁻ᵀ w (back substitution), kept in g
      for (let i = m - 1; i >= 0; i--) {
        let s = w[i];
        for (let j = i + 1; j < m; j++) s -= L[j * m + i] * g[j];
        g[i] = s / L[i * m + i];
      }
      for (let i = 0; i < m; i++) {
        const q = g[i];
        grad[gradAt + offset[i] + k] -= q / sd[i];
        v[i] += (q * values[valuesAt + offset[i] + k]) / sd[i];
        for (let j = 0; j <= i; j++) G[i * m + j] += q * w[j];
      }
    }
    for (let i = 0; i < m; i++) {
      v[i] -= count;
      G[i * m + i] -= count / L[i * m + i];
    }
    return -0.5 * sumSq - count * (m * LOG_SQRT_2PI + sumLogSd + sumLogDiag);
  }
}
