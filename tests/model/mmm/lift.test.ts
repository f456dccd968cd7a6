import { describe, expect, it } from 'vitest';
import { buildMmmDesign, type MmmSettings } from '../../../src/model/mmm/design.js';
import { impliedLift, type MmmLiftTest } from '../../../src/model/mmm/lift.js';
import { liftTestsFromFrame } from '../../../src/model/mmm/lift-input.js';
import { logisticSaturation, hillSaturation } from '../../../src/model/mmm/media.js';
import { createMmmModel, type MmmModel } from '../../../src/model/mmm/model.js';
import { mmmInputFromFrame } from '../../../src/model/mmm/series.js';
import { simulateMmm } from '../../../src/data/simulate/mmm.js';
import { frameFromCsvText } from '../../../src/data/csv-text.js';
import { userErrorOf } from '../../helpers/user-error.js';
import { Rng } from '../../../src/rng.js';
import { centralDifference, randomPoint } from './random-point.js';

const CHANNELS = ['tv', 'search', 'social'];

function models(settings: MmmSettings, tests: MmmLiftTest[]): { plain: MmmModel; lifted: MmmModel } {
  const sim = simulateMmm({ seed: 3, n: 60 });
  const input = mmmInputFromFrame(sim.frame, { date: 'week', outcome: 'sales', channels: CHANNELS, controls: ['promo'] });
  const design = buildMmmDesign(input, settings);
  return { plain: createMmmModel(design), lifted: createMmmModel(design, tests) };
}

const TESTS: MmmLiftTest[] = [
  { channel: 0, spend: 6_000, deltaSpend: 3_000, lift: 9_000, se: 1_500 },
  { channel: 1, spend: 2_500, deltaSpend: -1_000, lift: -2_500, se: 800 },
  { channel: 1, spend: 0, deltaSpend: 2_000, lift: 5_000, se: 2_000 },
];


describe('mmm lift-test term', () => {
  for (const saturation of ['logistic', 'hill'] as const) {
    const settings: MmmSettings = { saturation, maxLag: 8, fourierOrder: 2, trend: true };

    it(`${saturation}: adds Σ −½((Δy − β·(s(x+Δx) − s(x)))/se)² (outcome scaled), computed here from the saturation curve`, () => {
      const { plain, lifted } = models(settings, TESTS);
      const d = plain.design;
      const theta = randomPoint(plain, new Rng(4));
      const grad = new Float64Array(theta.length);
      let expected = 0;
      for (const t of TESTS) {
        const m = d.spendScale[t.channel];
        const p1 = theta[plain.layout.sat1 + t.channel];
        const s = (v: number): number =>
          saturation === 'hill' ? hillSaturation(v / m, p1, theta[plain.layout.sat2 + t.channel]) : logisticSaturation(v / m, p1);
        const implied = d.yScale * theta[plain.layout.beta + t.channel] * (s(t.spend + t.deltaSpend) - s(t.spend));
        expected += -0.5 * ((t.lift - implied) / t.se) ** 2;
      }
      expect(lifted.logDensity(theta, grad) - plain.logDensity(theta, grad)).toBeCloseTo(expected, 9);
      // the implied lift of test 0, in outcome units, from the module's own helper
      const sat = new Float64Array(4);
      const implied0 = impliedLift(lifted.liftTests, 0, saturation, lifted.layout, theta, sat) * d.yScale;
      expect(Math.abs(implied0)).toBeGreaterThan(0);
    });

    it(`${saturation}: gradient with lift tests equals central finite differences at 5 random points`, () => {
      const { lifted: m } = models(settings, TESTS);
      const rng = new Rng(21);
      const grad = new Float64Array(m.layout.size);
      const scratch = new Float64Array(m.layout.size);
      for (let p = 0; p < 5; p++) {
        const theta = randomPoint(m, rng);
        expect(Number.isFinite(m.logDensity(theta, grad))).toBe(true);
        for (let i = 0; i < theta.length; i++) {
          const fd = centralDifference(m, theta, i, scratch);
          expect(Math.abs(grad[i] - fd), `coordinate ${i}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        }
      }
    });
  }
});

describe('lift-test table', () => {
  const good = 'channel,spend,delta_spend,lift,lift_se\ntv,6000,3000,9000,1500\nsearch,2500,-1000,-2500,800\n';

  it('reads one test per row, channels by name', () => {
    const tests = liftTestsFromFrame(frameFromCsvText('lift.csv', good), CHANNELS);
    expect(tests).toEqual([
      { channel: 0, spend: 6000, deltaSpend: 3000, lift: 9000, se: 1500 },
      { channel: 1, spend: 2500, deltaSpend: -1000, lift: -2500, se: 800 },
    ]);
  });

  const cases: Array<[string, string, RegExp]> = [
    ['an unknown channel', 'channel,spend,delta_spend,lift,lift_se\ntv,1,1,1,1\nradio,1,1,1,1\n', /lift\.csv, line 3, column "channel": "radio" is not one of --channels/],
    ['a missing column', 'channel,spend,lift,lift_se\ntv,1,1,1\n', /no column "delta_spend"/],
    ['a zero standard error', 'channel,spend,delta_spend,lift,lift_se\ntv,1,1,1,0\n', /line 2, column "lift_se": 0 is not a standard error/],
    ['negative spend', 'channel,spend,delta_spend,lift,lift_se\ntv,-5,1,1,1\n', /line 2, column "spend": -5 is negative/],
    ['a cut below zero spend', 'channel,spend,delta_spend,lift,lift_se\ntv,5,-6,1,1\n', /line 2, column "delta_spend": -6 takes the spend below 0/],
    ['no spend change', 'channel,spend,delta_spend,lift,lift_se\ntv,5,0,1,1\n', /line 2, column "delta_spend": 0 is no spend change/],
  ];
  for (const [what, text, message] of cases) {
    it(`${what} is one line naming where`, () => {
      expect(userErrorOf(() => liftTestsFromFrame(frameFromCsvText('lift.csv', text), CHANNELS))).toMatch(message);
    });
  }
});
