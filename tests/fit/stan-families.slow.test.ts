/**
 * Issue 15's check of the families against Stan fits written for this purpose (bench/peers/stan/glm_vi.stan and
 * gaussian_cor.stan, nutmeg's default priors passed as data; tests/fixtures/stan/make-family-references.R made the
 * summaries with rstan 2.21, 4 chains × 1000 warm-up + 1000 draws): lme4's sleepstudy (gaussian, correlated
 * intercept and slope), MASS's epil (poisson, varying intercept), MASS's quine (negbinomial) and simulated gamma
 * and lognormal data with a varying intercept (tests/fixtures/families, README there). nutmeg fits each with 4
 * chains × 1000 + 1000 on the native backend when its kernels support the family, the reference backend
 * otherwise; every quantity in Stan's summary (b_, sd_, cor_, sigma/shape and every r_) must have its posterior mean
 * within 4 combined MCSE of Stan's, its sd within 10 %, and R-hat ≤ 1.01. The priors nutmeg uses must be the ones
 * the Stan fit used (tests/fixtures/stan/<model>.priors.csv, computed in R by nutmeg's documented rule).
 */
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { readCsv } from '../../src/data/csv.js';
import { fitModel } from '../../src/fit/fit.js';
import { kernelsSupportFamily } from '../../src/model/families/index.js';
import type { Family } from '../../src/model/spec.js';
import { compareSummaryWithStan, formatComparison, readStanPriors, selectByStanName } from '../helpers/stan-reference.js';

interface Case {
  readonly model: string;
  readonly formula: string;
  readonly family: Family;
}

const CASES: readonly Case[] = [
  { model: 'sleepstudy', formula: 'Reaction ~ Days + (1 + Days | Subject)', family: 'gaussian' },
  { model: 'epil', formula: 'y ~ trt + scale(base) + scale(age) + (1 | subject)', family: 'poisson' },
  { model: 'quine', formula: 'Days ~ Eth + Sex + Age + Lrn', family: 'negbinomial' },
  { model: 'gamma', formula: 'y ~ x + (1 | g)', family: 'gamma' },
  { model: 'lognormal', formula: 'y ~ x + (1 | g)', family: 'lognormal' },
];

const native = loadNativeAddon();
const frameOf = (model: string) => readCsv(new URL(`../fixtures/families/${model}.csv`, import.meta.url).pathname);

describe('posteriors of the families agree with Stan', () => {
  for (const c of CASES) {
    it(`${c.model} (${c.family}): ${c.formula}`, { timeout: 300_000 }, async () => {
      const backend = native && kernelsSupportFamily('native', c.family) ? 'native' : 'reference';
      const fit = await fitModel(frameOf(c.model), c.formula, { family: c.family, backend, chains: 4, warmup: 1000, draws: 1000, seed: 20261202 });
      try {
        // the same priors as the Stan fit
        const stanPriors = readStanPriors(`${c.model}.priors.csv`);
        const ours = new Map(fit.model.priors.table.map((a) => [a.parameter, a.prior]));
        for (const [parameter, ref] of stanPriors) {
          const prior = ours.get(parameter);
          expect(prior?.family, parameter).toBe(ref.family);
          prior!.params.forEach((v, i) => expect(v, `${parameter} parameter ${i + 1}`).toBeCloseTo(ref.params[i], 9));
        }
        expect([...ours.keys()].filter((p) => !stanPriors.has(p) && !p.startsWith('cor'))).toEqual([]);

        const rows = compareSummaryWithStan(`${c.model}.summary.csv`, (name) => selectByStanName(fit.draws, fit.coordinates, name));
        const divergences = fit.sample.divergences.reduce((a, b) => a + b, 0);
        const seconds = fit.sample.timing.warmupSeconds + fit.sample.timing.samplingSeconds;
        console.log(`${c.model} (${backend}): ${divergences} divergences, ${seconds.toFixed(1)} s\n${formatComparison(rows)}`);
        expect(rows.flatMap((r) => r.failures.map((f) => `${r.stanName} ${f}`))).toEqual([]);
      } finally {
        await fit.dispose();
      }
    });
  }
});
