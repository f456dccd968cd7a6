/**
 * log Γ in both forms (src/numeric/log-gamma.ts): the model's lgamma against exact factorials and Γ(1/2) = √π
 * (closed forms), the beta distribution's logGamma against mpmath 1.3.0's loggamma (40 digits).
 */
import { describe, expect, it } from 'vitest';
import { lgamma, logGamma } from '../../src/numeric/log-gamma.js';

function rel(got: number, want: number): number {
  return want === 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
}

describe('lgamma', () => {
  it('matches exact factorials and Γ(1/2) = √π (closed forms)', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 40; n++) {
      expect(Math.abs(lgamma(n) - logFactorial)).toBeLessThan(1e-13 * Math.max(1, logFactorial));
      logFactorial += Math.log(n);
    }
    expect(Math.abs(lgamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(Math.abs(lgamma(1.5) - Math.log(Math.sqrt(Math.PI) / 2))).toBeLessThan(1e-14);
    // Γ(0.1) = 9.513507698668731836… (Abramowitz & Stegun table 6.1 via the recurrence)
    expect(Math.abs(lgamma(0.1) - Math.log(9.513507698668732))).toBeLessThan(1e-14);
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
