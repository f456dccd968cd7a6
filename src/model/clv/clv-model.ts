/**
 * BG/NBD purchases with Gamma-Gamma spend as a density model (issue 19): seven population parameters and two
 * hierarchical scales, the customers' pointwise log-likelihood (purchase + spend terms, for LOO) and three population
 * summaries per draw.
 *
 * Priors (stated in the README, "nutmeg clv"): each population parameter is log-normal around a center with a scale
 * shared by its sub-model, and each scale has a half-normal hyperprior:
 *   ln r, ln α, ln a, ln b        ~ Normal(ln center, σ_purchase),   σ_purchase ~ HalfNormal(1)
 *   ln p, ln(q − 1), ln γ         ~ Normal(ln center, σ_spend),      σ_spend    ~ HalfNormal(1)
 * q > 1 so that the mean spend p γ / (q − 1) is finite. Centers: r = 1, α = 10 weeks, a = 1, b = 3 (a mean purchase
 * rate of one per 10 weeks, a mean drop-out probability of ¼ per purchase); p = 2, q = 3 and γ = the mean repeat spend
 * of the data (so that the prior's mean spend p γ/(q − 1) is the data's, in any currency). Everything is on the
 * constrained scale. NUTS moves in rotated, partially non-centred coordinates fitted to the data (parameter-map.ts,
 * curvature.ts), a change of variables with its Jacobian: the same distribution, without the funnel that a small σ
 * opens in the plain log scale.
 */
import type { DensityModel, ParameterBlock } from '../density-model/types.js';
import { BgNbdLikelihood } from './bgnbd.js';
import { clvCoordinates } from './curvature.js';
import { GammaGammaLikelihood } from './gamma-gamma.js';
import { ClvParameterMap, type ClvCoordinates } from './parameter-map.js';
import type { RfmData } from './rfm-data.js';

