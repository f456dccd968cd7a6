/** Generalized Pareto fit and quantiles: R loo 2.5.1 `gpdfit` values (tests/fixtures/loo/gpdfit.csv, made by
 * make-extra-references.R) and closed forms. */
import { describe, expect, it } from 'vitest';
import { gpdFit, gpdQuantile } from '../../src/loo/gpd.js';
import { readRCsv } from './fixtures.js';

/** The fixed samples of make-extra-references.R, rebuilt here. */
function sample(name: string): number[] {
  const grid = (n: number, f: (p: number) => number, shift = -0.5, denom = n): number[] =>
    Array.from({ length: n }, (_, i) => f((i + 1 + shift) / denom));
  switch (name) {
    case 'gpd_k05':
      return grid(200, (p) => (2 * ((1 - p) ** -0.5 - 1)) / 0.5);
    case 'gpd_kneg':
      return grid(50, (p) => ((1 - p) ** 0.3 - 1) / -0.3);
    case 'expo':
      return grid(97, (p) => -Math.log1p(-p) / 3);
    case 'cauchy_abs':
      return grid(400, (p) => Math.abs(Math.tan(Math.PI * (p - 0.5))) + 1e-3, 0.5, 802);
    default:
      throw new Error(name);
  }
}

describe('gpdFit against R loo 2.5.1 gpdfit', () => {
  const ref = readRCsv('gpdfit.csv');
  ref.case.forEach((name, i) => {
    it(`${name}: k and sigma with and without the weakly informative prior`, () => {
      const x = sample(name as string);
      const withPrior = gpdFit(x);
      const without = gpdFit(x, { weaklyInformativePrior: false });
      expect(Math.abs(withPrior.k - (ref.k[i] as number))).toBeLessThan(1e-9);
      expect(Math.abs(withPrior.sigma - (ref.sigma[i] as number)) / (ref.sigma[i] as number)).toBeLessThan(1e-9);
      expect(Math.abs(without.k - (ref.k_nowip[i] as number))).toBeLessThan(1e-9);
      expect(Math.abs(without.sigma - (ref.sigma_nowip[i] as number)) / (ref.sigma_nowip[i] as number)).toBeLessThan(
        1e-9,
      );
    });
  });

  it('the prior moves k to (n·k + 10·0.5)/(n + 10) and leaves sigma alone', () => {
    const x = sample('gpd_kneg');
    const a = gpdFit(x);
    const b = gpdFit(x, { weaklyInformativePrior: false });
    expect(a.k).toBeCloseTo((50 * b.k + 5) / 60, 14);
    expect(a.sigma).toBe(b.sigma);
  });

  it('recovers the shape of a large GPD sample (k = 0.3, sigma = 1.5) to within 0.02', () => {
    const n = 20000;
    const x = Array.from({ length: n }, (_, i) => gpdQuantile((i + 0.5) / n, 0.3, 1.5));
    const fit = gpdFit(x);
    expect(Math.abs(fit.k - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(fit.sigma - 1.5) / 1.5).toBeLessThan(0.02);
  });
});

describe('gpdQuantile', () => {
  it('inverts the GPD distribution function F(x) = 1 - (1 + kx/σ)^(-1/k)', () => {
    for (const [k, sigma] of [
      [0.5, 2],
      [-0.3, 1],
      [1.2, 0.1],
    ]) {
      for (const p of [0.01, 0.3, 0.5, 0.9, 0.999]) {
        const q = gpdQuantile(p, k, sigma);
        expect(1 - (1 + (k * q) / sigma) ** (-1 / k)).toBeCloseTo(p, 12);
      }
    }
  });

  it('is NaN for a non-positive scale', () => {
    expect(gpdQuantile(0.5, 0.5, 0)).toBeNaN();
    expect(gpdQuantile(0.5, 0.5, -1)).toBeNaN();
  });
});
