/**
 * The separation analysis of DESIGN.md, end to end through the API (fit → backend pointwise log-likelihood in blocks →
 * PSIS-LOO → compare): on simulated sessions where 7 of 10 cities never convert, the model with varying intercepts
 * by city must out-rank the one by lead source (reference: the simulator's truth — city, not source, carries the
 * signal). Small data and short chains on the reference backend keep it a unit test; `nutmeg compare RUN_DIR…` will
 * run the same path once fits write output directories.
 */
import { describe, expect, it } from 'vitest';
import { SEPARATION_FORMULAS, simulateSeparation } from '../../src/data/simulate/separation.js';
import { fitModel } from '../../src/fit/fit.js';
import { compareModels, type NamedLoo } from '../../src/loo/compare.js';
import { looOfFit } from '../../src/loo/fit-loo.js';

describe('separation analysis', () => {
  it('by-city out-ranks by-source in PSIS-LOO, with stacking weight on the city model', async () => {
    const { frame } = simulateSeparation({ seed: 1, n: 800 });
    const models: NamedLoo[] = [];
    for (const name of ['source', 'city'] as const) {
      const fit = await fitModel(frame, SEPARATION_FORMULAS[name], {
        backend: 'reference',
        chains: 2,
        warmup: 200,
        draws: 200,
        seed: 7,
      });
      try {
        models.push({ name, loo: await looOfFit(fit, { blockRows: 100, maxDrawsPerCall: 64 }) });
      } finally {
        await fit.dispose();
      }
    }
    const rows = compareModels(models);
    expect(rows.map((r) => r.model)).toEqual(['city', 'source']);
    expect(rows[1].elpdDiff).toBeLessThan(-2 * rows[1].seDiff);
    expect(rows[0].weight).toBeGreaterThan(0.9);
  });
});
