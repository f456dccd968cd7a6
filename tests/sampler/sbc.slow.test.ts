/**
 * Simulation-based calibration (Talts et al. 2018, arXiv:1804.06788, Algorithm 1; machinery in tests/helpers/sbc.ts)
 * on the reference backend: 200 replicates, each its own data set and its own chain, all in lockstep as the chains
 * of one sample() call. L = 99 ranks (198 post-warm-up iterations thinned by 2), grouped in 10 bins of 10; every
 * tested parameter's histogram must pass a χ² test with 9 degrees of freedom at 1% family-wise over
 * the model's parameters (Bonferroni: each at 1%/m; tests/helpers/sbc.ts familywiseCritical).
 *
 * Models: the pooled and the hierarchical logistic regressions of tests/helpers/specs.ts (200 rows; priors of the
 * reference analysis: Intercept ~ N(−3, 1), b ~ N(0, 0.5), sd ~ HalfNormal(0.5), non-centered z ~ N(0, 1)); every
 * parameter tested (4 and 19); and the hierarchical one with its sd sampled as a signed coordinate (sd = |v|,
 * src/model/signed-scale.ts, what a fit does for a non-centered term with few levels), whose two-to-one map must leave
 * the posterior of sd, z and r unchanged; and the same with its levels scaled by their conditional precision
 * (ζ_k = z_k·√(1 + v²·I_k), sd-scale 'scaled'); and with log sd and scaled levels (what sd-scale 'scaled' does for a
 * term the data pin down). The other families: tests/sampler/sbc-families.slow.test.ts (and the note on
 * multiple testing there).
 */
import { describe, expect, it } from 'vitest';
import { describeSbc, expectCalibrated, runSbc } from '../helpers/sbc.js';
import { randomSpec } from '../helpers/specs.js';
import { levelInformation } from '../../src/model/parameterization.js';

const REPLICATES = 200;
const L = 99;
const THIN = 2;
const WARMUP = 200;
const SEED = 2024;
/** Per model: ~10–20 s of one core when the machine is quiet; generous for a loaded one. */
const TIMEOUT_MS = 400_000;

describe('simulation-based calibration: logistic models', () => {
  for (const kind of ['pooled', 'hierarchical'] as const) {
    it(`${kind} logistic model: rank histograms of every parameter are uniform (χ² test at 1%)`, async () => {
      const base = randomSpec(kind, { n: 200, seed: SEED });
      const r = await runSbc(base, { replicates: REPLICATES, L, thin: THIN, warmup: WARMUP, seed: SEED });
      expect(r.parameters.length).toBe(kind === 'pooled' ? 4 : 4 + 1 + 7 + 7);
      console.log(describeSbc(`${kind} logistic`, r));
      expectCalibrated(r);
    }, TIMEOUT_MS);
  }

  it('hierarchical logistic model with a signed sd: rank histograms of every parameter are uniform (χ² test at 1%)', async () => {
    const plain = randomSpec('hierarchical', { n: 200, seed: SEED });
    const base = { ...plain, terms: plain.terms.map((t) => ({ ...t, signedScale: true })) };
    const r = await runSbc(base, { replicates: REPLICATES, L, thin: THIN, warmup: WARMUP, seed: SEED });
    expect(r.parameters.length).toBe(4 + 1 + 7 + 7);
    console.log(describeSbc('hierarchical logistic, signed sd', r));
    expectCalibrated(r);
  }, TIMEOUT_MS);

  it('hierarchical logistic model with a signed sd and scaled levels: rank histograms are uniform (χ² test at 1%)', async () => {
    // ζ_k = z_k·√(1 + v²·I_k) (src/model/signed-scale.ts, sd-scale 'scaled'), I_k from the base design's rows
    const plain = randomSpec('hierarchical', { n: 200, seed: SEED });
    const base = {
      ...plain,
      terms: plain.terms.map((t) => ({
        ...t,
        signedScale: true,
        levelInformation: levelInformation({ levels: plain.groups[t.group].levels.length, index: plain.groups[t.group].index, x: t.x }, plain.y, plain.trials),
      })),
    };
    const r = await runSbc(base, { replicates: REPLICATES, L, thin: THIN, warmup: WARMUP, seed: SEED });
    expect(r.parameters.length).toBe(4 + 1 + 7 + 7);
    console.log(describeSbc('hierarchical logistic, signed sd, scaled levels', r));
    expectCalibrated(r);
  }, TIMEOUT_MS);

  it('hierarchical logistic model with log sd and scaled levels: rank histograms are uniform (χ² test at 1%)', async () => {
    // ζ_k = z_k·√(1 + sd²·I_k) with u = log sd (src/model/signed-scale.ts, "Scaled levels on log sd": what sd-scale
    // 'scaled' does for a pinned term), I_k from the base design's rows
    const plain = randomSpec('hierarchical', { n: 200, seed: SEED });
    const base = {
      ...plain,
      terms: plain.terms.map((t) => ({
        ...t,
        levelInformation: levelInformation({ levels: plain.groups[t.group].levels.length, index: plain.groups[t.group].index, x: t.x }, plain.y, plain.trials),
      })),
    };
    const r = await runSbc(base, { replicates: REPLICATES, L, thin: THIN, warmup: WARMUP, seed: SEED });
    expect(r.parameters.length).toBe(4 + 1 + 7 + 7);
    console.log(describeSbc('hierarchical logistic, log sd, scaled levels', r));
    expectCalibrated(r);
  }, TIMEOUT_MS);
});
