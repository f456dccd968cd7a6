/**
 * The default metric (src/fit/metric-choice.ts): 'auto' = dense for models without varying terms and at most
 * DENSE_AUTO_MAX_DIM parameters, lowrank for a categorical fixed effect stored as a level index, diag otherwise;
 * explicit choices are kept; the CLI states the rule and passes it on.
 * The reason for the rule is checked on a small case: two 0/1 columns that nearly add up to the intercept (as
 * Hillstrom's mens and womens do) make the diagonal metric take several times more gradients per draw than the dense
 * one (reference value: the pooled Hillstrom fits of bench/metric-gradients.ts, 18–21 vs 6.0–6.2 per draw).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';
import { fitModel } from '../../src/fit/fit.js';
import { AUTO_METRIC_RULE, chooseMetric, DENSE_AUTO_MAX_DIM, LOWRANK_AUTO_MAX_DIM } from '../../src/fit/metric-choice.js';
import { variableChains } from '../../src/diagnostics/chains.js';
import { essBulk } from '../../src/diagnostics/ess.js';
import { levelsFrame } from '../../bench/levels-curve.js';
import { buildModel } from '../../src/model/build.js';
import { correlatedFrame, gradientsPerDraw } from '../helpers/frames.js';


describe('chooseMetric', () => {
  const frame = correlatedFrame(200, DENSE_AUTO_MAX_DIM);
  it('picks dense for a model without varying terms, diag with varying terms', () => {
    expect(chooseMetric('auto', buildModel(frame, 'y ~ a + b + x').spec)).toBe('dense');
    expect(chooseMetric('auto', buildModel(frame, 'y ~ a + b + x + (1 | g)').spec)).toBe('diag');
    expect(chooseMetric('auto', buildModel(frame, 'y ~ a + b + x + (0 + x | g)').spec)).toBe('diag');
  });

  it(`picks diag above ${DENSE_AUTO_MAX_DIM} parameters, dense at ${DENSE_AUTO_MAX_DIM}`, () => {
    const columns = (k: number): string => Array.from({ length: k }, (_, j) => `e${j}`).join(' + ');
    const atCap = buildModel(frame, `y ~ 0 + ${columns(DENSE_AUTO_MAX_DIM)}`).spec;
    const over = buildModel(frame, `y ~ ${columns(DENSE_AUTO_MAX_DIM)}`).spec;
    expect(atCap.dim).toBe(DENSE_AUTO_MAX_DIM);
    expect(over.dim).toBe(DENSE_AUTO_MAX_DIM + 1);
    expect(chooseMetric('auto', atCap)).toBe('dense');
    expect(chooseMetric('auto', over)).toBe('diag');
  });

  it(`picks lowrank with a categorical fixed effect stored as a level index (dense at ${DENSE_AUTO_MAX_DIM} parameters or fewer without varying terms; diag above ${LOWRANK_AUTO_MAX_DIM})`, () => {
    const levels = levelsFrame(1000, 100, 5);
    const indexed = buildModel(levels, 'y ~ x + g').spec;
    expect(indexed.fixed.indexed?.length).toBe(1);
    expect(chooseMetric('auto', indexed)).toBe('lowrank');
    expect(chooseMetric('auto', buildModel(levels, 'y ~ g + (1 | g)').spec)).toBe('lowrank');
    const small = buildModel(levelsFrame(400, 20, 5), 'y ~ x + g').spec; // 20 levels: indexed, 21 parameters
    expect(small.fixed.indexed?.length).toBe(1);
    expect(chooseMetric('auto', small)).toBe('dense');
    expect(chooseMetric('auto', { ...indexed, dim: LOWRANK_AUTO_MAX_DIM + 1 })).toBe('diag');
    expect(chooseMetric('diag', indexed)).toBe('diag');
  });

  it('keeps an explicit choice', () => {
    const pooled = buildModel(frame, 'y ~ a + b + x').spec;
    const varying = buildModel(frame, 'y ~ a + b + x + (1 | g)').spec;
    expect(chooseMetric('diag', pooled)).toBe('diag');
    expect(chooseMetric('dense', varying)).toBe('dense');
  });
});

describe('fitModel metric default', () => {
  it('adapts a dense metric by default on a pooled model with correlated columns, with several times fewer gradients per draw than diag', async () => {
    const frame = correlatedFrame(1000);
    // in the coefficients' own coordinates: the QR basis (the default, tests/model/fixed-basis.test.ts) removes most
    // of what the dense metric gains here
    const opts = { backend: 'reference' as const, chains: 2, warmup: 300, draws: 200, seed: 2, fixedBasis: 'natural' as const };
    const auto = await fitModel(frame, 'y ~ a + b + x', opts);
    const diag = await fitModel(frame, 'y ~ a + b + x', { ...opts, metric: 'diag' });
    await auto.dispose();
    await diag.dispose();
    expect(auto.sample.settings.metric).toBe('dense');
    expect(auto.sample.inverseMetric[0].length).toBe(16);
    expect(diag.sample.settings.metric).toBe('diag');
    expect(gradientsPerDraw(diag)).toBeGreaterThan(2 * gradientsPerDraw(auto));
  });

  it('adapts the low-rank metric for a 100-level categorical fixed effect: the intercept, tied to every level, mixes', async () => {
    // y ~ x + g with 100 levels of 10 rows: each b_g is its level's difference from the first, so all move with
    // b_Intercept. Measured (reference backend, 2 × (300 + 200), seeds 3 and 4): b_Intercept bulk-ESS diag 3 and 6,
    // lowrank 132 and 95.
    const frame = levelsFrame(1000, 100, 5);
    const opts = { backend: 'reference' as const, chains: 2, warmup: 300, draws: 200, seed: 3 };
    const auto = await fitModel(frame, 'y ~ x + g', opts);
    const diag = await fitModel(frame, 'y ~ x + g', { ...opts, metric: 'diag' });
    await auto.dispose();
    await diag.dispose();
    expect(auto.sample.settings.metric).toBe('lowrank');
    const essOf = (fit: typeof auto): number => essBulk(variableChains(fit.draws, fit.draws.names.indexOf('b_Intercept'))) ?? 0;
    expect(essOf(diag)).toBeLessThan(20);
    expect(essOf(auto)).toBeGreaterThan(5 * essOf(diag));
  });

  it('keeps diag by default when the model has varying terms', async () => {
    const fit = await fitModel(correlatedFrame(200), 'y ~ x + (1 | g)', { backend: 'reference', chains: 1, warmup: 30, draws: 10 });
    await fit.dispose();
    expect(fit.sample.settings.metric).toBe('diag');
  });
});

describe('nutmeg fit --metric', () => {
  it('states the auto rule in --help and refuses an unknown metric', async () => {
    const help = await runNutmeg(['fit', '--help']);
    expect(help.code).toBe(0);
    expect(help.out.replace(/\s+/g, ' ')).toContain(AUTO_METRIC_RULE);
    const bad = await runNutmeg(['fit', '--metric', 'unit']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--metric');
  });

  it('writes dense_e by default for the pooled model and diag_e when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-metric-'));
    try {
      const base = ['--rows', '300', '--model', 'pooled', '--chains', '1', '--warmup', '40', '--draws', '10', '--backend', 'reference', '--quiet'];
      expect((await runNutmeg(['fit', ...base, '--out', join(dir, 'auto')])).code).toBe(0);
      expect((await runNutmeg(['fit', ...base, '--metric', 'diag', '--out', join(dir, 'diag')])).code).toBe(0);
      expect(readFileSync(join(dir, 'auto', 'chain-1.csv'), 'utf8')).toMatch(/metric = dense_e/);
      expect(readFileSync(join(dir, 'diag', 'chain-1.csv'), 'utf8')).toMatch(/metric = diag_e/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
