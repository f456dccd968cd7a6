/**
 * The float64 host side of the WebGPU backend: what goes to the device per chain (b and the group effects r on the
 * constrained scale, so the device never exponentiates), and what comes back turned into the log density and its
 * gradient on the unconstrained scale: the likelihood sums from the device plus the priors, the log-Jacobian of
 * sd = exp(u) and the chain rule from r to z and log sd (see src/model/spec.ts).
 */
import { priorDlogDensity, priorLogDensity } from '../../model/prior.js';
import { levelCount, type ModelSpec } from '../../model/spec.js';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Writes the device parameters of position theta (b, then r_t per term) into out[outOffset …]. */
export function packParams(spec: ModelSpec, theta: Float64Array, out: Float32Array, outOffset: number): void {
  const p = spec.fixed.names.length;
  let o = outOffset;
  for (let j = 0; j < p; j++) out[o++] = theta[j];
  for (let t = 0; t < spec.terms.length; t++) {
    const term = spec.terms[t];
    const K = levelCount(spec, t);
    const scale = term.parameterization === 'noncentered' ? Math.exp(theta[term.sdIndex]) : 1;
    for (let k = 0; k < K; k++) out[o++] = scale * theta[term.offset + k];
  }
}

/**
 * Likelihood sums of one chain as the device returns them: pairs (sum, compensation) per slot, starting at
 * sums[2 · base]. slot 0 log-likelihood, 1 + j fixed effect j, 1 + termROffset[t] + k level k of term t.
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
 * sum_i log C(trials_i, y_i) (0 for Bernoulli). `termROffset` as in RowPlan.
 */
export function assembleLogDensity(
  spec: ModelSpec,
  theta: Float64Array,
  s: SlotSums,
  logChooseSum: number,
  termROffset: readonly number[],
  g: Float64Array,
): number {
  const p = spec.fixed.names.length;
  let lp = slot(s, 0) + logChooseSum;
  for (let j = 0; j < p; j++) {
    const prior = spec.fixed.priors[j];
    lp += priorLogDensity(prior, theta[j]);
    g[j] = slot(s, 1 + j) + priorDlogDensity(prior, theta[j]);
  }
  for (let t = 0; t < spec.terms.length; t++) {
    const term = spec.terms[t];
    const K = levelCount(spec, t);
    const u = theta[term.sdIndex];
    const sd = Math.exp(u);
    lp += priorLogDensity(term.sdPrior, sd) + u;
    let gu = priorDlogDensity(term.sdPrior, sd) * sd + 1;
    const first = 1 + termROffset[t];
    let sumSq = 0;
    if (term.parameterization === 'noncentered') {
      // z_k ~ Normal(0, 1); r_k = sd · z_k, so d/dz_k = sd · dL/dr_k and d/du gains sum_k r_k · dL/dr_k
      for (let k = 0; k < K; k++) {
        const z = theta[term.offset + k];
        const dr = slot(s, first + k);
        sumSq += z * z;
        g[term.offset + k] = sd * dr - z;
        gu += sd * z * dr;
      }
      lp += -0.5 * sumSq - K * LOG_SQRT_2PI;
    } else {
      // r_k ~ Normal(0, sd)
      for (let k = 0; k < K; k++) {
        const r = theta[term.offset + k];
        const w = r / sd;
        sumSq += w * w;
        g[term.offset + k] = slot(s, first + k) - w / sd;
      }
      lp += -0.5 * sumSq - K * (u + LOG_SQRT_2PI);
      gu += sumSq - K;
    }
    g[term.sdIndex] = gu;
  }
  return lp;
}