/** The seven population parameters (α in weeks, γ in spend units), as values or as prior centers. */
export interface ClvPopulation {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

/** Prior centers: the prior on q is on ln(q − 1), so its center is above 1; γ's default is the data's mean repeat spend. */
export type ClvPriorCenters = ClvPopulation;

export interface ClvPriors {
  readonly centers: ClvPriorCenters;
  /** Half-normal scale of σ_purchase and σ_spend. */
  readonly hyperScale: number;
}

export const CLV_PARAMETER_NAMES = ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma', 'sigma_purchase', 'sigma_spend'] as const;

/** Index of each parameter in the constrained vector. */
export const CLV = { r: 0, alpha: 1, a: 2, b: 3, p: 4, q: 5, gamma: 6, sigmaPurchase: 7, sigmaSpend: 8 } as const;

/** The default priors for data whose mean repeat spend is `meanRepeatSpend` (1 where no customer repeats). */
export function defaultClvPriors(meanRepeatSpend: number): ClvPriors {
  const gamma = meanRepeatSpend > 0 && Number.isFinite(meanRepeatSpend) ? meanRepeatSpend : 1;
  return { centers: { r: 1, alpha: 10, a: 1, b: 3, p: 2, q: 3, gamma }, hyperScale: 1 };
}

/** Mean spend of the repeat purchases over the customers who have any (0 when none has). */
export function meanRepeatSpend(data: RfmData): number {
  let sum = 0;
  let k = 0;
  for (let i = 0; i < data.n; i++) {
    if (data.frequency[i] > 0) {
      sum += data.meanSpend[i];
      k++;
    }
  }
  return k > 0 ? sum / k : 0;
}

const positive = { kind: 'positive' } as const;

export function clvParameterBlocks(): ParameterBlock[] {
  return CLV_PARAMETER_NAMES.map((name) => ({
    name,
    size: 1,
    transform: name === 'q' ? ({ kind: 'lower', lower: 1 } as const) : positive,
  }));
}

/**
 * log density of ln(v) ~ Normal(μ, σ) for v = value − shift > 0, in terms of value (so with the 1/v of the change of
 * variables): −ln σ − (ln v − μ)²/(2σ²) − ln v. Adds ∂/∂value to grad[at] and ∂/∂σ to grad[sigmaAt].
 */
function logNormalTerm(value: number, shift: number, mu: number, sigma: number, grad: Float64Array, at: number, sigmaAt: number): number {
  const v = value - shift;
  const lv = Math.log(v);
  const z = (lv - mu) / sigma;
  grad[at] += (-z / sigma - 1) / v;
  grad[sigmaAt] += -1 / sigma + (z * z) / sigma;
  return -Math.log(sigma) - 0.5 * z * z - lv;
}

export interface ClvModelOptions {
  /**
   * Give the model its customers' pointwise log-likelihood (for LOO): the framework then keeps customers × draws
   * doubles. Default true; `nutmeg clv` turns it on with --loglik only.
   */
  readonly logLik?: boolean;
  /**
   * The sampler's coordinates (parameter-map.ts). Default: fitted to the data (curvature.ts); centredCoordinates()
   * gives the plain log scale of every parameter.
   */
  readonly coordinates?: ClvCoordinates;
}

/** The BG/NBD + Gamma-Gamma density model of `data` under `priors`. */
export function clvDensityModel(data: RfmData, priors: ClvPriors = defaultClvPriors(meanRepeatSpend(data)), options: ClvModelOptions = {}): DensityModel {
  const purchases = new BgNbdLikelihood(data);
  const spend = new GammaGammaLikelihood(data);
  const c = priors.centers;
  const mu = [Math.log(c.r), Math.log(c.alpha), Math.log(c.a), Math.log(c.b), Math.log(c.p), Math.log(c.q - 1), Math.log(c.gamma)];
  if (mu.some((m) => !Number.isFinite(m))) throw new Error(`clvDensityModel: prior centers ${JSON.stringify(c)} must be positive (q above 1)`);
  const hyper = priors.hyperScale;
  const withLogLik = options.logLik ?? true;
  return {
    kind: 'bgnbd-gamma-gamma',
    parameters: clvParameterBlocks(),
    parameterMap: new ClvParameterMap(Float64Array.from(mu), options.coordinates ?? clvCoordinates(data, priors)),
    observations: withLogLik ? data.n : 0,
    logDensity(theta: Float64Array, grad: Float64Array): number {
      grad.fill(0);
      const sp = theta[CLV.sigmaPurchase];
      const ss = theta[CLV.sigmaSpend];
      if (!(sp > 0 && ss > 0) || !(theta[CLV.q] > 1)) return -Infinity;
      let lp = -(sp * sp) / (2 * hyper * hyper) - (ss * ss) / (2 * hyper * hyper);
      grad[CLV.sigmaPurchase] = -sp / (hyper * hyper);
      grad[CLV.sigmaSpend] = -ss / (hyper * hyper);
      for (let k = 0; k < 7; k++) {
        if (!(theta[k] > 0)) return -Infinity;
        lp += logNormalTerm(theta[k], k === CLV.q ? 1 : 0, mu[k], k < 4 ? sp : ss, grad, k, k < 4 ? CLV.sigmaPurchase : CLV.sigmaSpend);
      }
      lp += purchases.logLik(theta[CLV.r], theta[CLV.alpha], theta[CLV.a], theta[CLV.b], grad, CLV.r);
      lp += spend.logLik(theta[CLV.p], theta[CLV.q], theta[CLV.gamma], grad, CLV.p);
      return Number.isFinite(lp) ? lp : -Infinity;
    },
    ...(withLogLik
      ? {
          pointwiseLogLik(theta: Float64Array, out: Float64Array): void {
            out.fill(0);
            purchases.logLik(theta[CLV.r], theta[CLV.alpha], theta[CLV.a], theta[CLV.b], null, 0, out);
            spend.logLik(theta[CLV.p], theta[CLV.q], theta[CLV.gamma], null, 0, out);
          },
        }
      : {}),
    generated: {
      names: ['purchase_rate_mean', 'dropout_mean', 'spend_mean'],
      compute(theta: Float64Array, out: Float64Array): void {
        out[0] = theta[CLV.r] / theta[CLV.alpha];
        out[1] = theta[CLV.a] / (theta[CLV.a] + theta[CLV.b]);
        out[2] = (theta[CLV.p] * theta[CLV.gamma]) / (theta[CLV.q] - 1);
      },
    },
  };
}
