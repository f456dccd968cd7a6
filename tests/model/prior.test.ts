import { describe, expect, it } from 'vitest';
import { lgamma } from '../../src/numeric/log-gamma.js';
import { priorDlogDensity, priorLogDensity, type Prior } from '../../src/model/prior.js';

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

describe('prior densities', () => {
  const cases: Array<[Prior, number, number]> = [
    // [prior, x, log density from the closed-form pdf]
    [{ family: 'normal', params: [-3, 1] }, -2, -0.5 - 0.5 * Math.log(2 * Math.PI)],
    [{ family: 'halfnormal', params: [0.5] }, 0.5, Math.log(2) - 0.5 - Math.log(0.5) - 0.5 * Math.log(2 * Math.PI)],
    [{ family: 'exponential', params: [2] }, 0.25, Math.log(2) - 0.5],
    // Student t with nu = 1 is Cauchy: 1 / (pi sigma (1 + u^2))
    [{ family: 'student_t', params: [1, 0, 2] }, 2, -Math.log(Math.PI * 2 * 2)],
    [{ family: 'halfstudent_t', params: [1, 2] }, 2, Math.log(2) - Math.log(Math.PI * 2 * 2)],
  ];
  for (const [prior, x, expected] of cases) {
    it(`${prior.family} log density and derivative (closed form, finite differences)`, () => {
      expect(Math.abs(priorLogDensity(prior, x) - expected)).toBeLessThan(1e-13);
      const h = 1e-5;
      const fd = (priorLogDensity(prior, x + h) - priorLogDensity(prior, x - h)) / (2 * h);
      expect(Math.abs(priorDlogDensity(prior, x) - fd)).toBeLessThan(1e-8);
    });
  }
  it('positive families are -Infinity at and below zero', () => {
    expect(priorLogDensity({ family: 'halfnormal', params: [1] }, 0)).toBe(-Infinity);
    expect(priorLogDensity({ family: 'exponential', params: [1] }, -1)).toBe(-Infinity);
  });
});
