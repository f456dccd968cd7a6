/**
 * The special functions the diagnostics rest on, against high-precision references: Φ⁻¹ (rank normalization) and
 * the beta distribution (MCSE of quantiles) computed with mpmath 1.3.0 at 40–60 significant digits (Φ⁻¹ as the root of
 * mpmath.ncdf(x) = p, qbeta as the root of mpmath.betainc(a, b, 0, x, regularized=True) = p), except the one case
 * with shapes near 10⁶, where mpmath does not converge and SciPy 1.17.1's `beta.ppf` (Boost's ibeta_inv) is used.
 */
import { describe, expect, it } from 'vitest';
import { betaCdf, betaQuantile } from '../../src/diagnostics/beta-distribution.js';
import { logGamma } from '../../src/diagnostics/log-gamma.js';
import { normalQuantile } from '../../src/diagnostics/normal-quantile.js';

function rel(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
}

describe('normalQuantile (AS 241)', () => {
  // [p, Φ⁻¹(p)] from mpmath (50 digits), covering all three rational branches
  const cases: [number, number][] = [
    [1e-300, -37.047096299361199237],
    [1e-20, -9.2623400897984075796],
    [1e-12, -7.0344838253011319326],
    [1.3e-11, -6.6676114565107408347],
    [1e-6, -4.7534243088228989573],
    [0.01, -2.3263478740408410931],
    [0.0749, -1.4402382675279636631],
    [0.0751, -1.4388253927525399824],
    [0.3, -0.52440051270804081597],
    [0.7, 0.52440051270804065631],
    [0.975, 1.9599639845400538556],
    [0.99999, 4.2648907939238407699],
  ];
  it.each(cases)('Φ⁻¹(%s) to 1e-15 relative', (p, want) => {
    expect(rel(normalQuantile(p), want)).toBeLessThan(1e-15);
  });
  it('limits and invalid input', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
  });
});

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

describe('logGamma', () => {
  // [x, log Γ(x)] from mpmath.loggamma (40 digits), both sides of the Lanczos/Stirling switch at 10
  const cases: [number, number][] = [
    [0.1, 2.2527126517342059],
    [0.5, 0.57236494292470009],
    [1.5, -0.12078223763524522],
    [2.5, 0.28468287047291916],
    [9.99, 12.779315214350193],
    [10, 12.80182748008147],
    [10.01, 12.824350262448247],
    [123.4, 469.33609744219059],
    [1e5, 1051287.7089736569],
  ];
  it.each(cases)('log Γ(%s) to 1e-14 relative', (x, want) => {
    expect(rel(logGamma(x), want)).toBeLessThan(1e-14);
  });
  it('log Γ(1) = log Γ(2) = 0 (to 1e-15)', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
  });
});
