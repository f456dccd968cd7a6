/**
 * Poisson (inversion below 10, Hörmann's PTRS from 10) and NB2 variates against their exact distributions:
 * sample mean and variance against the closed forms (Poisson: E = Var = λ; NB2: E = μ, Var = μ + μ²/φ) within
 * 5 standard errors, and the largest gap between the empirical and the exact CDF (Poisson pmf by the recurrence
 * p(k) = p(k − 1)·λ/k; NB2 pmf by p(k) = p(k − 1)·(k − 1 + φ)/k·μ/(μ + φ)) under the KS bound at level 0.001
 * (conservative for a discrete law).
 */
import { describe, expect, it } from 'vitest';
import { negbinomialVariate } from '../../src/decision/count-variates.js';
import { Rng } from '../../src/rng.js';

const N = 20000;
const KS_CRITICAL = 1.95 / Math.sqrt(N);

function sampleMoments(x: Float64Array): { mean: number; variance: number } {
  let s = 0;
  for (const v of x) s += v;
  const mean = s / x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) ** 2;
  return { mean, variance: ss / (x.length - 1) };
}

/** sup_k |F_n(k) − F(k)| with F from the pmf recurrence pmf(0), ratio(k) = pmf(k)/pmf(k − 1). */
function cdfGap(x: Float64Array, logPmf0: number, ratio: (k: number) => number): number {
  const sorted = Float64Array.from(x).sort();
  const max = sorted[sorted.length - 1];
  // in logs: e^{−1000} underflows, the mass near the mean does not
  let logP = logPmf0;
  let cdf = Math.exp(logP);
  let at = 0;
  let gap = 0;
  for (let k = 0; k <= max; k++) {
    if (k > 0) {
      logP += Math.log(ratio(k));
      cdf += Math.exp(logP);
    }
    while (at < sorted.length && sorted[at] <= k) at++;
    gap = Math.max(gap, Math.abs(at / sorted.length - cdf));
  }
  return gap;
}

describe('Rng.poisson', () => {
  for (const lambda of [0, 0.3, 4, 9.99, 10, 37, 1000]) {
    it(`Poisson(${lambda}): mean and variance λ, CDF within the KS bound`, () => {
      const rng = new Rng(11, 3);
      const x = Float64Array.from({ length: N }, () => rng.poisson(lambda));
      const { mean, variance } = sampleMoments(x);
      if (lambda === 0) {
        expect(mean).toBe(0);
        return;
      }
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / N));
      // se of the sample variance ≈ √((μ4 − σ⁴)/N), μ4 = λ(1 + 3λ) for the Poisson
      expect(Math.abs(variance - lambda)).toBeLessThan(5 * Math.sqrt((lambda * (1 + 3 * lambda) - lambda * lambda) / N));
      expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      expect(cdfGap(x, -lambda, (k) => lambda / k)).toBeLessThan(KS_CRITICAL);
    });
  }
  it('rejects a negative or non-finite mean', () => {
    expect(() => new Rng(1).poisson(-1)).toThrow(/mean -1/);
    expect(() => new Rng(1).poisson(Infinity)).toThrow(/mean Infinity/);
  });
});

describe('negbinomialVariate', () => {
  for (const [mu, phi] of [
    [3, 2],
    [20, 0.7],
    [50, 40],
  ]) {
    it(`NB2(μ = ${mu}, φ = ${phi}): mean μ, variance μ + μ²/φ, CDF within the KS bound`, () => {
      const rng = new Rng(5, 1);
      const x = Float64Array.from({ length: N }, () => negbinomialVariate(rng, mu, phi));
      const { mean, variance } = sampleMoments(x);
      const v = mu + (mu * mu) / phi;
      expect(Math.abs(mean - mu)).toBeLessThan(5 * Math.sqrt(v / N));
      expect(Math.abs(variance - v) / v).toBeLessThan(phi < 1 ? 0.15 : 0.06);
      const q = mu / (mu + phi);
      expect(cdfGap(x, phi * Math.log(phi / (mu + phi)), (k) => ((k - 1 + phi) / k) * q)).toBeLessThan(KS_CRITICAL);
    });
  }
});
