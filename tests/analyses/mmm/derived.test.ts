import { describe, expect, it } from 'vitest';
import { buildMmmDesign } from '../../../src/model/mmm/design.js';
import { channelSummaries, intervalOf, responseCurves } from '../../../src/analyses/mmm/derived.js';
import { createMmmModel } from '../../../src/model/mmm/model.js';
import { mmmInputFromFrame } from '../../../src/model/mmm/series.js';
import { simulateMmm } from '../../../src/data/simulate/mmm.js';
import { Rng } from '../../../src/rng.js';

describe('mmm derived quantities', () => {
  it('at the true parameters reproduce the simulator\'s contributions and ROAS; curves pass through 0 and the contribution', () => {
    const sim = simulateMmm({ seed: 4, n: 80 });
    const input = mmmInputFromFrame(sim.frame, { date: 'week', outcome: 'sales', channels: ['tv', 'search', 'social'], controls: ['promo'] });
    const design = buildMmmDesign(input, { saturation: 'logistic', maxLag: 8, fourierOrder: 2, trend: true });
    const model = createMmmModel(design);
    const { layout } = model;
    // two "draws": the truth, and the truth with every beta doubled (contributions double)
    const theta = new Float64Array(2 * layout.size);
    ['tv', 'search', 'social'].forEach((c, k) => {
      for (let d = 0; d < 2; d++) {
        theta[d * layout.size + layout.beta + k] = sim.truth[`beta[${c}]`] * (d + 1);
        theta[d * layout.size + layout.decay + k] = sim.truth[`decay[${c}]`];
        theta[d * layout.size + layout.sat1 + k] = sim.truth[`lam[${c}]`];
      }
    });
    const draws = { count: 2, size: layout.size, theta };
    const summaries = channelSummaries(design, layout, draws);
    const curves = responseCurves(design, layout, draws, Float64Array.of(0, 0.5, 1, 2));
    const gq = new Float64Array(6);
    model.generated!.compute(theta.subarray(0, layout.size), gq, new Rng(1));
    ['tv', 'search', 'social'].forEach((c, k) => {
      const truth = sim.truth[`contribution[${c}]`];
      expect(summaries[k].contribution.mean).toBeCloseTo(1.5 * truth, 6);
      expect(summaries[k].roasDraws[0]).toBeCloseTo(sim.truth[`roas[${c}]`], 10);
      expect(gq[k]).toBeCloseTo(truth, 6);
      expect(gq[3 + k]).toBeCloseTo(sim.truth[`roas[${c}]`], 10);
      const weekly = summaries[k].overTime.mean.reduce((s, v) => s + v, 0);
      expect(weekly).toBeCloseTo(summaries[k].contribution.mean, 6);
      expect(curves[k].mean[0]).toBe(0);
      expect(curves[k].mean[2]).toBeCloseTo(summaries[k].contribution.mean, 6);
      // diminishing returns: half the spend gives more than half the contribution, double less than double
      expect(curves[k].mean[1]).toBeGreaterThan(0.5 * curves[k].mean[2]);
      expect(curves[k].mean[3]).toBeLessThan(2 * curves[k].mean[2]);
    });
  });

  it('intervalOf uses type-7 quantiles', () => {
    const iv = intervalOf(Float64Array.from({ length: 11 }, (_, i) => 10 - i), 0.8);
    expect(iv.mean).toBe(5);
    expect(iv.lower).toBeCloseTo(1, 12);
    expect(iv.upper).toBeCloseTo(9, 12);
    // between order statistics: the 25% quantile of 0…10 at level 0.5 is 2.5
    expect(intervalOf(Float64Array.from({ length: 11 }, (_, i) => i), 0.5).lower).toBeCloseTo(2.5, 12);
  });
});
