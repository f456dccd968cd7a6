/**
 * Issue 4's acceptance check on the real data: the pooled, hierarchical and crossed Hillstrom models, fitted with the
 * parameterization nutmeg picks by default (native backend, 4 chains × 1000 warm-up + 1000 draws, as Stan's
 * reference), against Stan 2.21's posterior summaries (tests/fixtures/stan, from the shared golden/stan):
 *   every parameter's posterior mean within 4 combined MCSE, sd within 10% (20% for crossed), R-hat < 1.01,
 *   no divergences for pooled.
 * The crossed model's reference is Stan's centered fit (crossed_centered). Since issue 17 session 10 nutmeg samples the
 * zip-code and channel intercepts non-centered on log sd with scaled levels by default (src/model/signed-scale.ts,
 * "Scaled levels on log sd"; 0 divergences at the default target acceptance in bench/adaptation-gradients.ts); the
 * history that follows is that of the split parameterization (`--sd-scale signed` or log), kept at 0.95 here.
 * Split, nutmeg folds their means into the intercept (src/model/split.ts), which removes the funnel
 * between the intercept and the 3-level effects. One neck remains: the zip-code levels barely differ, so their sd
 * reaches near 0 where the centered deviations pinch (the divergences sit at sd_zip_code ≈ 0.1 against 0.25
 * typical). At target acceptance 0.8 that leaves seed-dependent R-hat (1.004 on one run, 1.038 on another, tens to
 * ~170 divergences); at 0.95 it passes (R-hat ≤ 1.003, 28 divergences), so crossed runs at 0.95 and the other two
 * at their defaults (0.8 pooled, 0.85 hierarchical: src/fit/target-accept.ts). Divergences are printed; the issue asks
 * for none on pooled.
 * Skipped with a notice when ../shared/data/hillstrom.csv is absent or the native addon is not built.
 */
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, loadHillstrom, type HillstromModel } from '../../src/data/hillstrom.js';
import { fitModel } from '../../src/fit/fit.js';
import { hillstromPath } from '../helpers/hillstrom.js';
import { compareWithStan, formatComparison } from '../helpers/stan-reference.js';

const path = hillstromPath();
const native = loadNativeAddon();
if (!path) console.warn('NOTICE: Stan reference comparison skipped: ../shared/data/hillstrom.csv not present');
if (!native) console.warn('NOTICE: Stan reference comparison skipped: the native addon is not built (npm run build)');

/** Model, sd tolerance, target acceptance (undefined: the default a user gets). */
const CASES: Array<[HillstromModel, number, number | undefined]> = [
  ['pooled', 0.1, undefined],
  ['hierarchical', 0.1, undefined],
  ['crossed', 0.2, 0.95],
];

describe.skipIf(!path || !native)('posterior on the real Hillstrom data agrees with Stan', () => {
  for (const [model, sdTolerance, targetAccept] of CASES) {
    it(`${model} model`, { timeout: 1_200_000 }, async () => {
      const frame = loadHillstrom(path!);
      const fit = await fitModel(frame, HILLSTROM_FORMULAS[model], { priors: HILLSTROM_PRIORS[model], backend: 'native', chains: 4, warmup: 1000, draws: 1000, seed: 20261122, targetAccept });
      const rows = compareWithStan(model, fit.draws, sdTolerance);
      const failures = rows.flatMap((r) => r.failures.map((f) => `${r.stanName} ${f}`));
      const divergences = fit.sample.divergences.reduce((a, b) => a + b, 0);
      console.log(`${model}: ${divergences} divergences, ${(fit.sample.timing.warmupSeconds + fit.sample.timing.samplingSeconds).toFixed(1)} s\n` + formatComparison(rows));
      if (model === 'pooled') expect(divergences).toBe(0);
      expect(failures).toEqual([]);
      await fit.dispose();
    });
  }
});
