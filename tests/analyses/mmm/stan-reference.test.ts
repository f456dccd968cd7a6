/**
 * The media-mix model against an independent Stan program (scripts/reference/mmm.stan; values exported by
 * scripts/reference/mmm.R into tests/fixtures/mmm/, on the data of scripts/reference/mmm-export.ts: sim:mmm seed 7,
 * 104 weeks, control promo, L = 8, Fourier order 2, trend):
 * log density at 10 random points per saturation equal to Stan's (adjust_transform = FALSE) up to a constant. The
 * posterior comparison is stan-reference.slow.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildMmmDesign } from '../../../src/model/mmm/design.js';
import { createMmmModel } from '../../../src/model/mmm/model.js';
import { mmmInputFromFrame } from '../../../src/model/mmm/series.js';
import { simulateMmm } from '../../../src/data/simulate/mmm.js';

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
});
