/**
 * The model's log density on the unconstrained scale (src/model/spec.ts), written once:
 *
 *   log p(θ) = Σ_j log p(b_j)                                   fixed-effect priors
 *            + Σ_t [log p(sd_t) + log sd_t]                     sd priors with the Jacobian of sd = exp(u)
 *            + Σ_t Σ_k log Normal(z_t[k] | 0, 1)  or  log Normal(r_t[k] | 0, sd_t)      level priors
 *            + Σ_a [log p(aux_a) + log aux_a]                   the family's sigma/shape, sampled as log aux_a
 *            + Σ_i log p(y_i | η_i, aux)                        the family (src/model/families/)
 *
 * with η = X b + Σ_t x_t ∘ r_t[group_t] (src/model/linear-predictor.ts) on the coefficient vector
 * c = [b, r_0, r_1, …], r_t = sd_t·z_t (non-centered) or the coordinates themselves (centered). The gradient goes
 * by the chain rule: ∂/∂η from the family, then ∂/∂c = (∂η/∂c)ᵀ ∂/∂η, then ∂/∂θ from c(θ) (addCoefficientGradient).
 *
 * The pieces are exported for the backends that compute part of the sum elsewhere: the native addon computes the
 * likelihood and level priors in C++ and adds addScalarPriors here; the WebGPU backend gets ∂/∂c from the device
 * and adds the priors and the pull-back here. ModelDensity is the whole sum in float64, the reference backend.
 * Split and folded terms and the fixed basis are coordinate maps around this (src/backend/split-terms.ts).
 */
import { familyModule } from './families/index.js';
import type { FamilyModule } from './families/family.js';
import { addLinearPredictorTranspose, coefficientStarts, linearPredictor } from './linear-predictor.js';
import { logScalePriorDlogDensity, logScalePriorLogDensity, priorConstant, priorDlogDensity, priorLogDensity } from './prior.js';
import { levelCount, type ModelSpec } from './spec.js';
import * as pm from '../numeric/portable-math.js';

const LOG_SQRT_2PI = 0.5 * pm.log(2 * Math.PI);

/**
 * priorConstant of every scalar prior of `spec`, in the order addScalarPriors and addAuxPriors read them: the fixed
 * effects', each term's sd, the family's auxiliary parameters. A backend computes them once (their logarithms and
 * log-gamma values cost more than the rest of those priors, per chain and gradient) and passes them to both.
 */
export function scalarPriorConstants(spec: ModelSpec): Float64Array {
  const priors = [...spec.fixed.priors, ...spec.terms.map((t) => t.sdPrior), ...(spec.aux ?? []).map((a) => a.prior)];
  return Float64Array.from(priors, priorConstant);
}

/**
 * The priors of the fixed effects and of every sd_t (on u = log sd_t, Jacobian included) at the position
 * theta[at …]; adds their gradient into grad[at …] and returns their sum. O(p + terms). `constants`:
 * scalarPriorConstants(spec), computed prior by prior when not given (the same bits either way).
 */
export function addScalarPriors(spec: ModelSpec, theta: Float64Array, at: number, grad: Float64Array, constants?: Float64Array): number {
  const priors = spec.fixed.priors;
  let lp = 0;
  for (let j = 0; j < priors.length; j++) {
    const b = theta[at + j];
    lp += priorLogDensity(priors[j], b, constants ? constants[j] : priorConstant(priors[j]));
    grad[at + j] += priorDlogDensity(priors[j], b);
  }
  for (let t = 0; t < spec.terms.length; t++) {
    const term = spec.terms[t];
    const u = theta[at + term.sdIndex];
    lp += logScalePriorLogDensity(term.sdPrior, u, constants ? constants[priors.length + t] : priorConstant(term.sdPrior));
    grad[at + term.sdIndex] += logScalePriorDlogDensity(term.sdPrior, u);
  }
  return lp;
}

/**
 * The level priors z_t[k] ~ Normal(0, 1) (non-centered) or r_t[k] ~ Normal(0, sd_t) (centered; none for a flat
 * term) at theta[at …];
 * adds their gradient (with respect to the levels and, for centered terms, log sd_t) into grad[at …].
 */
