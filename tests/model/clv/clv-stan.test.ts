/**
 * The BG/NBD + Gamma-Gamma model against Stan (scripts/reference/bgnbd_gg.stan, run by scripts/reference/bgnbd_gg.R on
 * tests/fixtures/clv/stan-data.csv: sim:clv seed 5, 500 customers, through nutmeg's RFM summary): the log density at
 * 20 random points equal up to a constant, and the posterior (4 chains × 1,000 draws here, 4 × 2,000 in Stan) with
 * means within 4 combined MCSE and sds within 10%.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeDraws } from '../../../src/diagnostics/summary.js';
import { fitDensityModel } from '../../../src/fit/density-fit.js';
import { clvDensityModel, defaultClvPriors, meanRepeatSpend, type ClvPriors } from '../../../src/model/clv/clv-model.js';
import type { RfmData } from '../../../src/model/clv/rfm-data.js';

interface StanReference {
  logCenter: number[];
  hyperScale: number;
  points: { theta: number[]; lp: number }[];
  summary: { name: string; mean: number; sd: number; mcse_mean: number }[];
}
const reference = JSON.parse(readFileSync(new URL('../../fixtures/clv/stan-reference.json', import.meta.url), 'utf8')) as StanReference;

function stanData(): RfmData {
  const lines = readFileSync(new URL('../../fixtures/clv/stan-data.csv', import.meta.url), 'utf8').trim().split('\n').slice(1);
  const n = lines.length;
  const data = { n, frequency: new Uint32Array(n), recency: new Float64Array(n), age: new Float64Array(n), meanSpend: new Float64Array(n) };
  lines.forEach((line, i) => {
    const [x, tx, T, m] = line.split(',').map(Number);
    data.frequency[i] = x;
    data.recency[i] = tx;
    data.age[i] = T;
    data.meanSpend[i] = m;
  });
  return data;
}

describe('BG/NBD + Gamma-Gamma against Stan', () => {
  const data = stanData();
  const priors: ClvPriors = defaultClvPriors(meanRepeatSpend(data));
  const model = clvDensityModel(data, priors);

  it('uses the priors the Stan run used (centers from the data\'s mean repeat spend)', () => {
    const c = priors.centers;
    const ours = [c.r, c.alpha, c.a, c.b, c.p, c.q - 1, c.gamma].map(Math.log);
    ours.forEach((v, k) => expect(Math.abs(v - reference.logCenter[k])).toBeLessThan(1e-12));
    expect(priors.hyperScale).toBe(reference.hyperScale);
  });

  it('log density equals Stan\'s up to one constant at 20 random points', () => {
    const grad = new Float64Array(9);
    const differences = reference.points.map((p) => model.logDensity(Float64Array.from(p.theta), grad) - p.lp);
    const spread = Math.max(...differences) - Math.min(...differences);
    expect(reference.points.length).toBe(20);
    expect(spread).toBeLessThan(1e-8 * Math.abs(reference.points[0].lp));
  });

  it('posterior means within 4 combined MCSE and sds within 10% of Stan\'s', async () => {
    const fit = await fitDensityModel(model, { chains: 4, warmup: 1000, draws: 1000, seed: 11 });
    const rows = summarizeDraws(fit.draws).rows;
    expect(reference.summary.length).toBe(9);
    const worst = { z: 0, sdRatio: 1 };
    for (const s of reference.summary) {
      const ours = rows.find((r) => r.variable === s.name)!;
      const z = Math.abs(ours.mean! - s.mean) / Math.hypot(ours.mcse_mean!, s.mcse_mean);
      worst.z = Math.max(worst.z, z);
      if (Math.abs(ours.sd! / s.sd - 1) > Math.abs(worst.sdRatio - 1)) worst.sdRatio = ours.sd! / s.sd;
      expect({ name: s.name, within4Mcse: z < 4 }).toEqual({ name: s.name, within4Mcse: true });
      expect({ name: s.name, sdRatioOk: Math.abs(ours.sd! / s.sd - 1) < 0.1 }).toEqual({ name: s.name, sdRatioOk: true });
    }
    console.log(`clv vs Stan: largest |mean difference| ${worst.z.toFixed(2)} combined MCSE, sd ratio furthest from 1: ${worst.sdRatio.toFixed(3)}`);
  }, 300_000);
});
