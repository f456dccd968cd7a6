/**
 * The beta distribution (MCSE of quantiles, binomial intervals, A/B tests) against high-precision references: mpmath
 * 1.3.0 at 40–60 significant digits (qbeta as the root of mpmath.betainc(a, b, 0, x, regularized=True) = p), except
 * the one case with shapes near 10⁶, where mpmath does not converge and SciPy 1.17.1's `beta.ppf` (Boost's
 * ibeta_inv) is used.
 */
import { describe, expect, it } from 'vitest';
import { betaCdf, betaQuantile } from '../../src/numeric/beta-distribution.js';

function rel(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
}

describe('beta distribution', () => {
  // [p, a, b, qbeta(p, a, b)]; shapes like those of the MCSE of a 5% quantile with ESS 1, 4143 and 10⁶
  const quantiles: [number, number, number, number][] = [
    [0.1586553, 1.05, 1.95, 0.093721160809102783],
    [0.8413447, 1.05, 1.95, 0.62233822798277396],
    [0.1586553, 208.1685, 3937.2015, 0.046827437689398293],
    [0.8413447, 3937.2015, 208.1685, 0.95317256231060171],
    [0.1586553, 50001, 950001, 0.04978295407180306], // SciPy
    [0.8413447, 50001, 950001, 0.050218845924955846], // SciPy
    [0.5, 0.5, 0.5, 0.5],
    [0.01, 0.3, 7, 2.2570526532529839e-8],
    [0.99, 200, 3, 0.99783295266385112],
  ];
  it.each(quantiles)('qbeta(%s, %s, %s) to 1e-13 relative', (p, a, b, want) => {
    expect(rel(betaQuantile(p, a, b), want)).toBeLessThan(1e-13);
  });

  const cdfs: [number, number, number, number][] = [
    [0.3, 1.05, 1.95, 0.48124799640636031],
    [0.05, 208.1685, 3937.2015, 0.48294851803262306],
    [0.999, 200, 3, 0.99883343684688342],
    [1e-6, 0.3, 7, 0.031184365002538472],
    [0.5, 0.5, 0.5, 0.5],
  ];
  it.each(cdfs)('pbeta(%s, %s, %s) to 1e-13 relative', (x, a, b, want) => {
    expect(rel(betaCdf(x, a, b), want)).toBeLessThan(1e-13);
  });

  it('edges', () => {
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
    expect(betaQuantile(0.5, -1, 3)).toBeNaN();
    expect(betaCdf(0, 2, 3)).toBe(0);
    expect(betaCdf(1, 2, 3)).toBe(1);
  });
});
