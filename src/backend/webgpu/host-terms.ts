/**
 * The float64 host side of the WebGPU backend: what goes to the device per chain (the coefficient vector
 * [b, r_0, r_1, …] on the constrained scale, so the device never exponentiates, then the family's per-chain values),
 * and what comes back turned into the log density and its gradient on the unconstrained scale: the likelihood sums
 * from the device plus the family's host-side constants (family-host.ts), the priors, the log-Jacobians of
 * sd = exp(u) and aux = exp(u), and the chain rule from r to z and log sd. Every piece of the density's math is
 * src/model/density.ts; the device computes only the family's rows (shaders/families/, shaders/model.wgsl).
 */
import {
  addAuxGradient,
  addAuxPriors,
  addCoefficientGradient,
  addLevelPriors,
  addScalarPriors,
  scalarPriorConstants,
  loadAux,
  loadCoefficients,
} from '../../model/density.js';
import type { ModelSpec } from '../../model/spec.js';
import type { DeviceFamily } from './family-host.js';

/** Per-backend float64 scratch for one chain at a time: ∂/∂coefficient sums, aux, ∂/∂aux, the family's chain sums. */
export interface HostScratch {
  readonly gcoef: Float64Array;
  readonly aux: Float64Array;
  readonly gAux: Float64Array;
  readonly chainSums: Float64Array;
  /** scalarPriorConstants(spec). */
  readonly priorConstants: Float64Array;
}

export function hostScratch(spec: ModelSpec, coefficients: number): HostScratch {
  const nAux = spec.aux?.length ?? 0;
  return {
    gcoef: new Float64Array(coefficients),
    aux: new Float64Array(nAux),
    gAux: new Float64Array(nAux),
    chainSums: new Float64Array(2),
    priorConstants: scalarPriorConstants(spec),
  };
}

/**
 * Writes the device parameters of position theta into out[outOffset …]: b, then r_t per term (`coefficients`
 * values), then the family's per-chain values. `aux` is scratch (the constrained auxiliary parameters).
 */
export function packParams(
  spec: ModelSpec,
  family: DeviceFamily,
  coefficients: number,
  theta: Float64Array,
  aux: Float64Array,
  out: Float32Array,
  outOffset: number,
): void {
  loadCoefficients(spec, theta, 0, out, outOffset);
  if (family.chainValueCount > 0) {
    loadAux(spec, theta, 0, aux);
    family.packChain(aux, out, outOffset + coefficients);
  }
}

/**
 * Likelihood sums of one chain as the device returns them: pairs (sum, compensation) per slot, starting at
 * sums[2 · base]. slot 0 log-likelihood, then slot 1 + c the derivative with respect to coefficient c of
 * packParams' layout (RowPlan: 1 + j fixed effect j, 1 + termROffset[t] + k level k of term t), then, for a family
 * with an auxiliary parameter, slot 1 + coefficients its derivative (of the device's part of the rows).
 */
export interface SlotSums {
  readonly sums: Float32Array;
  readonly base: number;
}

function slot(s: SlotSums, k: number): number {
  const at = 2 * (s.base + k);
  return s.sums[at] + s.sums[at + 1];
}

/** Log density at theta; writes its gradient into g (length dim). */
export function assembleLogDensity(
  spec: ModelSpec,
  family: DeviceFamily,
  theta: Float64Array,
  s: SlotSums,
  scratch: HostScratch,
  g: Float64Array,
): number {
  const { gcoef, aux, gAux, chainSums, priorConstants } = scratch;
  for (let c = 0; c < gcoef.length; c++) gcoef[c] = slot(s, 1 + c);
  g.fill(0);
  let lp = slot(s, 0) + family.rowConstantSum + addScalarPriors(spec, theta, 0, g, priorConstants) + addLevelPriors(spec, theta, 0, g);
  if (family.hasAux) {
    lp += addAuxPriors(spec, theta, 0, g, aux, priorConstants);
    family.chainSums(aux, chainSums);
    lp += chainSums[0];
    gAux[0] = slot(s, 1 + gcoef.length) + chainSums[1];
    addAuxGradient(spec, 0, aux, gAux, g);
  }
  addCoefficientGradient(spec, theta, 0, gcoef, g);
  return lp;
}
