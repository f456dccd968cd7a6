/**
 * The media-mix model recovers the true ROAS of sim:mmm (seed 1: 156 weeks, tv/search/social) within its 90%
 * intervals. The many-seed check (issue 19: coverage, z-scores and ranks over seeds 1–40) is bench/mmm-recovery.ts,
 * output in bench/results/mmm-coverage.md (seeds 1–5 in bench/results/mmm-recovery.md).
 */
import { describe, expect, it } from 'vitest';
import { runMmm } from '../../../src/analyses/mmm/analysis.js';
import { simulateMmm } from '../../../src/data/simulate/mmm.js';

describe('mmm recovery on sim:mmm', () => {
  it('true ROAS of every channel inside the 90% interval (seed 1, 4 chains × 500 draws)', async () => {
    const sim = simulateMmm({ seed: 1 });
    const r = await runMmm(sim.frame, {
      date: 'week',
      outcome: 'sales',
      channels: ['tv', 'search', 'social'],
      controls: ['promo'],
      fit: { chains: 4, warmup: 500, draws: 500, seed: 1 },
      budget: 100_000,
    });
    for (const c of r.channels) {
      const truth = sim.truth[`roas[${c.channel}]`];
      expect(truth, c.channel).toBeGreaterThanOrEqual(c.roas.lower);
      expect(truth, c.channel).toBeLessThanOrEqual(c.roas.upper);
    }
    // the generated quantities agree with the derived summaries (same formula, two code paths)
    const names = r.fit.draws.names;
    const count = r.fit.draws.nChains * r.fit.draws.nDraws;
    const v = names.indexOf('roas[3]') >= 0 ? names.indexOf('roas[3]') : names.indexOf('roas[social]');
    expect(v).toBeGreaterThan(0);
    const gq = r.fit.draws.values.subarray(v * count, (v + 1) * count);
    expect(gq[17]).toBeCloseTo(r.channels[2].roasDraws[17], 9);
    expect(r.budget!.optimised.reduce((s, x) => s + x, 0)).toBeCloseTo(100_000, 6);
  }, 900_000); // about 0.3 M gradients of a 156-week, 3-channel model: 9.9 s at load 3, 203 s at load 30–45
});
