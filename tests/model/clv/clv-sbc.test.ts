/**
 * Simulation-based calibration of the BG/NBD + Gamma-Gamma model through the density-model framework, small enough
 * for the suite (the 200-replicate run is bench/sbc-clv.ts, its output in bench/results/sbc-clv.txt): 100 replicates
 * of 100 customers over 52 weeks, target acceptance 0.95, L = 49 ranks (98 post-warm-up iterations thinned by 2) in 10
 * bins; every parameter's histogram must pass the χ²₉ test at 1% family-wise over the 9 parameters (tests/helpers/sbc.ts).
 * About 10 s of one core; some replicates (small data sets drawn with a small σ) have divergent transitions.
 */
import { describe, expect, it } from 'vitest';
import { clvReplicates } from '../../helpers/sbc-clv.js';
import { runDensitySbc } from '../../helpers/sbc-density.js';
import { describeSbc, expectCalibrated } from '../../helpers/sbc.js';

describe('SBC: BG/NBD + Gamma-Gamma', () => {
  it('rank histograms of all nine parameters are uniform (χ² test at 1% family-wise)', async () => {
    const replicates = clvReplicates({ replicates: 100, customers: 100, weeks: 52, seed: 19 });
    const r = await runDensitySbc(replicates, { L: 49, thin: 2, warmup: 150, seed: 19, targetAccept: 0.95 });
    console.log(describeSbc('bgnbd-gamma-gamma', r));
    expect(r.parameters.map((p) => p.name)).toEqual(['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma', 'sigma_purchase', 'sigma_spend']);
    expectCalibrated(r);
  }, 300_000);
});
