/**
 * Gamma and beta variates (Marsaglia–Tsang) against exact distributions: Kolmogorov–Smirnov distance to the beta
 * CDF (src/numeric/beta-distribution.ts, itself tested against R/SciPy) and to the exponential CDF 1 − e^(−x)
 * for Gamma(1); gamma moments against the closed forms E = a, Var = a, E[(X − a)³] = 2a.
 */
import { describe, expect, it } from 'vitest';
import { betaCdf } from '../../src/numeric/beta-distribution.js';
import { betaVariates } from '../../src/decision/gamma-beta.js';
import { Rng } from '../../src/rng.js';

/** sup |F_n − F| of a sample. */
function ksDistance(sample: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(sample).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, Math.abs((i + 1) / n - f), Math.abs(f - i / n));
  }
  return d;
}

// KS critical value at level 0.001: 1.95/√n (Smirnov's asymptotic distribution)
const N = 20000;
const KS_CRITICAL = 1.95 / Math.sqrt(N);

describe('betaVariates', () => {
  for (const [a, b] of [
    [2.5, 7],
    [0.5, 0.5],
    [123, 21185],
    [1, 1],
  ]) {
    it(`Beta(${a}, ${b}) matches the exact CDF (KS)`, () => {
      const x = betaVariates(new Rng(42, 0), a, b, N);
      expect(ksDistance(x, (v) => betaCdf(v, a, b))).toBeLessThan(KS_CRITICAL);
    });
  }
});

describe('Rng.gamma', () => {
  it('Gamma(1) is Exponential(1) (KS)', () => {
    const rng = new Rng(3, 0);
    const x = Float64Array.from({ length: N }, () => rng.gamma(1));
    expect(ksDistance(x, (v) => 1 - Math.exp(-v))).toBeLessThan(KS_CRITICAL);
  });

  for (const a of [0.3, 3, 50]) {
    it(`Gamma(${a}) has mean a, variance a, third central moment 2a (within 4 standard errors)`, () => {
      const rng = new Rng(9, 1);
      const n = 200_000;
      const x = Float64Array.from({ length: n }, () => rng.gamma(a));
      let m = 0;
      for (const v of x) m += v;
      m /= n;
      let m2 = 0;
      let m3 = 0;
      for (const v of x) {
        m2 += (v - a) ** 2;
        m3 += (v - a) ** 3;
      }
      m2 /= n;
      m3 /= n;
      // SE of the mean √(a/n); of the second moment √((μ4 − a²)/n) with μ4 = 3a² + 6a
      expect(Math.abs(m - a)).toBeLessThan(4 * Math.sqrt(a / n));
      expect(Math.abs(m2 - a)).toBeLessThan(4 * Math.sqrt((3 * a * a + 6 * a - a * a) / n));
      // third moment: loose check (its SE involves the sixth moment) at 10% of 2a
      expect(Math.abs(m3 - 2 * a)).toBeLessThan(0.1 * 2 * a + 4 * Math.sqrt((15 * a ** 3 + 130 * a * a + 120 * a) / n));
      expect(Math.min(...x.subarray(0, 1000))).toBeGreaterThan(0);
    });
  }

  it('rejects a non-positive shape', () => {
    expect(() => new Rng(1).gamma(0)).toThrow(/shape/);
  });
});
