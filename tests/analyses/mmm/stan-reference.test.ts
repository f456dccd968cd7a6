/**
 * The media-mix model against an independent Stan program (scripts/reference/mmm.stan; values exported by
 * scripts/reference/mmm.R into tests/fixtures/mmm/, on the data of scripts/reference/mmm-export.ts: sim:mmm seed 7,
 * 104 weeks, control promo, L = 8, Fourier order 2, trend):
 *   - log density at 10 random points per saturation equal to Stan's (adjust_transform = FALSE) up to a constant;
 *   - the posterior of the logistic model (target acceptance 0.95, as Stan's fit had no divergences and ours at 0.8
 *     had 11): means within 4 combined MCSE of Stan's; sds within 10%, except the three channel coefficients β, whose
 *     posteriors are right-skewed along the β–λ ridge (Stan: beta[1] mean 0.35, sd 0.24) so that a 4,000-draw sd moves
 *     by more than 10% between seeds (ours at seed 3, target 0.8 and 0.95: 0.74–1.23 of Stan's): within 25% there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMmmDesign } from '../../../src/model/mmm/design.js';
import { createMmmModel } from '../../../src/model/mmm/model.js';
import { mmmInputFromFrame } from '../../../src/model/mmm/series.js';
import { simulateMmm } from '../../../src/data/simulate/mmm.js';
import { summarizeDraws } from '../../../src/diagnostics/summary.js';
import { fitDensityModel } from '../../../src/fit/density-fit.js';

const fixture = (name: string): string => new URL(`../../fixtures/mmm/${name}`, import.meta.url).pathname;
const data = JSON.parse(readFileSync(fixture('data.json'), 'utf8')) as Record<string, { stan: { y: number[]; x: number[][] }; points: number[][] }>;
const stanLp = JSON.parse(readFileSync(fixture('stan-logdensity.json'), 'utf8')) as Record<string, number[]>;

function design(saturation: 'logistic' | 'hill') {
  const sim = simulateMmm({ seed: 7, n: 104 });
  const input = mmmInputFromFrame(sim.frame, { date: 'week', outcome: 'sales', channels: ['tv', 'search', 'social'], controls: ['promo'] });
  return buildMmmDesign(input, { saturation, maxLag: 8, fourierOrder: 2, trend: true });
}

describe('mmm vs Stan', () => {
  for (const saturation of ['logistic', 'hill'] as const) {
    it(`${saturation}: log density at 10 random points equals Stan's up to one constant`, () => {
      const d = design(saturation);
      // the fixture was made from this very design
      expect(Array.from(d.y)).toEqual(data[saturation].stan.y);
      expect(Array.from(d.x.subarray(d.T, 2 * d.T))).toEqual(data[saturation].stan.x[1]);
      const model = createMmmModel(d);
      const grad = new Float64Array(model.layout.size);
      const diffs = data[saturation].points.map((p, i) => model.logDensity(Float64Array.from(p), grad) - stanLp[saturation][i]);
      const spread = Math.max(...diffs) - Math.min(...diffs);
      const scale = Math.max(...stanLp[saturation].map(Math.abs));
      expect(spread).toBeLessThan(1e-9 * scale);
      // the points differ: the test would not pass by a constant density
      expect(Math.max(...stanLp[saturation]) - Math.min(...stanLp[saturation])).toBeGreaterThan(100);
    });
  }

  it('logistic posterior: means within 4 combined MCSE of Stan, sds within 10% (β: 25%)', async () => {
    const stan = JSON.parse(readFileSync(fixture('stan-summary.json'), 'utf8')) as {
      variable: string[];
      mean: number[];
      sd: number[];
      mcse_mean: number[];
    };
    const model = createMmmModel(design('logistic'));
    const fit = await fitDensityModel(model, { chains: 4, warmup: 1000, draws: 1000, seed: 3, targetAccept: 0.95 });
    const rows = new Map(summarizeDraws(fit.draws).rows.map((r) => [r.variable, r]));
    const ours = (name: string): string => name.replace(/^sat1\[/, 'lam[').replace(/^trend\[1\]$/, 'trend');
    let compared = 0;
    stan.variable.forEach((name, i) => {
      const row = rows.get(ours(name));
      expect(row, name).toBeDefined();
      const combined = Math.hypot(row!.mcse_mean!, stan.mcse_mean[i]);
      expect(Math.abs(row!.mean! - stan.mean[i]), name).toBeLessThan(4 * combined);
      expect(Math.abs(row!.sd! / stan.sd[i] - 1), name).toBeLessThan(name.startsWith('beta[') ? 0.25 : 0.1);
      compared++;
    });
    expect(compared).toBe(model.layout.size);
  }, 900_000);
});
