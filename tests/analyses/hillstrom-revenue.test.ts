/**
 * The revenue part of the Hillstrom analysis (src/decision/revenue.ts, src/analyses/hillstrom-revenue.ts): the
 * expected spend of each family against Monte Carlo (lognormal) and its definition (gamma), the per-draw product and
 * the decision by hand, the converters' rows, and on the real file (skipped with a notice when absent) both spend
 * models fitted and chosen by PSIS-LOO, with revenue = P(convert) × E[spend] checked draw by draw. The end-to-end
 * numbers on simulated data are checked against a direct computation from the draws in hillstrom.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { analyzeRevenue, converterRows } from '../../src/analyses/hillstrom-revenue.js';
import { SEGMENT } from '../../src/analyses/hillstrom.js';
import { loadHillstrom } from '../../src/data/hillstrom.js';
import type { SegmentEffectDraws } from '../../src/decision/effects.js';
import { netGainDecision } from '../../src/decision/policy.js';
import { expectedSpend, revenueDraws } from '../../src/decision/revenue.js';
import { Rng } from '../../src/rng.js';
import { cat, frame, num } from '../helpers/frames.js';
import { hillstromPathOrNotice } from '../helpers/hillstrom.js';

describe('expected spend and revenue per draw', () => {
  it('lognormal: exp(η + σ²/2) matches the Monte Carlo mean of exp(Normal(η, σ)) within 4 standard errors', () => {
    const rng = new Rng(17, 0);
    const eta = 4.2;
    const sigma = 0.9;
    const n = 400_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const y = Math.exp(eta + sigma * rng.normal());
      sum += y;
      sumSq += y * y;
    }
    const mean = sum / n;
    const se = Math.sqrt((sumSq / n - mean * mean) / n);
    const exact = expectedSpend('lognormal', Float64Array.of(eta), Float64Array.of(sigma))[0];
    expect(exact).toBeCloseTo(Math.exp(4.2 + 0.405), 10);
    expect(Math.abs(mean - exact)).toBeLessThan(4 * se);
  });

  it('gamma with the log link: the mean is exp(η), whatever the shape', () => {
    const e = expectedSpend('gamma', Float64Array.of(0, Math.log(80)), null);
    expect(e[0]).toBe(1);
    expect(e[1]).toBeCloseTo(80, 12);
  });

  it('revenue is P × E per draw (paired by index); the decision is E[uplift] − cost and P(uplift > cost)', () => {
    const r = revenueDraws(Float64Array.of(0.01, 0.02), Float64Array.of(0.02, 0.03), Float64Array.of(100, 50), Float64Array.of(110, 40));
    expect(Array.from(r.control)).toEqual([1, 1]);
    expect(Array.from(r.treated)).toEqual([2.2, 1.2]);
    expect(r.uplift[0]).toBeCloseTo(1.2, 14);
    expect(r.uplift[1]).toBeCloseTo(0.2, 14);
    const d = netGainDecision(r.uplift, 1, 0.5);
    expect(d.expectedNetValue).toBeCloseTo(0.7 - 0.5, 14);
    expect(d.probPays).toBe(0.5);
    expect(d.action).toBe('target');
    expect(() => revenueDraws(Float64Array.of(1), Float64Array.of(1), Float64Array.of(1, 2), Float64Array.of(1, 2))).toThrow(/same chains and draws/);
  });
});

describe('the converters', () => {
  it('are the rows with conversion 1 and spend > 0; every level of a categorical column is kept', () => {
    const f = frame(
      num('conversion', [0, 1, 1, 0, 1]),
      num('spend', [0, 30, 0, 0, 12.5]),
      cat('history_segment', ['a', 'b', 'c', 'a', 'b']),
    );
    const c = converterRows(f);
    expect(c.frame.nRows).toBe(2);
    expect(c.withoutSpend).toBe(1);
    expect(Array.from((c.frame.columns.get('spend') as { values: Float64Array }).values)).toEqual([30, 12.5]);
    const seg = c.frame.columns.get('history_segment') as { codes: Uint32Array; levels: string[] };
    expect(seg.levels).toEqual(['a', 'b', 'c']);
    expect(Array.from(seg.codes)).toEqual([1, 1]);
    expect(() => converterRows(frame(num('conversion', [0, 1]), num('spend', [0, 0])))).toThrow(/no converter has spend > 0/);
  });
});

const path = hillstromPathOrNotice('revenue analysis on the real data (tests/analyses/hillstrom-revenue.test.ts)');

describe.skipIf(path === null)('spend models on the real Hillstrom converters', () => {
  it('fits lognormal and gamma, chooses by PSIS-LOO, and multiplies the draws by P(convert)', async () => {
    const data = loadHillstrom(path!);
    const conversion = (data.columns.get('conversion') as { values: Float64Array }).values;
    const spend = (data.columns.get('spend') as { values: Float64Array }).values;
    let converters = 0;
    let spendSum = 0;
    for (let i = 0; i < data.nRows; i++) {
      if (conversion[i] === 1 && spend[i] > 0) {
        converters++;
        spendSum += spend[i];
      }
    }
    const seg = data.columns.get(SEGMENT) as { codes: Uint32Array; levels: string[] };
    const chains = 2;
    const draws = 200;
    const S = chains * draws;
    // a fixed conversion probability per arm (not a fit): revenue must be exactly p × E[spend] draw by draw
    const conversionDraws: SegmentEffectDraws[] = seg.levels.map((segment) => ({
      segment,
      effect: new Float64Array(S),
      uplift: new Float64Array(S).fill(0.005),
      pControl: new Float64Array(S).fill(0.005),
      pTreated: new Float64Array(S).fill(0.01),
    }));
    const r = await analyzeRevenue(data, { name: SEGMENT, codes: seg.codes, levels: seg.levels }, conversionDraws, {
      fit: { backend: 'reference', chains, warmup: 200, draws, seed: 5 },
      costPerContact: 0.2,
    });
    expect(r.converters).toBe(converters);
    const elpd = new Map(r.fits.map((f) => [f.family, f.figures.loo.elpdLoo.estimate]));
    expect(r.chosen).toBe(elpd.get('lognormal')! >= elpd.get('gamma')! ? 'lognormal' : 'gamma');
    const diff = r.comparison[1];
    console.log(
      `real data: ${converters} converters, mean spend ${(spendSum / converters).toFixed(2)}; PSIS-LOO chose ${r.chosen}, ` +
        `${diff.model} elpd_diff ${diff.elpdDiff.toFixed(2)} (se ${diff.seDiff.toFixed(2)})`,
    );
    expect(diff.seDiff).toBeGreaterThan(0);
    for (const f of r.fits) console.log(`${f.family}: ${f.diagnostics.seconds.toFixed(1)} s, max rhat ${f.diagnostics.maxRhat}, ${f.diagnostics.divergences} divergences, ${f.diagnostics.backend}`);
    for (const s of r.segments) {
      expect(s.revenue.control.mean).toBeCloseTo(0.005 * s.spendControl.mean, 10);
      expect(s.revenue.treated.mean).toBeCloseTo(0.01 * s.spendTreated.mean, 10);
      expect(s.decision.expectedNetValue).toBeCloseTo(s.revenue.uplift.mean - 0.2, 10);
      // E[spend | converted] between the smallest and the largest order of magnitude of the observed spend
      expect(s.spendTreated.mean).toBeGreaterThan(20);
      expect(s.spendTreated.mean).toBeLessThan(1000);
    }
  }, 300_000);
});
