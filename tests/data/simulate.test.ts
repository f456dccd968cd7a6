// Simulators: sizes, schema, rates within binomial tolerance, reproducibility per seed, and that the documented
// truth is the generating model (expected counts recomputed here from `truth` by hand, compared with the draws).
// Real-file facts (segment sizes, conversion rates) were counted with Python's csv module on
// ../shared/data/hillstrom.csv: see tests/data/hillstrom-real.test.ts for the ones checked against the file itself.
import { asFloat64 } from '../../src/data/frame-build.js';
import { describe, expect, it } from 'vitest';
import { builtinDataset, loadDataArgument } from '../../src/data/datasets.js';
import type { Column, Frame, LevelCodes } from '../../src/data/frame.js';
import { simulateHillstrom } from '../../src/data/simulate/hillstrom.js';
import { HILLSTROM_FORMULAS } from '../../src/data/hillstrom.js';
import { PERSONALIZATION_FORMULA, simulatePersonalization } from '../../src/data/simulate/personalization.js';
import { SEPARATION_FORMULAS, simulateSeparation } from '../../src/data/simulate/separation.js';
import { buildModel } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import { userErrorOf } from '../helpers/user-error.js';

function col(frame: Frame, name: string): Column {
  const c = frame.columns.get(name);
  if (c === undefined) throw new Error(`no column ${name}`);
  return c;
}
function num(frame: Frame, name: string): Float64Array {
  const c = col(frame, name);
  if (c.kind !== 'numeric') throw new Error(`${name} is ${c.kind}`);
  return asFloat64(c.values);
}
function codes(frame: Frame, name: string): LevelCodes {
  const c = col(frame, name);
  if (c.kind !== 'categorical') throw new Error(`${name} is ${c.kind}`);
  return c.codes;
}
function levels(frame: Frame, name: string): string[] {
  const c = col(frame, name);
  return c.kind === 'categorical' ? c.levels : [];
}
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** |observed − expected| within k binomial sd, for a count from rows with success probabilities p. */
function expectCountNear(observed: number, p: readonly number[] | Float64Array, k = 4): void {
  let mean = 0;
  let variance = 0;
  for (const q of p) {
    mean += q;
    variance += q * (1 - q);
  }
  expect(Math.abs(observed - mean)).toBeLessThanOrEqual(k * Math.sqrt(variance) + 1e-9);
}

