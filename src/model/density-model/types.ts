/**
 * Models beyond formulas (issue 19): a log density over a named, constrained parameter vector, written by hand for
 * small-data models (interrupted time series, BG/NBD + Gamma-Gamma, media mix) that need the sampler, diagnostics,
 * run layout and reports but not the row kernels. The framework (src/model/density-model/) maps each block to the
 * unconstrained space, adds the log-Jacobian and chains the gradient through the transform, evaluates C chains per
 * target call, and names the outputs; a model states only its parameters, its log density on the constrained scale
 * with the gradient there, and, where it has observations, their pointwise log-likelihood.
 */
import type { Rng } from '../../rng.js';

/** How a block's constrained values relate to the unconstrained coordinates the sampler moves in. */
export type Transform =
  /** x = u. */
  | { readonly kind: 'real' }
  /** x = lower + exp(u); `positive` is lower = 0. */
  | { readonly kind: 'positive' }
  | { readonly kind: 'lower'; readonly lower: number }
  /** x = lower + (upper − lower) · logistic(u); `unit` is (0, 1). */
  | { readonly kind: 'unit' }
  | { readonly kind: 'interval'; readonly lower: number; readonly upper: number }
  /** K values ≥ 0 summing to 1 from K − 1 coordinates (Stan's stick-breaking transform). */
  | { readonly kind: 'simplex' };

export interface ParameterBlock {
  /** Output name stem, a Stan identifier: `beta`, `sigma`, `decay`. */
  readonly name: string;
  /** Constrained values in the block (a simplex's K, not K − 1); 1 for a scalar. */
  readonly size: number;
  readonly transform: Transform;
  /**
   * Names of the block's elements (channel names, Fourier terms), one per value; absent: numbered 1…size. A scalar
   * block (size 1, no coordinates) is output under its bare name.
   */
  readonly coordinates?: readonly string[];
}

/** Derived values recorded with every draw (predictions, contributions, ROAS): names and how to compute them. */
export interface GeneratedQuantities {
  readonly names: readonly string[];
  /** Writes names.length values for one draw from its constrained parameters; rng for posterior-predictive noise. */
  compute(theta: Float64Array, out: Float64Array, rng: Rng): void;
}

/**
 * A model's own map between the sampler's unconstrained coordinates u (length dim) and its constrained vector x (length
 * constrainedDim, laid out as `parameters`), in place of the blocks' transforms: for reparameterisations that couple
 * blocks (a rotation of correlated parameters, a non-centred hierarchy) while the model's density stays written on
 * the constrained scale. DensityLayout is the default one.
 */
export interface ParameterMap {
  readonly dim: number;
  readonly constrainedDim: number;
  /** Writes x = T(u) and returns log |det ∂x/∂u|. */
  constrain(u: Float64Array, x: Float64Array): number;
  /** gu = J(u)ᵀ gx + ∇ᵤ log |J(u)|, from x = T(u) as constrain wrote it and gx = ∇ₓ log p(x). Must not allocate. */
  chainGradient(u: Float64Array, x: Float64Array, gx: Float64Array, gu: Float64Array): void;
  /** Writes u = T⁻¹(x); non-finite where x is outside the support. */
  unconstrain(x: Float64Array, u: Float64Array): void;
}

export interface DensityModel {
  /** What the model is, for fit.json and report headings: `its`, `bgnbd-gamma-gamma`, `mmm`. */
  readonly kind: string;
  /** Parameter blocks in order; the constrained vector lays them out block after block. */
  readonly parameters: readonly ParameterBlock[];
  /** Observations that have a pointwise log-likelihood (rows for LOO); 0 when the model has none. */
  readonly observations: number;
  /**
   * log prior + log likelihood at constrained values theta (up to a constant; no Jacobian: the framework adds it), and
   * its gradient with respect to theta written to grad (overwritten, same length). Returns −Infinity, never throws,
   * where the density is zero or not finite. Called once per chain per leapfrog round: it must not allocate.
   */
  logDensity(theta: Float64Array, grad: Float64Array): number;
  /** log p(y_i | theta) for every observation i, written to out (length observations); present when observations > 0. */
  pointwiseLogLik?(theta: Float64Array, out: Float64Array): void;
  readonly generated?: GeneratedQuantities;
  /** The map the sampler moves through (default: each block's transform, DensityLayout). */
  readonly parameterMap?: ParameterMap;
}
