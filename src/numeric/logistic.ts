/**
 * Numerically stable pieces of the logit-link likelihood, shared by the TypeScript code paths.
 *   softplus(eta) = log(1 + e^eta), computed without overflow for large |eta|
 *   sigmoid(eta)  = 1 / (1 + e^-eta)
 * The bernoulli/binomial likelihood built on them is src/model/families/binomial-logit.ts.
 */
import * as pm from './portable-math.js';
export function softplus(eta: number): number {
  return eta > 0 ? eta + pm.log1p(pm.exp(-eta)) : pm.log1p(pm.exp(eta));
}

export function sigmoid(eta: number): number {
  if (eta >= 0) return 1 / (1 + pm.exp(-eta));
  const e = pm.exp(eta);
  return e / (1 + e);
}