export function addLevelPriors(spec: ModelSpec, theta: Float64Array, at: number, grad: Float64Array): number {
  let lp = 0;
  for (let t = 0; t < spec.terms.length; t++) {
    const term = spec.terms[t];
    if (term.flat) continue;
    const K = levelCount(spec, t);
    const first = at + term.offset;
    let sumSq = 0;
    if (term.parameterization === 'noncentered') {
      for (let k = 0; k < K; k++) {
        const z = theta[first + k];
        sumSq += z * z;
        grad[first + k] -= z;
      }
      lp += -0.5 * sumSq - K * LOG_SQRT_2PI;
    } else {
      const u = theta[at + term.sdIndex];
      const sd = pm.exp(u);
      for (let k = 0; k < K; k++) {
        const w = theta[first + k] / sd;
        sumSq += w * w;
        grad[first + k] -= w / sd;
      }
      lp += -0.5 * sumSq - K * (u + LOG_SQRT_2PI);
      grad[at + term.sdIndex] += sumSq - K;
    }
  }
  return lp;
}

/** The family's auxiliary parameters aux_a = exp(theta[at + index_a]) into `aux`. */
export function loadAux(spec: ModelSpec, theta: Float64Array, at: number, aux: Float64Array): void {
  const coords = spec.aux ?? [];
  for (let a = 0; a < coords.length; a++) aux[a] = pm.exp(theta[at + coords[a].index]);
}

/**
 * The priors of the auxiliary parameters on their log scale (Jacobian included) at theta[at …], their gradient
 * added into grad[at …]; also loads aux (as loadAux). Returns their sum. `constants`: scalarPriorConstants(spec), as
 * for addScalarPriors.
 */
export function addAuxPriors(spec: ModelSpec, theta: Float64Array, at: number, grad: Float64Array, aux: Float64Array, constants?: Float64Array): number {
  const coords = spec.aux ?? [];
  const first = spec.fixed.priors.length + spec.terms.length;
  let lp = 0;
  for (let a = 0; a < coords.length; a++) {
    const u = theta[at + coords[a].index];
    aux[a] = pm.exp(u);
    lp += logScalePriorLogDensity(coords[a].prior, u, constants ? constants[first + a] : priorConstant(coords[a].prior));
    grad[at + coords[a].index] += logScalePriorDlogDensity(coords[a].prior, u);
  }
  return lp;
}

/** Chain rule for aux = exp(u): ∂/∂u = aux·∂/∂aux, added into grad[at + index_a]. */
export function addAuxGradient(spec: ModelSpec, at: number, aux: Float64Array, gAux: Float64Array, grad: Float64Array): void {
  const coords = spec.aux ?? [];
  for (let a = 0; a < coords.length; a++) grad[at + coords[a].index] += aux[a] * gAux[a];
}

/**
 * The coefficient vector c = [b, r_0, r_1, …] of the position theta[at …], written to out[outAt …]:
 * r_t = sd_t·z_t (non-centered) or the coordinates (centered). Float32 `out` for the WebGPU upload.
 */
export function loadCoefficients(spec: ModelSpec, theta: Float64Array, at: number, out: Float64Array | Float32Array, outAt: number): void {
  const p = spec.fixed.names.length;
  let o = outAt;
  for (let j = 0; j < p; j++) out[o++] = theta[at + j];
  for (let t = 0; t < spec.terms.length; t++) {
    const term = spec.terms[t];
    const K = levelCount(spec, t);
    const scale = term.parameterization === 'noncentered' ? pm.exp(theta[at + term.sdIndex]) : 1;
    const first = at + term.offset;
    for (let k = 0; k < K; k++) out[o++] = scale * theta[first + k];
  }
}

/**
 * Chain rule from ∂/∂c (gcoef, in loadCoefficients' layout) to the unconstrained coordinates, added into
 * grad[at …]: b directly; non-centered r_t = sd·z gives ∂/∂z_k = sd·∂/∂r_k and ∂/∂log sd = Σ_k sd·z_k·∂/∂r_k;
 * centered r_t are coordinates.
 */
export function addCoefficientGradient(spec: ModelSpec, theta: Float64Array, at: number, gcoef: Float64Array, grad: Float64Array): void {
  const p = spec.fixed.names.length;
  for (let j = 0; j < p; j++) grad[at + j] += gcoef[j];
  let c = p;
  for (let t = 0; t < spec.terms.length; t++) {
    const term = spec.terms[t];
    const K = levelCount(spec, t);
    const first = at + term.offset;
    if (term.parameterization === 'noncentered') {
      const sd = pm.exp(theta[at + term.sdIndex]);
      let gu = 0;
      for (let k = 0; k < K; k++) {
        const gr = gcoef[c + k];
        grad[first + k] += sd * gr;
        gu += theta[first + k] * gr;
      }
      grad[at + term.sdIndex] += sd * gu;
    } else {
      for (let k = 0; k < K; k++) grad[first + k] += gcoef[c + k];
    }
    c += K;
  }
}

