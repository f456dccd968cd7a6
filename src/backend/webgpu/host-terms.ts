/**
 * The float64 host side of the WebGPU backend: what goes to the device per chain (the coefficient vector
 * [b, r_0, r_1, …] on the constrained scale, so the device never exponentiates), and what comes back turned into the
 * log density and its gradient on the unconstrained scale: the likelihood sums from the device plus the priors, the
 * log-Jacobian of sd = exp(u) and the chain rule from r to z and log sd. Every piece of that math is
 * src/model/density.ts; the device computes only the family's rows (shaders/model.wgsl).
 */
import { addCoefficientGradient, addLevelPriors, addScalarPriors, loadCoefficients } from '../../model/density.js';
import type { ModelSpec } from '../../model/spec.js';

/** Writes the device parameters of position theta (b, then r_t per term) into out[outOffset …]. */
export function packParams(spec: ModelSpec, theta: Float64Array, out: Float32Array, outOffset: number): void {
  loadCoefficients(spec, theta, 0, out, outOffset);
}

/**
 * Likelihood sums of one chain as the device returns them: pairs (sum, compensation) per slot, starting at
 * sums[2 · base]. slot 0 log-likelihood, then slot 1 + c the derivative with respect to coefficient c of
 * packParams' layout (RowPlan: 1 + j fixed effect j, 1 + termROffset[t] + k level k of term t).
 */
export interface SlotSums {
  readonly sums: Float32Array;
  readonly base: number;
}

function slot(s: SlotSums, k: number): number {
  const at = 2 * (s.base + k);
  return s.sums[at] + s.sums[at + 1];
}

/**
 * Log density at theta; writes its gradient into g (length dim). `logChooseSum` is the data constant
 * sum_i log C(trials_i, y_i) (0 for Bernoulli). `gcoef` is scratch with one entry per coefficient
 * (RowPlan.paramsPerChain).
 */
export function assembleLogDensity(
  spec: ModelSpec,
  theta: Float64Array,
  s: SlotSums,
  logChooseSum: number,
  gcoef: Float64Array,
  g: Float64Array,
): number {
  for (let c = 0; c < gcoef.length; c++) gcoef[c] = slot(s, 1 + c);
  g.fill(0);
  const lp = slot(s, 0) + logChooseSum + addScalarPriors(spec, theta, 0, g) + addLevelPriors(spec, theta, 0, g);
  addCoefficientGradient(spec, theta, 0, gcoef, g);
  return lp;
}
