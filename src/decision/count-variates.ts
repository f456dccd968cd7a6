/**
 * Negative-binomial (NB2) variates from the seeded Rng (src/rng.ts), for replicated data sets: the gamma–Poisson
 * mixture, λ ~ Gamma(shape φ, mean μ), y ~ Poisson(λ); E y = μ, Var y = μ + μ²/φ.
 */
import type { Rng } from '../rng.js';

/** One NB2 variate with mean `mean` and shape φ (Var = μ + μ²/φ), as a gamma–Poisson mixture. */
export function negbinomialVariate(rng: Rng, mean: number, shape: number): number {
  return rng.poisson((rng.gamma(shape) * mean) / shape);
}
