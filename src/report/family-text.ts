/** A model's family and link in words, for the reports (the model report and the served run page). */
import type { LinkName } from '../model/families/family.js';
import type { Family } from '../model/spec.js';

/** The sampling distribution of y given η, in words, per family and link. */
export function familyDescription(family: Family, link: LinkName): string {
  switch (family) {
    case 'bernoulli':
      return link === 'probit' ? 'y ∈ {0, 1}, P(y = 1) = Φ(η)' : 'y ∈ {0, 1}, P(y = 1) = logit⁻¹(η)';
    case 'binomial':
      return link === 'probit' ? 'y successes of n trials, success probability Φ(η)' : 'y successes of n trials, success probability logit⁻¹(η)';
    case 'gaussian':
      return 'y ~ Normal(η, sigma): η is the mean of y';
    case 'lognormal':
      return 'log y ~ Normal(η, sigma): η is the mean of log y, E y = exp(η + sigma²/2)';
    case 'poisson':
      return 'y ~ Poisson(μ), μ = exp(η): E y = Var y = μ';
    case 'negbinomial':
      return 'y ~ NegBinomial(μ, shape) (NB2), μ = exp(η): E y = μ, Var y = μ + μ²/shape';
    case 'gamma':
      return 'y ~ Gamma(shape, mean μ), μ = exp(η): E y = μ, sd y = μ/√shape';
  }
}

/** The link scale in a word or two, for axis titles: log-odds, probit, log y, log mean, y. */
export function linkScaleShort(family: Family, link: LinkName): string {
  if (link === 'logit' || link === 'probit') return link === 'logit' ? 'log-odds' : 'probit';
  if (family === 'lognormal') return 'log y';
  return link === 'log' ? 'log mean' : 'y';
}

/** The scale the coefficients and group effects are on. */
export function linkScale(family: Family, link: LinkName): string {
  if (link === 'logit') return 'the log-odds scale';
  if (link === 'probit') return 'the probit scale (standard-normal quantiles of the success probability)';
  if (family === 'lognormal') return 'the scale of log y';
  if (link === 'log') return 'the log scale of the mean (exp(b) multiplies the mean)';
  return 'the scale of y';
}
