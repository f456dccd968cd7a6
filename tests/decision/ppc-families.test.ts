/**
 * Posterior predictive checks per family: the observed statistics against values computed by hand for a five-row
 * data set, and, with a point-mass posterior (every draw the same η and aux), the replicated statistics against the
 * family's closed-form moments (gaussian: mean η, sd σ; lognormal: mean e^{η+σ²/2}, sd mean·√(e^{σ²} − 1); gamma:
 * mean e^η, sd e^η/√α; poisson: mean λ, dispersion 1, zeros e^{−λ}; NB2: mean μ, dispersion 1 + μ/φ, zeros
 * (φ/(φ + μ))^φ; probit: rate Φ(η) (Φ(0.3) = 0.6179114222, R pnorm); binomial logit: rate σ(η)). The p-value is the
 * share of replicated statistics at or above the observed one.
 */
import { describe, expect, it } from 'vitest';
import { makeDrawSet } from '../../src/draws.js';
import { observedStatistics, posteriorPredictiveCheck, type PpcStatisticName } from '../../src/decision/ppc.js';
import { buildModel } from '../../src/model/build.js';
import type { Family } from '../../src/model/spec.js';
import { frame, num } from '../helpers/frames.js';

describe('observedStatistics', () => {
  const cases: [Family, number[], Record<string, number>][] = [
    // Σy = 8, Σy² = 30: variance (30 − 5·1.6²)/4 = 4.3
    ['poisson', [0, 2, 0, 5, 1], { mean: 1.6, dispersion: 4.3 / 1.6, zeros: 0.4 }],
    ['negbinomial', [0, 2, 0, 5, 1], { mean: 1.6, dispersion: 4.3 / 1.6, zeros: 0.4 }],
    // mean 2.5, Σ(y − ȳ)² = 2.25 + 0.25 + 0.25 + 2.25 + 0 = 5 → sd √(5/4)
    ['gaussian', [1, 2, 3, 4, 2.5], { mean: 2.5, sd: Math.sqrt(1.25) }],
    ['gamma', [1, 2, 3, 4, 2.5], { mean: 2.5, sd: Math.sqrt(1.25) }],
    ['lognormal', [1, 2, 3, 4, 2.5], { mean: 2.5, sd: Math.sqrt(1.25) }],
    ['bernoulli', [0, 1, 1, 0, 1], { rate: 0.6 }],
  ];
  for (const [family, y, expected] of cases) {
    it(`${family}: ${Object.keys(expected).join(', ')}`, () => {
      const { spec } = buildModel(frame(num('y', y)), 'y ~ 1', { family });
      const got = observedStatistics(spec);
      expect([...got.keys()]).toEqual(Object.keys(expected));
      for (const [name, value] of Object.entries(expected)) expect(got.get(name as PpcStatisticName)).toBeCloseTo(value, 12);
    });
  }
  it('all-zero counts: dispersion 0 (not 0/0), zeros 1', () => {
    const { spec } = buildModel(frame(num('y', [0, 0, 0])), 'y ~ 1', { family: 'poisson' });
    expect(Object.fromEntries(observedStatistics(spec))).toEqual({ mean: 0, dispersion: 0, zeros: 1 });
  });
  it('binomial: Σy/Σtrials', () => {
    const { spec } = buildModel(frame(num('y', [1, 0, 3]), num('n', [2, 4, 4])), 'y | trials(n) ~ 1');
    expect(observedStatistics(spec).get('rate')).toBeCloseTo(0.4, 14);
  });
});

interface Case {
  readonly family: Family;
  readonly link?: 'probit';
  readonly eta: number;
  readonly aux?: number;
  readonly expected: Partial<Record<PpcStatisticName, number>>;
}

