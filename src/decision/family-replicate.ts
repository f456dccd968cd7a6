/**
 * One replicated outcome of a row from the model's family, given the row's linear predictor η and the draw's
 * auxiliary parameters (constrained: sigma, shape), as src/model/families/ define the likelihood:
 *   bernoulli/binomial: successes of Binomial(n, p), p = σ(η) (logit) or Φ(η) (probit), n = 1 for bernoulli
 *   gaussian: η + σ·N(0, 1);  lognormal: exp(η + σ·N(0, 1))
 *   poisson: Poisson(e^η);  negbinomial: NB2(e^η, shape) as a gamma–Poisson mixture
 *   gamma: Gamma(shape α, mean e^η) = Gamma(α, 1)·e^η/α
 * Draws come from the seeded Rng, so a replicated data set is reproducible from its seed.
 */
import { sigmoid } from '../numeric/logistic.js';
import { logNormalCdf } from '../numeric/normal-cdf.js';
import type { LinkName } from '../model/families/family.js';
import type { Family } from '../model/spec.js';
import type { Rng } from '../rng.js';
import { negbinomialVariate } from './count-variates.js';
import * as pm from '../numeric/portable-math.js';

/** y_rep for one row: η, the trials of a binomial row (1 otherwise), the draw's aux values in FamilyModule.aux order. */
export type RowReplicator = (rng: Rng, eta: number, trials: number, aux: ArrayLike<number>) => number;

function successes(rng: Rng, p: number, trials: number): number {
  let count = 0;
  for (let t = 0; t < trials; t++) count += rng.uniform() < p ? 1 : 0;
  return count;
}

/** The row replicator of a family and link (link undefined: the family's default). */
export function rowReplicator(family: Family, link?: LinkName): RowReplicator {
  switch (family) {
    case 'bernoulli':
    case 'binomial':
      return link === 'probit'
        ? (rng, eta, trials) => successes(rng, pm.exp(logNormalCdf(eta)), trials)
        : (rng, eta, trials) => successes(rng, sigmoid(eta), trials);
    case 'gaussian':
      return (rng, eta, _trials, aux) => eta + aux[0] * rng.normal();
    case 'lognormal':
      return (rng, eta, _trials, aux) => pm.exp(eta + aux[0] * rng.normal());
    case 'poisson':
      return (rng, eta) => rng.poisson(pm.exp(eta));
    case 'negbinomial':
      return (rng, eta, _trials, aux) => negbinomialVariate(rng, pm.exp(eta), aux[0]);
    case 'gamma':
      return (rng, eta, _trials, aux) => (rng.gamma(aux[0]) * pm.exp(eta)) / aux[0];
  }
}
