// The early metric of warm-up's initial buffer (src/sampler/adaptation/early-metric.ts). References: a Gaussian
// with independent coordinates, whose gradient is −(q − μ)/σ² exactly, so that sqrt(var q / var g) = σ² whatever the
// draws (also while they drift); the window schedule written out; a sampler run on a badly scaled Gaussian, where
// the early metric must cut the gradients warm-up spends in its initial buffer and keep the posterior.
import { describe, expect, it } from 'vitest';
import { EarlyMetric, earlyMetricEnds } from '../../src/sampler/adaptation/early-metric.js';
import { STAN_ADAPTATION, NUTMEG_ADAPTATION } from '../../src/sampler/adaptation/window-adaptation.js';
import { sample } from '../../src/sampler/run.js';
import { Rng } from '../../src/rng.js';

describe('early metric windows', () => {
  it('doubling windows from 10 iterations, the last stretched to end 5 iterations before the initial buffer does', () => {
    expect(earlyMetricEnds(75)).toEqual([9, 29, 69]);
    expect(earlyMetricEnds(150)).toEqual([9, 29, 69, 144]);
    expect(earlyMetricEnds(15)).toEqual([9]);
    expect(earlyMetricEnds(14)).toEqual([]);
    expect(earlyMetricEnds(0)).toEqual([]);
  });
});

describe('early metric estimate', () => {
  it('is σ² per coordinate for a Gaussian with independent coordinates, even on drifting draws', () => {
    const sigma = [0.01, 1, 30];
    const mu = [-5, 0, 2];
    const d = sigma.length;
    const early = new EarlyMetric(2, d, 75, true);
    const rng = new Rng(3, 0);
    const q = new Float64Array(2 * d);
    const g = new Float64Array(2 * d);
    for (let k = 0; k < 10; k++) {
      for (let c = 0; c < 2; c++) {
        for (let i = 0; i < d; i++) {
          // chain 1 drifts towards μ from far away; chain 0 is at stationarity
          const x = c === 0 ? mu[i] + sigma[i] * rng.normal() : mu[i] + sigma[i] * (40 - 4 * k + rng.normal());
          q[c * d + i] = x;
          g[c * d + i] = -(x - mu[i]) / sigma[i] ** 2;
        }
        early.add(c, q, g);
      }
    }
    for (let c = 0; c < 2; c++) {
      const inverse = new Float64Array(d).fill(1);
      expect(early.estimate(c, inverse)).toBe(true);
      for (let i = 0; i < d; i++) expect(inverse[i] / sigma[i] ** 2).toBeCloseTo(1, 10);
    }
  });

  it('keeps the current value of a coordinate that did not move, and restarts after each estimate', () => {
    const early = new EarlyMetric(1, 2, 75, true);
    const q = new Float64Array(2);
    const g = new Float64Array(2);
    for (let k = 0; k < 5; k++) {
      q[0] = k;
      g[0] = -k;
      q[1] = 3; // stuck
      g[1] = 0.5;
      early.add(0, q, g);
    }
    const inverse = new Float64Array([7, 7]);
    expect(early.estimate(0, inverse)).toBe(true);
    expect(Array.from(inverse)).toEqual([1, 7]);
    // nothing collected since: no estimate, nothing changed
    expect(early.estimate(0, inverse)).toBe(false);
    expect(Array.from(inverse)).toEqual([1, 7]);
  });

  it('is off in STAN_ADAPTATION and on in NUTMEG_ADAPTATION', () => {
    expect(STAN_ADAPTATION.earlyMetric).toBe(false);
    expect(NUTMEG_ADAPTATION.earlyMetric).toBe(true);
    expect(new EarlyMetric(1, 3, 75, false).ends).toEqual([]);
  });
});

describe('early metric in a run', () => {
  /** Independent Gaussian with scales 1e-3 … 10: the unit metric of Stan's initial buffer needs tiny steps. */
  const scales = [1e-3, 0.05, 1, 10];
  const target = {
    dim: scales.length,
    async logDensityGradient(pos: Float64Array, n: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array) {
      const d = scales.length;
      for (let c = 0; c < n; c++) {
        if (active && active[c] === 0) continue;
        let lp = 0;
        for (let i = 0; i < d; i++) {
          const x = pos[c * d + i] - 1;
          lp -= (0.5 * x * x) / scales[i] ** 2;
          grad[c * d + i] = -x / scales[i] ** 2;
        }
        logp[c] = lp;
      }
    },
  };

  it('cuts the gradients of the initial buffer several-fold and leaves the posterior where it is', async () => {
    const gradientsUpTo = async (earlyMetric: boolean) => {
      let atBufferEnd = 0;
      const result = await sample(target, {
        chains: 2,
        warmup: 300,
        draws: 500,
        seed: 4,
        adapt: 'stan',
        adaptation: { earlyMetric },
        onProgress: (p) => {
          if (p.iteration === 75) atBufferEnd = p.gradients.reduce((s, g) => s + g, 0);
        },
      });
      return { atBufferEnd, result };
    };
    const stan = await gradientsUpTo(false);
    const early = await gradientsUpTo(true);
    console.log(`gradients in the initial buffer (75 iterations × 2 chains): Stan's unit metric ${stan.atBufferEnd}, early metric ${early.atBufferEnd}`);
    expect(stan.atBufferEnd).toBeGreaterThan(3 * early.atBufferEnd);
    // the draws: mean 1 and sd = scale per coordinate, within 5 Monte Carlo errors (ESS ≥ 200 of 1000 draws here)
    const d = scales.length;
    for (let i = 0; i < d; i++) {
      const xs: number[] = [];
      for (const chain of early.result.draws) for (let k = 0; k < early.result.nDraws; k++) xs.push(chain[k * d + i]);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
      expect(Math.abs(mean - 1)).toBeLessThan((5 * scales[i]) / Math.sqrt(200));
      expect(Math.abs(sd / scales[i] - 1)).toBeLessThan(0.15);
    }
  });
});
