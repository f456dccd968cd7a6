/**
 * The diagonal of the curvature −∇² log p at each chain's point, from gradients alone, for an initial diagonal metric
 * M⁻¹ᵢ = 1/hᵢ (a Gaussian's exactly; Laplace's approximation elsewhere) that does not depend on how the model is
 * written. Hutchinson-type estimator of a matrix diagonal with Rademacher probes (Bekas, Kokiopoulou & Saad 2007,
 * "An estimator for the diagonal of a matrix", Applied Numerical Mathematics 57(11–12), eq. 2), each product H v
 * taken as a finite difference of the gradient g = ∇ log p:
 *   hᵢ ≈ (1/K) Σₖ vₖᵢ · (gᵢ(q) − gᵢ(q + δ s ⊙ vₖ)) / (δ sᵢ),   vₖᵢ = ±1 with probability ½.
 * A probe's error on coordinate i is Σ_{j≠i} Hᵢⱼ sⱼ vⱼ / sᵢ, so with the scales s = 1/√h it is a sum of correlations
 * (Σⱼ ρᵢⱼ² in variance): the estimate runs in two passes, the first with s = 1 (a coordinate pinned by many rows
 * beside thousands of loosely held ones would otherwise swamp their estimate), the second with s = 1/√|h| from the
 * first. Exact for a Gaussian with independent coordinates from one probe; K probes per pass cost 2K gradients of
 * each chain, all chains in one target call per probe.
 * Where the curvature is not positive (outside the bulk log p need not be concave) |hᵢ| is used; a coordinate whose
 * estimate is 0 or not finite is left out (its slot in `inverse` keeps its value).
 */
import { MAX_INVERSE, MIN_INVERSE } from './fisher-metric.js';
import type { Rng } from '../../rng.js';
import type { LogDensityTarget } from '../nuts.js';
import type { ChainStates } from './step-size-init.js';

/** Probes per pass. */
export const CURVATURE_PROBES = 2;
/** Finite-difference step in the units of the pass's scales s (large enough for float32 gradients: WebGPU). */
export const CURVATURE_STEP = 1e-2;

/**
 * Writes 1/|hᵢ| (clamped to [MIN_INVERSE, MAX_INVERSE]) into `inverse` (C × d) for each chain and coordinate with a
 * usable estimate, from `states` (positions, gradients; left unchanged). `work` holds C × d probe positions and
 * gradients and C log densities. Adds each chain's gradient evaluations to gradientCount; returns the target calls.
 */
export async function curvatureInverseDiagonal(
  target: LogDensityTarget,
  nChains: number,
  states: ChainStates,
  rngs: readonly Rng[],
  inverse: Float64Array,
  work: { readonly q: Float64Array; readonly grad: Float64Array; readonly logp: Float64Array },
  gradientCount: Float64Array,
  probes = CURVATURE_PROBES,
): Promise<number> {
  const d = target.dim;
  const size = nChains * d;
  const scale = new Float64Array(size).fill(1);
  const sign = new Int8Array(size);
  const h = new Float64Array(size);
  const active = new Uint8Array(nChains).fill(1);
  let calls = 0;
  for (let pass = 0; pass < 2; pass++) {
    h.fill(0);
    for (let k = 0; k < probes; k++) {
      for (let c = 0; c < nChains; c++) {
        const rng = rngs[c];
        for (let i = c * d; i < (c + 1) * d; i++) {
          sign[i] = rng.uniform() < 0.5 ? -1 : 1;
          work.q[i] = states.q[i] + CURVATURE_STEP * scale[i] * sign[i];
        }
      }
      await target.logDensityGradient(work.q, nChains, work.logp, work.grad, active);
      calls++;
      for (let c = 0; c < nChains; c++) gradientCount[c]++;
      for (let i = 0; i < size; i++) h[i] += (sign[i] * (states.grad[i] - work.grad[i])) / (CURVATURE_STEP * scale[i]);
    }
    for (let i = 0; i < size; i++) {
      const a = Math.abs(h[i] / probes);
      if (pass === 0) {
        // the second pass's scale; a coordinate without a usable estimate keeps scale 1
        if (a > 0 && Number.isFinite(a)) scale[i] = Math.min(Math.max(1 / Math.sqrt(a), Math.sqrt(MIN_INVERSE)), Math.sqrt(MAX_INVERSE));
      } else {
        const v = 1 / a;
        if (v > 0 && Number.isFinite(v)) inverse[i] = Math.min(Math.max(v, MIN_INVERSE), MAX_INVERSE);
      }
    }
  }
  return calls;
}
