/**
 * Beta-Binomial A/B test against closed forms (tests/decision/beta-binomial-reference.ts): posterior means
 * α/(α + β), exact beta quantiles, P(B > A) by Evan Miller's sum, P(best) and expected loss by quadrature, and the
 * relative lift's mean E[p_j]·E[1/p_c] − 1 = α_j/(α_j + β_j) · (α_c + β_c − 1)/(α_c − 1) − 1; Monte Carlo figures
 * agree within 4 Monte Carlo standard errors. On the real Hillstrom file (skipped with a notice when absent) the
 * three arms of `segment` on conversion and on visit, with counts computed independently by Python's csv module.
 */
import { describe, expect, it } from 'vitest';
import { abTest, armsOfFrame, chooseControl } from '../../src/decision/abtest.js';
import { betaCdf } from '../../src/numeric/beta-distribution.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { readCsv } from '../../src/data/csv.js';
import { hillstromPathOrNotice } from '../helpers/hillstrom.js';
import { userErrorOf } from '../helpers/user-error.js';
import { expectedMaxQuadrature, probBGreaterA, probBestQuadrature } from './beta-binomial-reference.js';

const ARMS = [
  { arm: 'control', n: 1000, successes: 50 },
  { arm: 'B', n: 1000, successes: 62 },
  { arm: 'C', n: 800, successes: 45 },
];

describe('abTest', () => {
  const result = abTest(ARMS, { control: 'control', draws: 200_000, seed: 3 });
  const post = ARMS.map((a) => ({ alpha: 1 + a.successes, beta: 1 + a.n - a.successes }));

  it('has exact per-arm posteriors: Beta(1 + s, 1 + n − s), mean and 95% interval', () => {
    result.arms.forEach((r, j) => {
      expect(r.alpha).toBe(post[j].alpha);
      expect(r.beta).toBe(post[j].beta);
      expect(r.posteriorMean).toBeCloseTo(post[j].alpha / (post[j].alpha + post[j].beta), 14);
      expect(betaCdf(r.rateInterval.low, r.alpha, r.beta)).toBeCloseTo(0.025, 9);
      expect(betaCdf(r.rateInterval.high, r.alpha, r.beta)).toBeCloseTo(0.975, 9);
    });
  });

  it('P(arm > control) agrees with Evan Miller\'s closed form', () => {
    for (const j of [1, 2]) {
      const exact = probBGreaterA(post[0].alpha, post[0].beta, post[j].alpha, post[j].beta);
      const mcse = Math.sqrt((exact * (1 - exact)) / result.draws);
      expect(Math.abs(result.arms[j].probBeatsControl - exact)).toBeLessThan(4 * mcse);
    }
    expect(result.arms[0].probBeatsControl).toBeNaN();
  });

  it('P(best) and expected loss agree with quadrature; P(best) sums to 1', () => {
    const eMax = expectedMaxQuadrature(post);
    let total = 0;
    result.arms.forEach((r, j) => {
      const exact = probBestQuadrature(post, j);
      expect(Math.abs(r.probBest - exact)).toBeLessThan(4 * r.mcseProbBest + 1e-9);
      const loss = eMax - post[j].alpha / (post[j].alpha + post[j].beta);
      expect(Math.abs(r.expectedLoss - loss)).toBeLessThan(4 * r.mcseExpectedLoss + 1e-9);
      total += r.probBest;
    });
    expect(total).toBeCloseTo(1, 12);
  });

  it('relative lift: mean matches E[p_j]·E[1/p_c] − 1; the control\'s lift is 0', () => {
    const c = post[0];
    for (const j of [1, 2]) {
      const exact = (post[j].alpha / (post[j].alpha + post[j].beta)) * ((c.alpha + c.beta - 1) / (c.alpha - 1)) - 1;
      // the lift's sd is about 0.2 here: 4 MCSE ≈ 4 · 0.2/√200000
      expect(Math.abs(result.arms[j].liftMean - exact)).toBeLessThan(4 * (0.25 / Math.sqrt(result.draws)));
      expect(result.arms[j].liftInterval.low).toBeLessThan(exact);
      expect(result.arms[j].liftInterval.high).toBeGreaterThan(exact);
    }
    expect(result.arms[0].liftMean).toBe(0);
  });

  it('is reproducible from its seed', () => {
    const again = abTest(ARMS, { control: 'control', draws: 200_000, seed: 3 });
    expect(again.arms.map((a) => a.probBest)).toEqual(result.arms.map((a) => a.probBest));
  });

  it('refuses an unknown control, a single arm, impossible counts', () => {
    expect(userErrorOf(() => abTest(ARMS, { control: 'D' }))).toMatch(/control arm "D" is not one of the arms/);
    expect(userErrorOf(() => abTest([ARMS[0]], { control: 'control' }))).toMatch(/at least two arms/);
    expect(userErrorOf(() => abTest([ARMS[0], { arm: 'x', n: 5, successes: 6 }], { control: 'control' }))).toMatch(/arm "x"/);
  });
});

