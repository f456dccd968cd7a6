/**
 * negbinomial (NB2) with the log link and shape φ (brms's `shape`): y_i ~ NegBinomial(μ_i, φ), μ_i = e^{η_i},
 * E y = μ, Var y = μ + μ²/φ.
 *   log p = lgamma(y + φ) − lgamma(φ) − log y! + φ·log(φ/(φ + μ)) + y·log(μ/(φ + μ))
 * With t = η − log φ the two logs are −softplus(t) and −softplus(−t), computed without overflow or cancellation
 * for any η (src/numeric/logistic.ts), so
 *   log p = lgamma(y + φ) − lgamma(φ) − log y! − φ·softplus(t) − y·softplus(−t)
 *   ∂/∂η  = y·σ(−t) − φ·σ(t)                     (= (y − μ)·φ/(φ + μ))
 *   ∂²/∂η² = −(y + φ)·σ(t)·σ(−t)
 *   ∂/∂φ  = ψ(y + φ) − ψ(φ) − softplus(t) + σ(t) − y·σ(−t)/φ   (σ(t) − y·σ(−t)/φ = (μ − y)/(φ + μ))
 * lgamma(y + φ) − lgamma(φ) and ψ(y + φ) − ψ(φ) cancel when φ ≫ y (nearly Poisson data: at φ = 1e9 about 9 digits);
 * for y ≤ SMALL_COUNT they are the exact finite sums Σ_{k<y} log(φ + k) and Σ_{k<y} 1/(φ + k) instead (Γ(y + φ) =
 * Γ(φ)·φ(φ + 1)…(φ + y − 1)), which have no cancellation. Larger counts use the differences.
 * shape's default prior: gamma(0.01, 0.01), as brms.
 */
import { digamma } from '../../numeric/digamma.js';
import { sigmoid, softplus } from '../../numeric/logistic.js';
import { logFactorial } from '../log-choose.js';
import { lgamma } from '../../numeric/log-gamma.js';
import { rowwiseBlock, type FamilyModule } from './family.js';
import * as pm from '../../numeric/portable-math.js';

export const SMALL_COUNT = 64;

/** log Γ(y + φ) − log Γ(φ) for a whole number y ≥ 0. */
export function logRising(y: number, phi: number): number {
  if (y > SMALL_COUNT) return lgamma(y + phi) - lgamma(phi);
  let s = 0;
  for (let k = 0; k < y; k++) s += pm.log(phi + k);
  return s;
}

/** ψ(y + φ) − ψ(φ) for a whole number y ≥ 0. */
export function digammaRising(y: number, phi: number): number {
  if (y > SMALL_COUNT) return digamma(y + phi) - digamma(phi);
  let s = 0;
  for (let k = 0; k < y; k++) s += 1 / (phi + k);
  return s;
}

const logLik: FamilyModule['logLik'] = (rows, i, eta, aux) => {
  const y = rows.y[i];
  const phi = aux[0];
  const t = eta - pm.log(phi);
  return logRising(y, phi) - logFactorial(y) - phi * softplus(t) - (y > 0 ? y * softplus(-t) : 0);
};
const dEta: FamilyModule['dEta'] = (rows, i, eta, aux) => {
  const y = rows.y[i];
  const phi = aux[0];
  const t = eta - pm.log(phi);
  return (y > 0 ? y * sigmoid(-t) : 0) - phi * sigmoid(t);
};
const dAux: FamilyModule['dAux'] = (rows, i, eta, aux) => {
  const y = rows.y[i];
  const phi = aux[0];
  const t = eta - pm.log(phi);
  return digammaRising(y, phi) - softplus(t) + sigmoid(t) - (y > 0 ? (y * sigmoid(-t)) / phi : 0);
};

export const negbinomialLog: FamilyModule = {
  name: 'negbinomial',
  link: 'log',
  aux: [{ name: 'shape', transform: 'log', defaultPrior: () => ({ family: 'gamma', params: [0.01, 0.01] }) }],
  mean: (eta) => pm.exp(eta),
  logLik,
  dEta,
  d2Eta: (rows, i, eta, aux) => {
    const t = eta - pm.log(aux[0]);
    return -(rows.y[i] + aux[0]) * sigmoid(t) * sigmoid(-t);
  },
  dAux,
  logLikBlock: rowwiseBlock(logLik, dEta, dAux, 1),
};
