// Draws from the LKJ prior (src/decision/prior-predictive.ts, drawLkjCpc). Reference: the marginal of every
// correlation of an m × m LKJ(η) matrix is Beta(η − 1 + m/2, η − 1 + m/2) on (−1, 1) (Lewandowski, Kurowicka & Joe
// 2009, section 3.2), mean 0 and variance 1/(2η + m − 1); Monte Carlo with 40,000 draws (standard error of the
// variance ≈ 0.002).
import { describe, expect, it } from 'vitest';
import { drawLkjCpc } from '../../src/decision/prior-predictive.js';
import { choleskyFromCpc, correlationFromCholesky, cpcCount } from '../../src/model/correlation.js';
import { Rng } from '../../src/rng.js';

describe('drawLkjCpc', () => {
  for (const [m, eta] of [[2, 1], [3, 1.5], [4, 0.8]] as const) {
    it(`m = ${m}, η = ${eta}: every correlation has mean 0 and variance 1/(2η + m − 1)`, () => {
      const rng = new Rng(3, m);
      const N = 40_000;
      const y = new Float64Array(cpcCount(m));
      const L = new Float64Array(m * m);
      const omega = new Float64Array(cpcCount(m));
      const sum = new Float64Array(cpcCount(m));
      const sumSq = new Float64Array(cpcCount(m));
      for (let s = 0; s < N; s++) {
        drawLkjCpc(rng, m, eta, y, 0);
        choleskyFromCpc(y, 0, m, L);
        correlationFromCholesky(L, m, omega, 0);
        for (let j = 0; j < omega.length; j++) {
          sum[j] += omega[j];
          sumSq[j] += omega[j] ** 2;
        }
      }
      for (let j = 0; j < omega.length; j++) {
        expect(Math.abs(sum[j] / N)).toBeLessThan(0.012);
        expect(Math.abs(sumSq[j] / N - 1 / (2 * eta + m - 1))).toBeLessThan(0.008);
      }
    });
  }
});
