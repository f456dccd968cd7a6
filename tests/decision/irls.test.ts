/**
 * Maximum-likelihood logistic regression (IRLS) against closed forms. With a single binary covariate the MLE
 * reproduces the 2×2 table: intercept = log(y₀/(n₀ − y₀)), slope = the log odds ratio, with Woolf's standard errors
 * √(1/a + 1/b) and √(1/a + 1/b + 1/c + 1/d) (the inverse Fisher information of the saturated model), and the
 * maximised log-likelihood Σ [y log p̂ + (n − y) log(1 − p̂)] at the cell rates. With several covariates the score
 * Xᵀ(y − p̂) vanishes at the MLE (the defining equations).
 */
import { describe, expect, it } from 'vitest';
import { fitLogisticIrls } from '../../src/decision/irls.js';
import { Rng } from '../../src/rng.js';
import { userErrorOf } from '../helpers/user-error.js';

/** X = [1, x] rows and y for a 2×2 table: (x = 0: n0 rows, y0 ones), (x = 1: n1 rows, y1 ones). */
function table(n0: number, y0: number, n1: number, y1: number): { X: Float64Array; y: Float64Array } {
  const n = n0 + n1;
  const X = new Float64Array(2 * n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = i < n0 ? 0 : 1;
    X[2 * i] = 1;
    X[2 * i + 1] = x;
    y[i] = x === 0 ? (i < y0 ? 1 : 0) : i - n0 < y1 ? 1 : 0;
  }
  return { X, y };
}

describe('fitLogisticIrls', () => {
  it('reproduces the 2×2 table: log odds, log odds ratio, Woolf SEs, log-likelihood (Hillstrom totals)', () => {
    // the real file's totals: control 21,306 rows / 122 conversions, e-mail 42,694 / 456
    const { X, y } = table(21306, 122, 42694, 456);
    const fit = fitLogisticIrls(X, y, 2, { names: ['Intercept', 'treatment'] });
    const a = 122;
    const b = 21306 - 122;
    const c = 456;
    const d = 42694 - 456;
    expect(fit.converged).toBe(true);
    expect(fit.separation).toBe(false);
    expect(fit.coefficients[0]).toBeCloseTo(Math.log(a / b), 10);
    expect(fit.coefficients[1]).toBeCloseTo(Math.log((c / d) / (a / b)), 10);
    expect(fit.standardErrors[0]).toBeCloseTo(Math.sqrt(1 / a + 1 / b), 8);
    expect(fit.standardErrors[1]).toBeCloseTo(Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d), 8);
    const p0 = a / 21306;
    const p1 = c / 42694;
    const logLik = a * Math.log(p0) + b * Math.log(1 - p0) + c * Math.log(p1) + d * Math.log(1 - p1);
    expect(fit.logLik).toBeCloseTo(logLik, 6);
    expect(fit.iterations).toBeLessThan(12);
  });

  it('solves the score equations Xᵀ(y − p̂) = 0 with several covariates', () => {
    const rng = new Rng(8);
    const n = 3000;
    const p = 4;
    const X = new Float64Array(n * p);
    const y = new Float64Array(n);
    const beta = [-1, 0.8, -0.5, 0.3];
    for (let i = 0; i < n; i++) {
      X[i * p] = 1;
      for (let j = 1; j < p; j++) X[i * p + j] = rng.normal();
      let eta = 0;
      for (let j = 0; j < p; j++) eta += X[i * p + j] * beta[j];
      y[i] = rng.bernoulli(1 / (1 + Math.exp(-eta)));
    }
    const fit = fitLogisticIrls(X, y, p);
    for (let j = 0; j < p; j++) {
      let score = 0;
      for (let i = 0; i < n; i++) score += X[i * p + j] * (y[i] - fit.fitted[i]);
      expect(Math.abs(score)).toBeLessThan(1e-6);
      expect(Math.abs(fit.coefficients[j] - beta[j])).toBeLessThan(4 * fit.standardErrors[j]);
    }
  });

  it('flags separation: a cell with no successes drives its coefficient off towards −∞ with a huge SE', () => {
    const { X, y } = table(500, 0, 500, 40);
    const fit = fitLogisticIrls(X, y, 2, { names: ['Intercept', 'x'] });
    expect(fit.separation).toBe(true);
    expect(fit.diverging).toEqual(['Intercept', 'x']);
    expect(fit.coefficients[0]).toBeLessThan(-15);
    expect(fit.standardErrors[0]).toBeGreaterThan(100);
    // the slope's fitted rate for x = 1 is still the observed 40/500
    expect(fit.fitted[999]).toBeCloseTo(0.08, 6);
  });

  it('names a redundant design column in a UserError', () => {
    const n = 50;
    const X = new Float64Array(n * 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[3 * i] = 1;
      X[3 * i + 1] = i % 3;
      X[3 * i + 2] = 2 * (i % 3);
      y[i] = i % 2;
    }
    expect(userErrorOf(() => fitLogisticIrls(X, y, 3, { names: ['Intercept', 'a', 'twice_a'] }))).toMatch(/"twice_a"/);
  });
});
