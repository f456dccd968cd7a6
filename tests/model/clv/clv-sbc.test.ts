/**
 * Simulation-based calibration of the BG/NBD + Gamma-Gamma model through the density-model framework, small enough
 * for the suite (the 200-replicate run is bench/sbc-clv.ts, its output in bench/results/sbc-clv.txt): 100 replicates
 * of 100 customers over 52 weeks at the default target acceptance (0.8, as `nutmeg clv`), L = 49 ranks (98
 * post-warm-up iterations thinned by 2) in 10 bins; every parameter's histogram must pass the χ²₉ test at 1% family-wise
 * over the 9 parameters (tests/helpers/sbc.ts), and at most 5 of the 100 replicates may have a divergent transition (the
 * plain log-scale coordinates, before src/model/clv/parameter-map.ts, had them in 79 of bench/sbc-clv.ts's 200).
 */
import { describe, expect, it } from 'vitest';
import { clvReplicates } from '../../helpers/sbc-clv.js';
import { runDensitySbc } from '../../helpers/sbc-density.js';
import { describeSbc, expectCalibrated } from '../../helpers/sbc.js';

describe('SBC: BG/NBD + Gamma-Gamma', () => {
  it('rank histograms of all nine parameters are uniform (χ² test at 1% family-wise)', async () => {
    const replicates = clvReplicates({ replicates: 100, customers: 100, weeks: 52, seed: 19 });
    const r = await runDensitySbc(replicates, { L: 49, thin: 2, warmup: 150, seed: 19 });
    console.log(describeSbc('bgnbd-gamma-gamma', r));
    expect(r.parameters.map((p) => p.name)).toEqual(['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma', 'sigma_purchase', 'sigma_spend']);
    expectCalibrated(r);
    expect(r.divergentReplicates).toBeLessThanOrEqual(5);
  }, 300_000);
});
