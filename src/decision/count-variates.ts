/**
 * Poisson and negative-binomial variates from the seeded Rng (src/rng.ts), for replicated data sets.
 *
 * Poisson(λ), λ < 10: inversion by sequential search from 0 (the expected number of steps is λ + 1).
 * Poisson(λ), λ ≥ 10: Hörmann (1993), "The transformed rejection method for generating Poisson random variables",
 * Insurance: Mathematics and Economics 12(1), algorithm PTRS: a transformed-rejection proposal
 * k = ⌊(2a/u_s + b)·u + λ + 0.43⌋ from u ~ Uniform(−½, ½), accepted at once in the squeeze region
 * (u_s ≥ 0.07 and v ≤ v_r), otherwise by comparing log v + log(1/α) − log(a/u_s² + b) with the Poisson log mass
 * −λ + k·log λ − log k!. The constants a, b, 1/α, v_r are the paper's fitted functions of √λ.
 * NB2(μ, φ): the gamma–Poisson mixture, λ ~ Gamma(shape φ, mean μ), y ~ Poisson(λ); E y = μ, Var y = μ + μ²/φ.
 */
import { lgamma } from '../model/prior.js';
import type { Rng } from '../rng.js';
import { gammaVariate } from './gamma-beta.js';

/** Below this mean, inversion; at and above it, PTRS (the paper's range is λ ≥ 10). */
const INVERSION_LIMIT = 10;

/** One Poisson(mean) variate; mean must be finite and ≥ 0. */
export function poissonVariate(rng: Rng, mean: number): number {
  if (!(mean >= 0) || !Number.isFinite(mean)) throw new Error(`poissonVariate: mean ${mean} must be finite and ≥ 0`);
  if (mean < INVERSION_LIMIT) {
    const u = rng.uniform();
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    // the cap only guards against rounding of the cumulative sum near 1 (P(k > 200 | λ < 10) < 1e-200)
    while (u >= cdf && k < 200) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
  const root = Math.sqrt(mean);
  const logMean = Math.log(mean);
  const b = 0.931 + 2.53 * root;
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = rng.uniform() - 0.5;
    const v = rng.uniform();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= -mean + k * logMean - lgamma(k + 1)) return k;
  }
}

/** One NB2 variate with mean `mean` and shape φ (Var = μ + μ²/φ), as a gamma–Poisson mixture. */
export function negbinomialVariate(rng: Rng, mean: number, shape: number): number {
  return poissonVariate(rng, (gammaVariate(rng, shape) * mean) / shape);
}
