/**
 * The whole sampler (initialisation, the default warm-up adaptation, lockstep NUTS) on Gaussian targets with known moments:
 * means and variances within 4 Monte Carlo standard errors of the truth (closed form), R-hat < 1.01 (R posterior's
 * rank-normalized split R-hat, src/diagnostics).
 */
import { describe, expect, it } from 'vitest';
import { sample } from '../../src/sampler/run.js';
import { momentReport } from './helpers/moments.js';
import { GaussianTarget } from './helpers/targets.js';

describe('NUTS on Gaussian targets', () => {
  for (const d of [1, 10, 100]) {
    it(`standard normal in ${d} dimension(s)`, async () => {
      const target = GaussianTarget.standard(d);
      const result = await sample(target, { chains: 4, warmup: 500, draws: 1000, seed: 11 + d });
      const r = momentReport(result, new Float64Array(d), new Float64Array(d).fill(1));
      expect(r.worstMeanZ).toBeLessThan(4);
      expect(r.worstVarZ).toBeLessThan(4);
      expect(r.worstRhat).toBeLessThan(1.01);
      expect(result.incomplete).toBe(false);
      expect(result.nDraws).toBe(1000);
      // a well-adapted standard normal needs no divergent transitions
      expect(Array.from(result.divergences).every((n) => n === 0)).toBe(true);
    });
  }

  // scales 0.1 … 10 and correlation 0.9 between the first two coordinates
  const sds = [0.1, 1, 10, 2];
  const cov = new Float64Array(16);
  for (let i = 0; i < 4; i++) cov[i * 4 + i] = sds[i] * sds[i];
  cov[1] = cov[4] = 0.9 * sds[0] * sds[1];
  const mu = [1, -2, 30, 0];
  for (const metric of ['diag', 'dense'] as const) {
    it(`correlated, badly scaled Gaussian with the ${metric} metric`, async () => {
      const target = GaussianTarget.withCovariance(mu, cov);
      const result = await sample(target, { chains: 4, warmup: 1000, draws: 1000, seed: 5, metric });
      const r = momentReport(result, mu, sds.map((s) => s * s));
      expect(r.worstMeanZ).toBeLessThan(4);
      expect(r.worstVarZ).toBeLessThan(4);
      expect(r.worstRhat).toBeLessThan(1.01);
      // the adapted inverse metric: the Fisher-divergence diagonal sqrt(Σᵢᵢ / (Σ⁻¹)ᵢᵢ) (the default warm-up,
      // src/sampler/adaptation/fisher-metric.ts), which is Σᵢᵢ·sqrt(1 − ρ²) for the correlated pair and Σᵢᵢ for the
      // others; the dense one estimates the covariance
      const inv = result.inverseMetric[0];
      if (metric === 'diag') {
        const fisher = (i: number): number => cov[i * 5] * (i < 2 ? Math.sqrt(1 - 0.9 * 0.9) : 1);
        for (let i = 0; i < 4; i++) expect(inv[i] / fisher(i)).toBeGreaterThan(0.7);
        for (let i = 0; i < 4; i++) expect(inv[i] / fisher(i)).toBeLessThan(1.4);
      } else {
        expect(inv[1] / Math.sqrt(inv[0] * inv[5])).toBeGreaterThan(0.8);
      }
      const gradsPerDraw = result.samplingGradientEvaluations[0] / result.nDraws;
      if (metric === 'dense') expect(gradsPerDraw).toBeLessThan(8);
    });
  }
});
