/**
 * sim:its: least squares of sales on the generating columns (1, day, weekly sin/cos of orders 1–2, temperature, the
 * post-intervention indicator) recovers ITS_TRUTH within 4 standard errors, the residual sd is sigma within 15%,
 * and the same seed gives the same data.
 */
import { describe, expect, it } from 'vitest';
import { choleskyLower } from '../../src/numeric/cholesky.js';
import { columnAsNumbers } from '../../src/data/frame-build.js';
import { ITS_TRUTH, itsSimulationDate, simulateIts } from '../../src/data/simulate/its.js';

describe('simulateIts', () => {
  it('has the stated columns, dates and intervention day', () => {
    const { frame, truth } = simulateIts({ seed: 4 });
    expect([...frame.columns.keys()]).toEqual(['date', 'temperature', 'sales']);
    expect(frame.nRows).toBe(200);
    expect(truth.intervention_day).toBe(150);
    expect(itsSimulationDate(150)).toBe('2023-05-31');
    expect(Array.from(columnAsNumbers(simulateIts({ seed: 4 }).frame.columns.get('sales')!)!)).toEqual(Array.from(columnAsNumbers(frame.columns.get('sales')!)!));
  });

  it('recovers its truth by least squares', () => {
    const n = 2000;
    const { frame, truth } = simulateIts({ seed: 9, n });
    const y = columnAsNumbers(frame.columns.get('sales')!)!;
    const temp = columnAsNumbers(frame.columns.get('temperature')!)!;
    const w = (2 * Math.PI) / 7;
    const row = (d: number) => [1, d, Math.sin(w * d), Math.cos(w * d), Math.sin(2 * w * d), Math.cos(2 * w * d), temp[d], d >= truth.intervention_day ? 1 : 0];
    const names = ['base', 'slope', 'sin_weekly_1', 'cos_weekly_1', 'sin_weekly_2', 'cos_weekly_2', 'temperature_coef', 'effect'] as const;
    const P = names.length;
    const xtx = new Float64Array(P * P);
    const xty = new Float64Array(P);
    for (let d = 0; d < n; d++) {
      const x = row(d);
      for (let a = 0; a < P; a++) {
        xty[a] += x[a] * y[d];
        for (let b = 0; b < P; b++) xtx[a * P + b] += x[a] * x[b];
      }
    }
    const L = new Float64Array(P * P);
    expect(choleskyLower(xtx, P, L)).toBe(-1);
    // solve L Lᵀ beta = xty, and the diagonal of (XᵀX)⁻¹ from L⁻¹
    const solve = (rhs: Float64Array): Float64Array => {
      const z = new Float64Array(P);
      for (let i = 0; i < P; i++) {
        let s = rhs[i];
        for (let k = 0; k < i; k++) s -= L[i * P + k] * z[k];
        z[i] = s / L[i * P + i];
      }
      const b = new Float64Array(P);
      for (let i = P - 1; i >= 0; i--) {
        let s = z[i];
        for (let k = i + 1; k < P; k++) s -= L[k * P + i] * b[k];
        b[i] = s / L[i * P + i];
      }
      return b;
    };
    const beta = solve(xty);
    let rss = 0;
    for (let d = 0; d < n; d++) {
      const x = row(d);
      let mu = 0;
      for (let a = 0; a < P; a++) mu += x[a] * beta[a];
      rss += (y[d] - mu) ** 2;
    }
    const s2 = rss / (n - P);
    expect(Math.abs(Math.sqrt(s2) / ITS_TRUTH.sigma - 1)).toBeLessThan(0.15);
    names.forEach((name, a) => {
      const e = new Float64Array(P);
      e[a] = 1;
      const se = Math.sqrt(s2 * solve(e)[a]);
      expect(Math.abs(beta[a] - ITS_TRUTH[name]), `${name}: ${beta[a]} vs ${ITS_TRUTH[name]} (se ${se})`).toBeLessThan(4 * se);
    });
  });
});
