/**
 * A response family: the log-likelihood of one row given its linear predictor η (and the family's auxiliary
 * parameters), with its derivatives. src/model/density.ts sums it over rows and chains η back to the coefficients;
 * every TypeScript code path that needs p(y_i | η_i) (the reference backend, the pointwise log-likelihood) goes
 * through a FamilyModule, so a new family is one module here plus its small kernel function in native/ and shaders/.
 *
 * Conventions: log-likelihoods are normalised (constants such as log C(n, y) included), so the model's log density
 * is exact, not up to a constant. Auxiliary parameters (e.g. gaussian's sigma, negbinomial's shape) are passed on
 * their constrained scale in `aux`, in the order of `FamilyModule.aux`; derivatives with respect to them are on
 * that scale too (the caller applies its transform's chain rule and Jacobian).
 */
import type { Prior } from '../prior.js';
import type { ModelSpec } from '../spec.js';

/** The per-row data a family reads: outcome, trials (binomial) and the per-row constant log C(trials, y). */
export type FamilyRows = Pick<ModelSpec, 'y' | 'trials' | 'logChoose'>;

export type LinkName = 'logit' | 'probit' | 'identity' | 'log';

/** An auxiliary parameter of a family, named as brms names it. */
export interface AuxParameter {
  readonly name: string;
  /** Map from the unconstrained coordinate to the parameter: 'log' means value = exp(coordinate). */
  readonly transform: 'log';
  /**
   * Prior used when the user sets none, given the outcome's scale on the link scale (sd(y) for gaussian, sd(log y)
   * for lognormal, 1 for the log-link families; src/model/family-priors.ts).
   */
  defaultPrior(outcomeScale: number): Prior;
}

export interface FamilyModule {
  readonly name: string;
  readonly link: LinkName;
  /** Auxiliary parameters in the order `aux` arrays hold them; empty for bernoulli/binomial. */
  readonly aux: readonly AuxParameter[];
  /**
   * E[y | η, aux] for one trial: the inverse link (σ(η), Φ(η), η, e^η), and e^{η + σ²/2} for lognormal. A binomial
   * row's expected count is its trials times this. Used for scoring (src/decision/scoring.ts).
   */
  mean(eta: number, aux: ArrayLike<number>): number;
  /** log p(y_i | η, aux). */
  logLik(rows: FamilyRows, i: number, eta: number, aux: ArrayLike<number>): number;
  /** ∂ log p(y_i | η, aux) / ∂η. */
  dEta(rows: FamilyRows, i: number, eta: number, aux: ArrayLike<number>): number;
  /** ∂² log p(y_i | η, aux) / ∂η² (the negative observed information; used for curvature-based choices). */
  d2Eta(rows: FamilyRows, i: number, eta: number, aux: ArrayLike<number>): number;
  /** ∂ log p(y_i | η, aux) / ∂aux[a], on the constrained scale. */
  dAux(rows: FamilyRows, i: number, eta: number, aux: ArrayLike<number>, a: number): number;
  /**
   * The hot-loop form: Σ_{i ∈ [i0, i1)} log p(y_i | η_i, aux) returned, dEta[i − i0] = ∂/∂η_i written, and
   * Σ_i ∂/∂aux[a] added into gAux[a]. eta[i − i0] holds η_i. One call per block keeps the per-row work monomorphic.
   */
  logLikBlock(
    rows: FamilyRows,
    eta: Float64Array,
    i0: number,
    i1: number,
    aux: ArrayLike<number>,
    dEta: Float64Array,
    gAux: Float64Array,
  ): number;
}

/**
 * logLikBlock from the per-row functions, for families whose rows need no shared work between the log-likelihood and
 * its derivatives worth fusing by hand (the reference backend; the native and WGSL kernels have their own loops).
 */
export function rowwiseBlock(
  logLik: FamilyModule['logLik'],
  dEta: FamilyModule['dEta'],
  dAux: FamilyModule['dAux'],
  nAux: number,
): FamilyModule['logLikBlock'] {
  return (rows, eta, i0, i1, aux, dEtaOut, gAux) => {
    let sum = 0;
    for (let i = i0; i < i1; i++) {
      const h = eta[i - i0];
      sum += logLik(rows, i, h, aux);
      dEtaOut[i - i0] = dEta(rows, i, h, aux);
      for (let a = 0; a < nAux; a++) gAux[a] += dAux(rows, i, h, aux, a);
    }
    return sum;
  };
}
