import { describe, expect, it } from 'vitest';
import { digamma } from '../../src/numeric/digamma.js';
import { lgamma } from '../../src/numeric/log-gamma.js';

const EULER_GAMMA = 0.5772156649015329;

describe('digamma', () => {
  it('matches known values: ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(n) = −γ + H_{n−1}', () => {
    expect(Math.abs(digamma(1) + EULER_GAMMA)).toBeLessThan(1e-14);
    expect(Math.abs(digamma(0.5) + EULER_GAMMA + 2 * Math.LN2)).toBeLessThan(1e-14);
    let harmonic = 0;
    for (let n = 2; n <= 40; n++) {
      harmonic += 1 / (n - 1);
      expect(Math.abs(digamma(n) - (harmonic - EULER_GAMMA))).toBeLessThan(2e-14 * Math.max(1, Math.abs(digamma(n))));
    }
    // ψ(1/4) = −γ − π/2 − 3 ln 2 (Abramowitz & Stegun 6.3.7)
    expect(Math.abs(digamma(0.25) - (-EULER_GAMMA - Math.PI / 2 - 3 * Math.LN2))).toBeLessThan(1e-13);
  });

  it('satisfies the recurrence ψ(x + 1) = ψ(x) + 1/x and is the derivative of lgamma', () => {
    for (const x of [1e-6, 0.03, 0.7, 3.3, 9.99, 10, 57.5, 1e4, 1e8]) {
      expect(Math.abs(digamma(x + 1) - digamma(x) - 1 / x)).toBeLessThan(1e-12 * Math.max(1, 1 / x));
    }
    for (const x of [0.3, 2.5, 14, 120]) {
      const h = 1e-5 * x;
      const fd = (lgamma(x + h) - lgamma(x - h)) / (2 * h);
      expect(Math.abs(fd - digamma(x))).toBeLessThan(1e-7 * Math.max(1, Math.abs(digamma(x))));
    }
  });

  it('is NaN outside x > 0', () => {
    expect(digamma(0)).toBeNaN();
    expect(digamma(-1)).toBeNaN();
  });
});