describe('armsOfFrame and chooseControl', () => {
  const frame = frameFromColumns(
    [
      categoricalColumn('segment', Uint32Array.from([0, 1, 2, 1, 0, 2, 1]), ['Mens E-Mail', 'No E-Mail', 'Womens E-Mail']),
      numericColumn('visit', Float64Array.from([1, 0, 1, 1, 0, 0, 0])),
      numericColumn('spend', Float64Array.from([10, 0, 5, 3, 0, 0, 0])),
    ],
    'test.csv',
  );

  it('counts rows and successes per arm; picks "No E-Mail" as the control by name', () => {
    const arms = armsOfFrame(frame, 'segment', 'visit');
    expect(arms).toEqual([
      { arm: 'Mens E-Mail', n: 2, successes: 1 },
      { arm: 'No E-Mail', n: 3, successes: 1 },
      { arm: 'Womens E-Mail', n: 2, successes: 1 },
    ]);
    expect(chooseControl(arms)).toBe('No E-Mail');
    expect(chooseControl(arms, 'Mens E-Mail')).toBe('Mens E-Mail');
  });

  it('refuses a non-0/1 outcome and a missing column with the column named', () => {
    expect(userErrorOf(() => armsOfFrame(frame, 'segment', 'spend'))).toMatch(/column "spend": value 10 is not 0 or 1/);
    expect(userErrorOf(() => armsOfFrame(frame, 'arm', 'visit'))).toMatch(/no column "arm"/);
  });
});

const realPath = hillstromPathOrNotice('three-arm A/B test on the real data (tests/decision/abtest.test.ts)');

describe.skipIf(realPath === null)('three-arm test on the real Hillstrom file vs closed forms', () => {
  for (const outcome of ['conversion', 'visit']) {
    it(`${outcome} by segment: counts, posterior means, P(> control), P(best), expected loss`, () => {
      const arms = armsOfFrame(readCsv(realPath!), 'segment', outcome);
      // counts by Python's csv module
      const counts: Record<string, [number, number]> = {
        'Mens E-Mail': [21307, outcome === 'conversion' ? 267 : 3894],
        'No E-Mail': [21306, outcome === 'conversion' ? 122 : 2262],
        'Womens E-Mail': [21387, outcome === 'conversion' ? 189 : 3238],
      };
      expect(arms.map((a) => [a.arm, a.n, a.successes])).toEqual(Object.entries(counts).map(([k, v]) => [k, ...v]));
      const r = abTest(arms, { control: chooseControl(arms), draws: 200_000, seed: 17 });
      expect(r.control).toBe('No E-Mail');
      const post = r.arms.map((a) => ({ alpha: a.alpha, beta: a.beta }));
      const c = r.arms.findIndex((a) => a.isControl);
      const eMax = expectedMaxQuadrature(post);
      r.arms.forEach((a, j) => {
        const [n, s] = counts[a.arm];
        expect(a.posteriorMean).toBe((1 + s) / (2 + n));
        const best = probBestQuadrature(post, j);
        expect(Math.abs(a.probBest - best)).toBeLessThanOrEqual(4 * a.mcseProbBest + 1e-9);
        expect(Math.abs(a.expectedLoss - (eMax - a.posteriorMean))).toBeLessThanOrEqual(4 * a.mcseExpectedLoss + 1e-9);
        if (j !== c) {
          const beats = probBGreaterA(post[c].alpha, post[c].beta, a.alpha, a.beta);
          expect(Math.abs(a.probBeatsControl - beats)).toBeLessThanOrEqual(4 * Math.sqrt(Math.max(beats * (1 - beats), 0) / r.draws) + 1e-9);
        }
      });
    });
  }
});
