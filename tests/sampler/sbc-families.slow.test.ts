/**
 * Simulation-based calibration (Talts et al. 2018, arXiv:1804.06788, Algorithm 1; machinery in tests/helpers/sbc.ts)
 * of one small model per family on the reference backend: y ~ x + (1 | g) on 40 rows, x ~ N(0, 1), 5 levels of g
 * (non-centered). 200 replicates, each its own data set and its own chain, all in lockstep as the chains of one
 * sample() call; L = 99 ranks (198 post-warm-up iterations thinned by 2) in 10 bins of
 * 10; every tested parameter's histogram must pass a χ² test with 9 degrees of freedom at 1% family-wise over
 * the model's parameters (Bonferroni: each at 1%/m; tests/helpers/sbc.ts familywiseCritical).
 * Tested: b_Intercept, b_x, sd_g__Intercept, the auxiliary parameter (sigma/shape) where the family has one, and
 * r_g__Intercept[1…5] (z = r/sd is not tested again): 8 or 9 per model, 60 in all.
 *
 * Priors (listed in tests/helpers/sbc-families.ts): chosen so that the simulated data stay sane without redrawing (a redraw would bias SBC; tests/helpers/sbc.ts
 * throws instead): log-link means e^η mostly below e^3, sigma and sd on the scale of the data; every prior family of
 * src/model/prior.ts is drawn somewhere (student_t, normal, halfnormal, halfstudent_t, exponential, gamma). Each model
 * logs its data range, divergences, ESS of the kept draws and every χ².
 *
 * Multiple testing: each parameter is tested at 1%, so of the 60 tests here about 0.6 fail by chance even when all is
 * right (P(no false alarm) = 0.99^60 ≈ 0.55 if independent; the r of one model are not). Each model has its own seed
 * (SEED + its index), so the models do not share the sampler's random numbers and their outcomes are independent.
 * The seeds are fixed and the outcome reproducible: a failure after a change is to be investigated (other seeds, more
 * replicates, finite differences of the gradient, the simulator's moments), not re-seeded away.
 */
import { describe, expect, it } from 'vitest';
import { describeSbc, expectCalibrated, runSbc, sbcSpec } from '../helpers/sbc.js';
import { SBC_FAMILIES as FAMILIES, SBC_LEVELS as LEVELS } from '../helpers/sbc-families.js';

const REPLICATES = 200;
const L = 99;
const THIN = 2;
const WARMUP = 200;
const SEED = 2024;
/** Per model: ~5–25 s of one core when the machine is quiet; generous for a loaded one. */
const TIMEOUT_MS = 400_000;

const notZ = (name: string): boolean => !name.startsWith('z_');

describe('simulation-based calibration: one small model per family', () => {
  FAMILIES.forEach((c, index) => {
    it(`${c.label}: rank histograms of b, sd, ${c.aux ? 'the auxiliary parameter, ' : ''}and r are uniform (χ² test at 1%)`, async () => {
      const seed = SEED + 1 + index;
      const base = sbcSpec({ ...c, levels: LEVELS, seed });
      const r = await runSbc(base, { replicates: REPLICATES, L, thin: THIN, warmup: WARMUP, seed, tested: notZ });
      expect(r.parameters.map((p) => p.name)).toEqual([
        'b_Intercept',
        'b_x',
        'sd_g__Intercept',
        ...(base.aux ?? []).map((a) => a.name),
        ...Array.from({ length: LEVELS }, (_, k) => `r_g__Intercept[${k + 1}]`),
      ]);
      console.log(describeSbc(`${c.label}, seed ${seed}`, r));
      expectCalibrated(r);
    }, TIMEOUT_MS);
  });
});