const n = 400;
const lnMean = Math.exp(0.5 + 0.08);
const CASES: Case[] = [
  { family: 'gaussian', eta: 1, aux: 2, expected: { mean: 1, sd: 2 } },
  { family: 'lognormal', eta: 0.5, aux: 0.4, expected: { mean: lnMean, sd: lnMean * Math.sqrt(Math.expm1(0.16)) } },
  { family: 'gamma', eta: 1, aux: 3, expected: { mean: Math.E, sd: Math.E / Math.sqrt(3) } },
  { family: 'poisson', eta: Math.log(3), expected: { mean: 3, dispersion: 1, zeros: Math.exp(-3) } },
  { family: 'negbinomial', eta: Math.log(3), aux: 2, expected: { mean: 3, dispersion: 2.5, zeros: 0.16 } },
  { family: 'bernoulli', link: 'probit', eta: 0.3, expected: { rate: 0.6179114222 } },
];

describe('posteriorPredictiveCheck with a point-mass posterior', () => {
  for (const c of CASES) {
    it(`${c.family}${c.link ? ` (${c.link})` : ''}: replicated statistics match the closed-form moments`, () => {
      const y = Array.from({ length: n }, (_, i) => (c.family === 'gaussian' ? i / n - 0.5 : c.family === 'bernoulli' ? i % 2 : 1 + (i % 3)));
      const { spec } = buildModel(frame(num('y', y)), 'y ~ 1', { family: c.family, link: c.link });
      const names = ['b_Intercept', ...(spec.aux ?? []).map((a) => a.name)];
      const ds = makeDrawSet(names, 2, 150);
      const size = 300;
      ds.values.fill(c.eta, 0, size);
      if (c.aux !== undefined) ds.values.fill(c.aux, size, 2 * size);
      const ppc = posteriorPredictiveCheck(spec, ds, { seed: 3, keepReplicates: 2 });
      expect(ppc.family).toBe(c.family);
      expect(ppc.draws).toBe(300);
      expect(ppc.replicates).toHaveLength(2);
      expect(ppc.replicates[0]).toHaveLength(n);
      expect(ppc.statistics.map((s) => s.name)).toEqual(Object.keys(c.expected));
      for (const s of ppc.statistics) {
        const want = c.expected[s.name]!;
        // the mean over 300 replicated data sets of 400 rows: 120,000 rows in all; sd and dispersion carry an
        // O(1/n) bias, well inside 3%
        expect(Math.abs(s.mean - want), `${s.name}: ${s.mean} vs ${want}`).toBeLessThan(0.03 * Math.max(Math.abs(want), 0.1));
        expect(s.p05).toBeLessThanOrEqual(s.mean);
        expect(s.p95).toBeGreaterThanOrEqual(s.mean);
        const above = s.replicated.filter((v) => v >= s.observed).length;
        expect(s.pValue).toBe(above / 300);
      }
    });
  }

  it('poisson fitted to overdispersed counts: the dispersion p-value is 0 (no replicate is as dispersed)', () => {
    // half the rows 0, half 12: mean 6, variance ≈ 36, dispersion ≈ 6
    const y = Array.from({ length: n }, (_, i) => (i % 2 ? 12 : 0));
    const { spec } = buildModel(frame(num('y', y)), 'y ~ 1', { family: 'poisson' });
    const ds = makeDrawSet(['b_Intercept'], 1, 200);
    ds.values.fill(Math.log(6));
    const ppc = posteriorPredictiveCheck(spec, ds, { seed: 1 });
    const byName = new Map(ppc.statistics.map((s) => [s.name, s]));
    expect(byName.get('dispersion')!.observed).toBeCloseTo((n * 36) / (n - 1) / 6, 10);
    expect(byName.get('dispersion')!.pValue).toBe(0);
    expect(byName.get('zeros')!.pValue).toBe(0);
  });

  it('a draw set without the aux parameter is an error naming it', () => {
    const { spec } = buildModel(frame(num('y', [1, 2, 3])), 'y ~ 1', { family: 'gamma' });
    expect(() => posteriorPredictiveCheck(spec, makeDrawSet(['b_Intercept'], 1, 4))).toThrow(/no variable shape/);
  });
});