/**
 * The whole log density and its gradient for a batch of positions, in float64 with buffers allocated once (the
 * reference backend). Not for split/folded terms or a fixed basis (mapped around it by src/backend/split-terms.ts).
 */
export class ModelDensity {
  readonly dim: number;
  readonly family: FamilyModule;
  private readonly rStart: Int32Array;
  private readonly coef: Float64Array;
  private readonly gcoef: Float64Array;
  private readonly eta: Float64Array;
  private readonly dEta: Float64Array;
  /** The family's auxiliary parameters (constrained) and their gradient, per evaluation. */
  private readonly aux: Float64Array;
  private readonly gAux: Float64Array;
  /** scalarPriorConstants(spec). */
  private readonly priorConstants: Float64Array;

  constructor(readonly spec: ModelSpec) {
    this.dim = spec.dim;
    this.family = familyModule(spec.family, spec.link);
    const { rStart, size } = coefficientStarts(spec);
    this.rStart = rStart;
    this.coef = new Float64Array(size);
    this.gcoef = new Float64Array(size);
    this.eta = new Float64Array(spec.n);
    this.dEta = new Float64Array(spec.n);
    this.aux = new Float64Array(this.family.aux.length);
    this.gAux = new Float64Array(this.family.aux.length);
    this.priorConstants = scalarPriorConstants(spec);
  }

  /**
   * Log density of each of nChains positions (row-major, dim each) into logp (−Infinity where not finite), the
   * gradient into grad; chains with active[c] = 0 are skipped.
   */
  logDensityGradient(positions: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array): void {
    for (let c = 0; c < nChains; c++) {
      if (active && !active[c]) continue;
      const lp = this.evaluate(positions, c * this.dim, grad);
      logp[c] = Number.isFinite(lp) ? lp : -Infinity;
    }
  }

  /** Log density at positions[at …]; writes its gradient over grad[at … at + dim). */
  evaluate(positions: Float64Array, at: number, grad: Float64Array): number {
    const { spec, eta, dEta, gcoef } = this;
    grad.fill(0, at, at + this.dim);
    let lp = addScalarPriors(spec, positions, at, grad, this.priorConstants) + addLevelPriors(spec, positions, at, grad);
    lp += addAuxPriors(spec, positions, at, grad, this.aux, this.priorConstants);
    loadCoefficients(spec, positions, at, this.coef, 0);
    linearPredictor(spec, this.coef, this.rStart, 0, spec.n, eta);
    this.gAux.fill(0);
    lp += this.family.logLikBlock(spec, eta, 0, spec.n, this.aux, dEta, this.gAux);
    addAuxGradient(spec, at, this.aux, this.gAux, grad);
    gcoef.fill(0);
    addLinearPredictorTranspose(spec, dEta, 0, spec.n, this.rStart, gcoef);
    addCoefficientGradient(spec, positions, at, gcoef, grad);
    return lp;
  }

  /** out[s · rowCount + j] = log p(y_i | θ_s) for rows i = rowStart + j and draws s (row-major, dim each). */
  pointwiseLogLik(draws: Float64Array, nDraws: number, rowStart: number, rowCount: number, out: Float64Array): void {
    const { spec, eta, family } = this;
    if (!(rowStart >= 0 && rowCount >= 0 && rowStart + rowCount <= spec.n)) {
      throw new RangeError(`rows [${rowStart}, ${rowStart + rowCount}) outside 0…${spec.n}`);
    }
    for (let s = 0; s < nDraws; s++) {
      loadAux(spec, draws, s * this.dim, this.aux);
      loadCoefficients(spec, draws, s * this.dim, this.coef, 0);
      linearPredictor(spec, this.coef, this.rStart, rowStart, rowStart + rowCount, eta);
      const row = s * rowCount;
      for (let j = 0; j < rowCount; j++) out[row + j] = family.logLik(spec, rowStart + j, eta[j], this.aux);
    }
  }
}
