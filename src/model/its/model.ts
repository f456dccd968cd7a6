/**
 * The interrupted-time-series regression as a DensityModel (src/model/density-model/types.ts). On the pre-period,
 *
 *   y_i ~ normal(mu_i, sigma)   or   student_t(nu, mu_i, sigma),    mu_i = alpha + Σ_j beta_j · x_ij,
 *
 * with x the design of design.ts (standardized trend, Fourier terms, standardized covariates). Priors (ItsPriors;
 * the CLI scales them to the pre-period's outcome, design.ts defaultPriors): alpha ~ normal(m, s_alpha),
 * beta_j ~ normal(0, s_beta), sigma ~ exponential(rate), nu ~ gamma(2, 0.1) (Juárez & Steel 2010).
 * Generated quantities for every draw: y_cf[i], a posterior-predictive draw of the regression at every row (the
 * fit's check in the pre-period, the counterfactual in the post-period), effect[k] = y − y_cf and cum_effect[k], their
 * running sum, at the k-th post-period row. Gradients are derived by hand (tests check them by finite differences).
 */
import { digamma } from '../../numeric/digamma.js';
import { lgamma } from '../../numeric/log-gamma.js';
import type { Rng } from '../../rng.js';
import type { DensityModel, ParameterBlock } from '../density-model/types.js';
import type { ItsDesign } from './design.js';

export type ItsFamily = 'gaussian' | 'student';
export const ITS_FAMILIES: readonly ItsFamily[] = ['gaussian', 'student'];

export interface ItsPriors {
  readonly alphaMean: number;
  readonly alphaSd: number;
  readonly betaSd: number;
  /** Rate of sigma's exponential prior (1 / its mean). */
  readonly sigmaRate: number;
  /** nu ~ gamma(shape, rate): (2, 0.1). */
  readonly nuShape: number;
  readonly nuRate: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log student_t(y | nu, mu, sigma) with r = (y − mu) / sigma. */
function studentLogPdf(r: number, nu: number, sigma: number): number {
  return lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(sigma) - ((nu + 1) / 2) * Math.log1p((r * r) / nu);
}

export interface ItsModel extends DensityModel {
  readonly design: ItsDesign;
  readonly family: ItsFamily;
  readonly priors: ItsPriors;
}

/** Index of alpha, the first beta, sigma and nu in the constrained vector. */
export function itsIndex(design: ItsDesign): { alpha: number; beta: number; sigma: number; nu: number } {
  const P = design.names.length;
  return { alpha: 0, beta: 1, sigma: 1 + P, nu: 2 + P };
}

export function itsModel(design: ItsDesign, family: ItsFamily, priors: ItsPriors): ItsModel {
  const P = design.names.length;
  const { n, nPre, x, y } = design;
  const nPost = n - nPre;
  const idx = itsIndex(design);
  const student = family === 'student';
  const parameters: ParameterBlock[] = [
    { name: 'alpha', size: 1, transform: { kind: 'real' } },
    { name: 'beta', size: P, transform: { kind: 'real' }, coordinates: design.names },
    { name: 'sigma', size: 1, transform: { kind: 'positive' } },
    ...(student ? [{ name: 'nu', size: 1, transform: { kind: 'positive' } } as const] : []),
  ];
  const mean = (theta: Float64Array, i: number): number => {
    let mu = theta[idx.alpha];
    for (let j = 0; j < P; j++) mu += theta[idx.beta + j] * x[i * P + j];
    return mu;
  };
  const names = [
    ...Array.from({ length: n }, (_, i) => `y_cf[${i + 1}]`),
    ...Array.from({ length: nPost }, (_, k) => `effect[${k + 1}]`),
    ...Array.from({ length: nPost }, (_, k) => `cum_effect[${k + 1}]`),
  ];
  return {
    kind: 'its',
    design,
    family,
    priors,
    parameters,
    observations: nPre,
    logDensity(theta, grad) {
      const alpha = theta[idx.alpha];
      const sigma = theta[idx.sigma];
      const nu = student ? theta[idx.nu] : Infinity;
      if (!(sigma > 0) || (student && !(nu > 0))) return -Infinity;
      grad.fill(0);
      // priors
      const za = (alpha - priors.alphaMean) / priors.alphaSd;
      let lp = -0.5 * za * za;
      grad[idx.alpha] = -za / priors.alphaSd;
      const vb = priors.betaSd * priors.betaSd;
      for (let j = 0; j < P; j++) {
        const b = theta[idx.beta + j];
        lp -= (0.5 * b * b) / vb;
        grad[idx.beta + j] = -b / vb;
      }
      lp -= priors.sigmaRate * sigma;
      grad[idx.sigma] = -priors.sigmaRate;
      if (student) {
        lp += (priors.nuShape - 1) * Math.log(nu) - priors.nuRate * nu;
        grad[idx.nu] = (priors.nuShape - 1) / nu - priors.nuRate;
      }
      // likelihood on the pre-period
      let gSigma = 0;
      let gNu = 0;
      if (student) {
        lp += nPre * (lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(sigma));
        gNu += nPre * (0.5 * (digamma((nu + 1) / 2) - digamma(nu / 2)) - 0.5 / nu);
        gSigma -= nPre / sigma;
      } else {
        lp -= nPre * Math.log(sigma);
        gSigma -= nPre / sigma;
      }
      for (let i = 0; i < nPre; i++) {
        const r = (y[i] - mean(theta, i)) / sigma;
        const r2 = r * r;
        let dmu: number;
        if (student) {
          const q = nu + r2;
          lp -= ((nu + 1) / 2) * Math.log1p(r2 / nu);
          dmu = ((nu + 1) * r) / (sigma * q);
          gSigma += ((nu + 1) * r2) / (sigma * q);
          gNu += -0.5 * Math.log1p(r2 / nu) + ((nu + 1) * r2) / (2 * nu * q);
        } else {
          lp -= 0.5 * r2;
          dmu = r / sigma;
          gSigma += r2 / sigma;
        }
        grad[idx.alpha] += dmu;
        for (let j = 0; j < P; j++) grad[idx.beta + j] += dmu * x[i * P + j];
      }
      grad[idx.sigma] += gSigma;
      if (student) grad[idx.nu] += gNu;
      return Number.isFinite(lp) ? lp : -Infinity;
    },
    pointwiseLogLik(theta, out) {
      const sigma = theta[idx.sigma];
      for (let i = 0; i < nPre; i++) {
        const r = (y[i] - mean(theta, i)) / sigma;
        out[i] = student ? studentLogPdf(r, theta[idx.nu], sigma) : -LOG_SQRT_2PI - Math.log(sigma) - 0.5 * r * r;
      }
    },
    generated: {
      names,
      compute(theta: Float64Array, out: Float64Array, rng: Rng) {
        const sigma = theta[idx.sigma];
        const nu = student ? theta[idx.nu] : Infinity;
        let cum = 0;
        for (let i = 0; i < n; i++) {
          const z = student ? rng.normal() / Math.sqrt((2 * rng.gamma(nu / 2)) / nu) : rng.normal();
          const ycf = mean(theta, i) + sigma * z;
          out[i] = ycf;
          if (i >= nPre) {
            const k = i - nPre;
            const effect = y[i] - ycf;
            cum += effect;
            out[n + k] = effect;
            out[n + nPost + k] = cum;
          }
        }
      },
    },
  };
}
