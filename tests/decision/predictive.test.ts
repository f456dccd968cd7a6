/**
 * Prior and posterior predictive checks against closed forms on an intercept-only model:
 * - prior predictive with b_Intercept ~ Normal(−3, 1): implied probability quantiles are σ(−3 + z_q) (σ is
 *   monotone), within Monte Carlo error;
 * - draws from each prior family: sample means against the family's mean (halfnormal σ√(2/π), exponential 1/λ,
 *   Student-t variance ν/(ν − 2));
 * - posterior predictive rate with a point-mass posterior at logit(0.2): replicated rates are Binomial(n, 0.2)/n,
 *   mean 0.2 and sd √(0.2 · 0.8/n).
 */
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/numeric/logistic.js';
import { frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { posteriorPredictiveRate } from '../../src/decision/ppc.js';
import { drawFromPrior, priorPredictive } from '../../src/decision/prior-predictive.js';
import { normalQuantile } from '../../src/numeric/normal-quantile.js';
import { makeDrawSet } from '../../src/draws.js';
import { buildModel } from '../../src/model/build.js';
import { Rng } from '../../src/rng.js';

const n = 400;
const frame = frameFromColumns([numericColumn('y', Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0)))], 'intercept-only');

describe('priorPredictive', () => {
  it('implied probabilities of y ~ 1 with Intercept ~ Normal(−3, 1) have quantiles σ(−3 + z_q)', () => {
    // the prior given explicitly (the default is data-scaled: src/model/family-priors.ts)
    const { spec } = buildModel(frame, 'y ~ 1', { priors: { Intercept: 'normal(-3, 1)' } });
    const pp = priorPredictive(spec, { draws: 4000, maxRows: 5, seed: 2 });
    [0.05, 0.25, 0.5, 0.75, 0.95].forEach((q, k) => {
      // MC error of a quantile of 4000 draws: about √(q(1−q)/S)/φ(z) in z units ≈ 0.04; allow 0.1 on the z scale
      const lo = sigmoid(-3 + normalQuantile(q) - 0.1);
      const hi = sigmoid(-3 + normalQuantile(q) + 0.1);
      expect(pp.probabilityQuantiles[k]).toBeGreaterThan(lo);
      expect(pp.probabilityQuantiles[k]).toBeLessThan(hi);
    });
    expect(pp.observedRate).toBeCloseTo(0.2, 14);
    expect(pp.meanRates).toHaveLength(4000);
  });
});

describe('drawFromPrior', () => {
  const S = 100_000;
  const meanOf = (f: () => number): number => {
    let s = 0;
    for (let i = 0; i < S; i++) s += f();
    return s / S;
  };
  it('matches each family\'s mean (within 4 standard errors)', () => {
    const rng = new Rng(4);
    expect(Math.abs(meanOf(() => drawFromPrior(rng, { family: 'normal', params: [-3, 2] })) + 3)).toBeLessThan(4 * (2 / Math.sqrt(S)));
    const hn = 0.5 * Math.sqrt(2 / Math.PI);
    const hnSd = 0.5 * Math.sqrt(1 - 2 / Math.PI);
    expect(Math.abs(meanOf(() => drawFromPrior(rng, { family: 'halfnormal', params: [0.5] })) - hn)).toBeLessThan(4 * (hnSd / Math.sqrt(S)));
    expect(Math.abs(meanOf(() => drawFromPrior(rng, { family: 'exponential', params: [2] })) - 0.5)).toBeLessThan(4 * (0.5 / Math.sqrt(S)));
    // student_t(5, 1, 2): mean 1, variance 4 · 5/3
    const sd = Math.sqrt((4 * 5) / 3);
    expect(Math.abs(meanOf(() => drawFromPrior(rng, { family: 'student_t', params: [5, 1, 2] })) - 1)).toBeLessThan(4 * (sd / Math.sqrt(S)));
    const second = meanOf(() => drawFromPrior(rng, { family: 'student_t', params: [5, 0, 1] }) ** 2);
    expect(Math.abs(second - 5 / 3)).toBeLessThan(0.1);
    expect(meanOf(() => drawFromPrior(rng, { family: 'halfstudent_t', params: [3, 1] }))).toBeGreaterThan(0);
  });
});

describe('posteriorPredictiveRate', () => {
  it('with a point-mass posterior gives Binomial(n, p)/n replicated rates', () => {
    const { spec } = buildModel(frame, 'y ~ 1');
    const ds = makeDrawSet(['b_Intercept'], 2, 1000);
    ds.values.fill(Math.log(0.2 / 0.8));
    const ppc = posteriorPredictiveRate(spec, ds, { maxDraws: 2000, seed: 5 });
    expect(ppc.replicatedRates).toHaveLength(2000);
    const sd = Math.sqrt((0.2 * 0.8) / n);
    expect(Math.abs(ppc.mean - 0.2)).toBeLessThan(4 * (sd / Math.sqrt(2000)));
    let ss = 0;
    for (const r of ppc.replicatedRates) ss += (r - ppc.mean) ** 2;
    expect(Math.sqrt(ss / 1999) / sd).toBeGreaterThan(0.9);
    expect(Math.sqrt(ss / 1999) / sd).toBeLessThan(1.1);
    expect(ppc.observedRate).toBeCloseTo(0.2, 14);
    expect(ppc.tailProbability).toBeGreaterThan(0.3);
    expect(ppc.p05).toBeLessThan(0.2);
    expect(ppc.p95).toBeGreaterThan(0.2);
  });
});
