/**
 * The coordinates NUTS moves in for the BG/NBD + Gamma-Gamma model (clv-model.ts): a reparameterisation of the same
 * density, so the model, its priors and its outputs (r, α, a, b, p, q, γ, σ_purchase, σ_spend) do not change.
 *
 * With v = ln θ − ln center for the seven population parameters (ln(q − 1) for q), the prior is v_g ~ Normal(0, σ_g² I)
 * within each sub-model g (purchase: r, α, a, b; spend: p, q, γ), so any orthonormal rotation w = Qᵀ v keeps it
 * Normal(0, σ_g² I). Q (block-diagonal by sub-model) turns the coordinates toward the directions the data inform
 * separately (ln r and ln α move together at a fixed purchase rate r/α, ln a and ln b at a fixed drop-out mean), and
 * along each the log-likelihood is taken as Gaussian with precision π_j and precision-weighted centre β_j (curvature.ts).
 * Given σ, w_j's conditional posterior is then Normal(m_j, s_j²) with 1/s_j² = 1/σ² + π_j and m_j = s_j² β_j, and the
 * sampler's coordinate is that standardisation, w_j = m_j(σ) + s_j(σ) u_j: non-centred where the data say little
 * (π_j → 0: w_j = σ u_j), centred on the data where they say much (s_j → π_j^{−1/2}), and in between for every σ, so
 * a small σ opens no funnel and a large one no inverted funnel (the partial non-centring of Papaspiliopoulos, Roberts &
 * Sköld 2007, Statist. Sci. 22(1), with a weight that follows σ). The sampler's coordinates are u_0 … u_6,
 * ln σ_purchase, ln σ_spend; the map is triangular (w from u given σ), so with det Q = ±1
 *   log |J| = Σ_k ln(θ_k − shift_k) + Σ_g ln σ_g + Σ_j ln s_j(σ_g(j)).
 * Scratch vectors belong to the instance: constrain and chainGradient do not allocate.
 */
import type { ParameterMap } from '../density-model/types.js';

/** Sub-model of each of the seven population parameters (0 purchase, 1 spend) and the offset of q's lower bound. */
const GROUP = [0, 0, 0, 0, 1, 1, 1] as const;
const SHIFT = [0, 0, 0, 0, 0, 1, 0] as const;
const P = 7;

export interface ClvCoordinates {
  /** 7 × 7 row-major, orthonormal and block-diagonal (rows/columns 0–3 and 4–6); column j is direction j in v. */
  readonly rotation: Float64Array;
  /** π_j ≥ 0: the log-likelihood's precision along direction j (0: the data say nothing). */
  readonly precision: Float64Array;
  /** β_j: π_j times the log-likelihood's centre along direction j (finite where π_j = 0). */
  readonly pull: Float64Array;
}

/** The identity rotation with no data information: every log parameter non-centred, v_k = σ u_k. */
export function nonCentredCoordinates(): ClvCoordinates {
  const rotation = new Float64Array(P * P);
  for (let k = 0; k < P; k++) rotation[k * P + k] = 1;
  return { rotation, precision: new Float64Array(P), pull: new Float64Array(P) };
}

export class ClvParameterMap implements ParameterMap {
  readonly dim = 9;
  readonly constrainedDim = 9;
  private readonly w = new Float64Array(P);
  private readonly gv = new Float64Array(P);