function sameFrames(a: Frame, b: Frame): boolean {
  if (a.nRows !== b.nRows || a.columns.size !== b.columns.size) return false;
  for (const [name, column] of a.columns) {
    const other = b.columns.get(name);
    const x = column.kind === 'categorical' ? column.codes : column.values;
    const y = other === undefined ? null : other.kind === 'categorical' ? other.codes : other.values;
    if (y === null || x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
  }
  return true;
}

describe('simulateHillstrom', () => {
  const { frame, truth } = builtinDataset('hillstrom', 20240601);

  it('has 64,000 rows and the 7 history segments at the real file\'s sizes', () => {
    expect(frame.nRows).toBe(64000);
    const realCounts = [22970, 14254, 12289, 6409, 4911, 1859, 1308];
    expect(levels(frame, 'history_segment')).toEqual([
      '1) $0 - $100',
      '2) $100 - $200',
      '3) $200 - $350',
      '4) $350 - $500',
      '5) $500 - $750',
      '6) $750 - $1,000',
      '7) $1,000 +',
    ]);
    const seg = codes(frame, 'history_segment');
    const counts = new Array<number>(7).fill(0);
    for (const k of seg) counts[k]++;
    realCounts.forEach((real, k) => expectCountNear(counts[k], new Float64Array(64000).fill(real / 64000)));
  });

  it('history lies in its segment\'s range, recency in 1…12, visit wherever conversion', () => {
    const seg = codes(frame, 'history_segment');
    const history = num(frame, 'history');
    const recency = num(frame, 'recency');
    const visit = num(frame, 'visit');
    const conversion = num(frame, 'conversion');
    const bounds = [29.99, 100, 200, 350, 500, 750, 1000, Infinity];
    const bad = { history: 0, recency: 0, visit: 0 };
    for (let i = 0; i < frame.nRows; i++) {
      if (!(history[i] >= bounds[seg[i]] && history[i] < bounds[seg[i] + 1])) bad.history++;
      if (!(Number.isInteger(recency[i]) && recency[i] >= 1 && recency[i] <= 12)) bad.recency++;
      if (conversion[i] === 1 && visit[i] !== 1) bad.visit++;
    }
    expect(bad).toEqual({ history: 0, recency: 0, visit: 0 });
  });

  it('truth is keyed by nutmeg parameter names, with r = sd · z close to the real posterior', () => {
    expect(Object.keys(truth).sort()).toEqual(
      [
        'b_Intercept',
        'b_treatment',
        'b_recency_z',
        'b_history_z',
        'b_mens',
        'b_womens',
        'b_newbie',
        'sd_history_segment__treatment',
        ...[1, 2, 3, 4, 5, 6, 7].map((k) => `r_history_segment__treatment[${k}]`),
      ].sort(),
    );
    // Stan's posterior means on the real data (golden/stan/hierarchical.summary.csv): alpha -5.375, mu_t 0.587,
    // beta_t_group[1] 0.601; the truth is within one posterior sd (0.16, 0.11, 0.11) of them
    expect(Math.abs(truth.b_Intercept - -5.37491)).toBeLessThan(0.16);
    expect(Math.abs(truth.b_treatment - 0.587354)).toBeLessThan(0.11);
    expect(Math.abs(truth.b_treatment + truth['r_history_segment__treatment[1]'] - 0.601476)).toBeLessThan(0.11);
  });

  it('conversion follows the hierarchical model in truth: counts per arm and per segment match, rates are realistic', () => {
    const treatment = num(frame, 'treatment');
    const seg = codes(frame, 'history_segment');
    const y = num(frame, 'conversion');
    const x = ['recency_z', 'history_z', 'mens', 'womens', 'newbie'].map((name) => num(frame, name));
    const byArm: number[][] = [[], []];
    const observedArm = [0, 0];
    const bySegment: number[][] = Array.from({ length: 7 }, () => []);
    const observedSegment = new Array<number>(7).fill(0);
    for (let i = 0; i < frame.nRows; i++) {
      const slope = truth.b_treatment + truth[`r_history_segment__treatment[${seg[i] + 1}]`];
      const eta =
        truth.b_Intercept +
        slope * treatment[i] +
        truth.b_recency_z * x[0][i] +
        truth.b_history_z * x[1][i] +
        truth.b_mens * x[2][i] +
        truth.b_womens * x[3][i] +
        truth.b_newbie * x[4][i];
      byArm[treatment[i]].push(sigmoid(eta));
      observedArm[treatment[i]] += y[i];
      if (treatment[i] === 1) {
        bySegment[seg[i]].push(sigmoid(eta));
        observedSegment[seg[i]] += y[i];
      }
    }
    expectCountNear(observedArm[0], byArm[0]);
    expectCountNear(observedArm[1], byArm[1]);
    bySegment.forEach((p, k) => expectCountNear(observedSegment[k], p));
    // real file: 122 / 21,306 = 0.57% without e-mail, 456 / 42,694 = 1.07% with
    const rate = (arm: number): number => observedArm[arm] / byArm[arm].length;
    expect(rate(0)).toBeGreaterThan(0.0057 - 0.0017);
    expect(rate(0)).toBeLessThan(0.0057 + 0.0017);
    expect(rate(1)).toBeGreaterThan(0.0107 - 0.0020);
    expect(rate(1)).toBeLessThan(0.0107 + 0.0020);
  });

  it('is reproducible per seed and differs between seeds', () => {
    expect(sameFrames(simulateHillstrom({ seed: 7, n: 3000 }).frame, simulateHillstrom({ seed: 7, n: 3000 }).frame)).toBe(true);
    expect(sameFrames(simulateHillstrom({ seed: 7, n: 3000 }).frame, simulateHillstrom({ seed: 8, n: 3000 }).frame)).toBe(false);
  });
});

describe('simulateSeparation', () => {
  const { frame, truth } = simulateSeparation({ seed: 1 });
  const city = codes(frame, 'city');
  const y = num(frame, 'converted');

  function perCity(f: Frame): { sessions: number[]; conversions: number[] } {
    const c = codes(f, 'city');
    const v = num(f, 'converted');
    const sessions = new Array<number>(10).fill(0);
    const conversions = new Array<number>(10).fill(0);
    for (let i = 0; i < f.nRows; i++) {
      sessions[c[i]]++;
      conversions[c[i]] += v[i];
    }
    return { sessions, conversions };
  }

  it('has ~100k sessions in 10 cities × 4 lead sources, with the covariates', () => {
    expect(frame.nRows).toBe(100000);
    expect(levels(frame, 'city')).toHaveLength(10);
    expect(levels(frame, 'lead_source')).toEqual(['Email', 'Organic', 'Referral', 'Social Media']);
    expect([...frame.columns.keys()]).toEqual(['city', 'lead_source', 'pages_viewed', 'time_on_site', 'converted']);
    const pages = num(frame, 'pages_viewed');
    const time = num(frame, 'time_on_site');
    let bad = 0;
    for (let i = 0; i < frame.nRows; i++) if (!(Number.isInteger(pages[i]) && pages[i] >= 1 && time[i] >= 0)) bad++;
    expect(bad).toBe(0);
  });

  it('7 cities have exactly zero conversions, 3 convert at 4.8–5.5%, about 1.6% overall, for every seed', () => {
    for (const seed of [1, 2, 3]) {
      const f = seed === 1 ? frame : simulateSeparation({ seed }).frame;
      const { sessions, conversions } = perCity(f);
      const zero = levels(f, 'city').filter((_, k) => conversions[k] === 0);
      expect(zero).toEqual(['Faisalabad', 'Gujranwala', 'Multan', 'Peshawar', 'Quetta', 'Rawalpindi', 'Sialkot']);
      const active = [2, 3, 4].map((k) => conversions[k] / sessions[k]);
      for (const r of active) {
        expect(r).toBeGreaterThanOrEqual(0.048);
        expect(r).toBeLessThanOrEqual(0.055);
      }
      const overall = conversions.reduce((a, b) => a + b, 0) / f.nRows;
      expect(overall).toBeGreaterThan(0.013);
      expect(overall).toBeLessThan(0.019);
    }
  });

  it('truth: −∞ intercepts for the dead cities; active intercepts reproduce their rates; pages drive conversion', () => {
    const pages = num(frame, 'pages_viewed');
    const time = num(frame, 'time_on_site');
    const source = codes(frame, 'lead_source');
    for (const name of ['Faisalabad', 'Quetta', 'Sialkot']) expect(truth[`intercept[${name}]`]).toBe(-Infinity);
    levels(frame, 'city').forEach((name, k) => {
      if (truth[`rate[${name}]`] === 0) return;
      // mean model probability over the city's rows equals its stated rate (the definition of the intercept)
      const p: number[] = [];
      for (let i = 0; i < frame.nRows; i++) {
        if (city[i] !== k) continue;
        const eta =
          truth[`intercept[${name}]`] +
          truth.b_pages_viewed * (pages[i] - 5) +
          truth.b_time_on_site * (time[i] - 4) +
          truth[`r_lead_source__Intercept[${source[i] + 1}]`];
        p.push(sigmoid(eta));
      }
      expect(p.reduce((a, b) => a + b, 0) / p.length).toBeCloseTo(truth[`rate[${name}]`], 9);
    });
    // converters in active cities viewed more pages than non-converters (b_pages_viewed = 0.3 per page)
    const sum = [0, 0];
    const count = [0, 0];
    for (let i = 0; i < frame.nRows; i++) {
      if (truth[`rate[${levels(frame, 'city')[city[i]]}]`] === 0) continue;
      sum[y[i]] += pages[i];
      count[y[i]]++;
    }
    expect(sum[1] / count[1] - sum[0] / count[0]).toBeGreaterThan(1);
  });

  it('is reproducible per seed', () => {
    expect(sameFrames(simulateSeparation({ seed: 4, n: 5000 }).frame, simulateSeparation({ seed: 4, n: 5000 }).frame)).toBe(true);
    expect(sameFrames(simulateSeparation({ seed: 4, n: 5000 }).frame, simulateSeparation({ seed: 5, n: 5000 }).frame)).toBe(false);
  });
});

describe('simulatePersonalization', () => {
  const { frame, truth } = simulatePersonalization({ seed: 3 });

  it('has the campaign table\'s columns and value ranges', () => {
    expect([...frame.columns.keys()]).toEqual([
      'channel',
      'personalization_score',
      'past_7d_sessions',
      'past_30d_purchases',
      'days_since_last_purchase',
      'is_pro_customer',
      'product_price',
      'treatment_variant',
      'num_previous_targets',
      'converted_7d',
    ]);
    expect(levels(frame, 'channel')).toEqual(['email', 'push', 'text']);
    expect(levels(frame, 'treatment_variant')).toEqual(['control', 'personalized']);
    expect(col(frame, 'is_pro_customer').kind).toBe('boolean');
    const score = num(frame, 'personalization_score');
    const days = num(frame, 'days_since_last_purchase');
    let bad = 0;
    for (let i = 0; i < frame.nRows; i++) if (!(score[i] >= 0 && score[i] <= 1 && days[i] >= 1 && days[i] <= 365)) bad++;
    expect(bad).toBe(0);
  });

  it('conversion follows truth (expected counts per variant and channel), about 5% under control', () => {
    const ch = codes(frame, 'channel');
    const variant = codes(frame, 'treatment_variant');
    const pro = col(frame, 'is_pro_customer');
    if (pro.kind !== 'boolean') throw new Error('is_pro_customer');
    const [score, sessions, purchases, days, price, targets, y] = [
      'personalization_score',
      'past_7d_sessions',
      'past_30d_purchases',
      'days_since_last_purchase',
      'product_price',
      'num_previous_targets',
      'converted_7d',
    ].map((name) => num(frame, name));
    const p: number[][] = [[], [], [], [], []];
    const observed = [0, 0, 0, 0, 0];
    for (let i = 0; i < frame.nRows; i++) {
      const eta =
        truth.b_Intercept +
        (ch[i] === 1 ? truth.b_channelpush : 0) +
        (ch[i] === 2 ? truth.b_channeltext : 0) +
        truth.b_personalization_score * score[i] +
        truth.b_past_7d_sessions * sessions[i] +
        truth.b_past_30d_purchases * purchases[i] +
        truth.b_days_since_last_purchase * days[i] +
        truth.b_is_pro_customer * pro.values[i] +
        truth.b_product_price * price[i] +
        variant[i] * truth.b_treatment_variantpersonalized +
        variant[i] * score[i] * truth['b_personalization_score:treatment_variantpersonalized'] +
        truth.b_num_previous_targets * targets[i];
      // cells: the two variants, then the three channels
      for (const cell of [variant[i], 2 + ch[i]]) {
        p[cell].push(sigmoid(eta));
        observed[cell] += y[i];
      }
    }
    p.forEach((q, cell) => expectCountNear(observed[cell], q));
    const control = observed[0] / p[0].length;
    expect(control).toBeGreaterThan(0.04);
    expect(control).toBeLessThan(0.06);
    expect(observed[1] / p[1].length).toBeGreaterThan(control);
  });

  it('is reproducible per seed', () => {
    expect(sameFrames(simulatePersonalization({ seed: 9, n: 2000 }).frame, simulatePersonalization({ seed: 9, n: 2000 }).frame)).toBe(true);
    expect(sameFrames(simulatePersonalization({ seed: 9, n: 2000 }).frame, simulatePersonalization({ seed: 10, n: 2000 }).frame)).toBe(false);
  });
});

describe('built-in data sets', () => {
  it('sim:<name> gives the simulator (Hillstrom with its features) and its truth', () => {
    const data = loadDataArgument('sim:hillstrom', 2);
    expect(data.truth).not.toBeNull();
    expect(data.frame.columns.has('treatment') && data.frame.columns.has('history_z')).toBe(true);
    expect(data.frame.source).toBe('simulated hillstrom (seed 2)');
    expect(builtinDataset('separation', 2, 1000).frame.nRows).toBe(1000);
  });
  it('an unknown name lists the known ones', () => {
    expect(userErrorOf(() => loadDataArgument('sim:hilstrom', 1))).toBe(
      'data "sim:hilstrom": no built-in data set "hilstrom"; choose one of sim:hillstrom, sim:separation, sim:personalization, sim:crossed, sim:levels, sim:its, sim:clv, sim:mmm, or give a CSV path',
    );
  });
  it('anything else is a CSV path', () => {
    expect(userErrorOf(() => loadDataArgument('/nonexistent/data.csv', 1))).toBe(
      '/nonexistent/data.csv: file not found; check the path',
    );
  });
});

describe('truth keys are the parameter names nutmeg gives the generating formulas', () => {
  it('hillstrom (hierarchical), personalization, separation (crossed; city keys are not parameters)', () => {
    const cases = [
      { data: builtinDataset('hillstrom', 1, 3000), formula: HILLSTROM_FORMULAS.hierarchical, all: true },
      { data: builtinDataset('personalization', 1, 3000), formula: PERSONALIZATION_FORMULA, all: true },
      { data: builtinDataset('separation', 1, 3000), formula: SEPARATION_FORMULAS.crossed, all: false },
    ];
    for (const { data, formula, all } of cases) {
      const names = constrainedNames(buildModel(data.frame, formula).spec);
      const keys = Object.keys(data.truth).filter((k) => all || /^(b|sd|r)_/.test(k));
      expect(keys.filter((k) => !names.includes(k))).toEqual([]);
      if (all) expect(names.filter((nm) => /^(b|sd|r)_/.test(nm)).sort()).toEqual([...keys].sort());
    }
  });
});
