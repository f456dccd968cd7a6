import { describe, expect, it } from 'vitest';
import { clvPredictions, holdoutBinOf } from '../../../src/analyses/clv/predictions.js';
import { rfmFromEvents, simulateClvEvents } from '../../../src/data/simulate/clv.js';
import { makeDrawSet } from '../../../src/draws.js';
import { expectedPurchases, expectedSpend, probabilityAlive } from '../../../src/model/clv/expectations.js';
import { Rng } from '../../../src/rng.js';

const NAMES = ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma'];

describe('per-customer predictions over draws', () => {
  const events = simulateClvEvents({ seed: 8, customers: 600, weeks: 52 });
  const data = rfmFromEvents(events, 40);
  const holdout = new Uint32Array(data.n);
  for (let k = 0; k < events.week.length; k++) if (events.week[k] > 40) holdout[events.customer[k]]++;
  // 2 chains × 150 draws scattered around plausible values
  const draws = makeDrawSet(NAMES, 2, 150);
  const rng = new Rng(3);
  const centre = [0.6, 4, 0.8, 2.5, 6, 4, 15];
  for (let v = 0; v < NAMES.length; v++) for (let s = 0; s < 300; s++) draws.values[v * 300 + s] = centre[v] * Math.exp(0.1 * rng.normal());

  it('means, intervals and totals equal a direct computation per customer and draw (all 300 draws)', () => {
    const p = clvPredictions(data, draws, { horizonWeeks: 30, holdout: { weeks: 12, frequency: holdout }, maxDraws: 300 });
    expect(p.draws).toBe(300);
    const at = (v: number, s: number) => draws.values[v * 300 + s];
    let total = 0;
    for (const i of [0, 1, 17, 123, 599]) {
      const values = new Float64Array(300);
      let alive = 0;
      for (let s = 0; s < 300; s++) {
        const pp = { r: at(0, s), alpha: at(1, s), a: at(2, s), b: at(3, s) };
        const e = expectedPurchases(pp, data.frequency[i], data.recency[i], data.age[i], 30);
        values[s] = e * expectedSpend(at(4, s), at(5, s), at(6, s), data.frequency[i], data.meanSpend[i]);
        alive += probabilityAlive(pp, data.frequency[i], data.recency[i], data.age[i]) / 300;
      }
      const mean = values.reduce((a, b) => a + b, 0) / 300;
      expect(Math.abs(p.value.mean[i] - mean)).toBeLessThan(1e-12 * Math.max(1, mean));
      expect(Math.abs(p.pAlive.mean[i] - alive)).toBeLessThan(1e-13);
      values.sort();
      expect(p.value.lower[i]).toBeGreaterThanOrEqual(values[14]);
      expect(p.value.lower[i]).toBeLessThanOrEqual(values[15]);
      expect(p.value.upper[i]).toBeGreaterThanOrEqual(values[284]);
      expect(p.value.upper[i]).toBeLessThanOrEqual(values[285]);
    }
    for (let i = 0; i < data.n; i++) total += p.value.mean[i];
    const totalMean = p.totalValue.reduce((a, b) => a + b, 0) / 300;
    expect(Math.abs(totalMean - total)).toBeLessThan(1e-9 * total);
    // holdout bins: observed means by calibration frequency, predicted = mean of per-customer predictions in the bin
    const bins = p.holdout!;
    expect(bins.reduce((a, b) => a + b.customers, 0)).toBe(data.n);
    const zero = bins.find((b) => b.label === '0')!;
    let obs = 0;
    let n0 = 0;
    for (let i = 0; i < data.n; i++) if (holdoutBinOf(data.frequency[i]) === 0) (obs += holdout[i]), n0++;
    expect(zero.observed).toBeCloseTo(obs / n0, 12);
    expect(zero.lower).toBeLessThan(zero.predicted);
    expect(zero.upper).toBeGreaterThan(zero.predicted);
  });

  it('uses at most maxDraws draws, evenly spread', () => {
    const p = clvPredictions(data, draws, { horizonWeeks: 30, maxDraws: 50 });
    expect(p.draws).toBe(50);
    expect(p.holdout).toBeNull();
    expect(p.totalPurchases.length).toBe(50);
  });
});