  /** logCenter: ln r, ln α, ln a, ln b, ln p, ln(q − 1), ln γ of the prior centers. */
  constructor(
    private readonly logCenter: Float64Array,
    readonly coordinates: ClvCoordinates,
  ) {
    const { rotation, precision, pull } = coordinates;
    if (logCenter.length !== P || rotation.length !== P * P || precision.length !== P || pull.length !== P) {
      throw new Error('ClvParameterMap: 7 centers, a 7 × 7 rotation, 7 precisions and 7 pulls');
    }
    for (let i = 0; i < P; i++) {
      if (!(precision[i] >= 0 && Number.isFinite(precision[i]) && Number.isFinite(pull[i]))) {
        throw new Error(`ClvParameterMap: precision ${precision[i]} and pull ${pull[i]} of direction ${i} must be finite, the precision ≥ 0`);
      }
      for (let j = 0; j < P; j++) {
        let dot = 0;
        for (let k = 0; k < P; k++) dot += rotation[k * P + i] * rotation[k * P + j];
        if (Math.abs(dot - (i === j ? 1 : 0)) > 1e-9 || (GROUP[i] !== GROUP[j] && rotation[i * P + j] !== 0)) {
          throw new Error('ClvParameterMap: the rotation must be orthonormal and block-diagonal by sub-model');
        }
      }
    }
  }

  constrain(u: Float64Array, x: Float64Array): number {
    const { w, logCenter } = this;
    const { rotation, precision, pull } = this.coordinates;
    x[7] = Math.exp(u[7]);
    x[8] = Math.exp(u[8]);
    let logJ = u[7] + u[8];
    for (let j = 0; j < P; j++) {
      const at = GROUP[j] === 0 ? 7 : 8;
      // 1/s² = 1/σ² + π = (1 + π σ²)/σ²
      const q = 1 + precision[j] * x[at] * x[at];
      const s = x[at] / Math.sqrt(q);
      w[j] = s * s * pull[j] + s * u[j];
      logJ += Math.log(s);
    }
    for (let k = 0; k < P; k++) {
      let v = 0;
      for (let j = 0; j < P; j++) v += rotation[k * P + j] * w[j];
      const lnTheta = logCenter[k] + v;
      x[k] = SHIFT[k] + Math.exp(lnTheta);
      logJ += lnTheta;
    }
    return logJ;
  }

  chainGradient(u: Float64Array, x: Float64Array, gx: Float64Array, gu: Float64Array): void {
    const { gv } = this;
    const { rotation, precision, pull } = this.coordinates;
    // ∂/∂v_k of log p + log |J|: x_k − shift_k = exp(…), plus 1 from the Jacobian's ln θ_k
    for (let k = 0; k < P; k++) gv[k] = gx[k] * (x[k] - SHIFT[k]) + 1;
    gu[7] = gx[7] * x[7] + 1;
    gu[8] = gx[8] * x[8] + 1;
    for (let j = 0; j < P; j++) {
      let gw = 0;
      for (let k = 0; k < P; k++) gw += rotation[k * P + j] * gv[k];
      const at = GROUP[j] === 0 ? 7 : 8;
      const sigma = x[at];
      const s = sigma / Math.sqrt(1 + precision[j] * sigma * sigma);
      // with ℓ = ln σ: ∂s/∂ℓ = s³/σ², ∂m/∂ℓ = ∂(s² β)/∂ℓ = 2 β s⁴/σ², ∂ ln s/∂ℓ = s²/σ²
      const ratio = (s * s) / (sigma * sigma);
      gu[j] = gw * s;
      gu[at] += gw * (2 * pull[j] * s * s + s * u[j]) * ratio + ratio;
    }
  }

  unconstrain(x: Float64Array, u: Float64Array): void {
    const { w, logCenter } = this;
    const { rotation, precision, pull } = this.coordinates;
    for (let k = 0; k < P; k++) w[k] = Math.log(x[k] - SHIFT[k]) - logCenter[k];
    u[7] = Math.log(x[7]);
    u[8] = Math.log(x[8]);
    for (let j = 0; j < P; j++) {
      let wj = 0;
      for (let k = 0; k < P; k++) wj += rotation[k * P + j] * w[k];
      const sigma = x[GROUP[j] === 0 ? 7 : 8];
      const s = sigma / Math.sqrt(1 + precision[j] * sigma * sigma);
      u[j] = (wj - s * s * pull[j]) / s;
    }
  }
}
