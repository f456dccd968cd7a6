/**
 * fitDensityModel on a model with a closed-form posterior (tests/model/density-model/toy-model.ts): posterior means
 * within 4 MCSE of the truth and sds within 10%, for every transform kind; generated quantities and the pointwise
 * log-likelihood laid out per draw.
 */
import { describe, expect, it } from 'vitest';
import { summarizeDraws } from '../../src/diagnostics/summary.js';
import { fitDensityModel } from '../../src/fit/density-fit.js';
import { TOY_ALPHA, toyModel } from '../model/density-model/toy-model.js';
import { UserError } from '../../src/errors.js';

const y = Float64Array.from([0.4, 1.3, -0.2, 0.9, 2.1, 1.7, 0.2, 1.1]);

describe('fitDensityModel', () => {
  it('recovers a closed-form posterior for every transform kind', async () => {
    const model = toyModel(y);
    const fit = await fitDensityModel(model, { chains: 4, warmup: 500, draws: 1000, seed: 11 });
    expect(fit.draws.names).toEqual(['mu', 'tau', 'w[1]', 'w[2]', 'w[3]', 'r', 'y_rep']);
    expect(fit.coordinates).toEqual({ w: ['a', 'b', 'c'] });
    const rows = new Map(summarizeDraws(fit.draws).rows.map((r) => [r.variable, r]));
    const a0 = TOY_ALPHA.reduce((s, a) => s + a, 0);
    const truth: Record<string, { mean: number; sd: number }> = {
      mu: model.posterior,
      tau: { mean: 3 / 2, sd: Math.sqrt(3) / 2 },
      // p ~ beta(2, 2): mean 1/2, variance 1/20; r = −1 + 5p
      r: { mean: 1.5, sd: 5 * Math.sqrt(1 / 20) },
      y_rep: { mean: model.posterior.mean, sd: Math.sqrt(model.posterior.sd ** 2 + 1) },
    };
    TOY_ALPHA.forEach((a, k) => {
      truth[`w[${k + 1}]`] = { mean: a / a0, sd: Math.sqrt((a * (a0 - a)) / (a0 ** 2 * (a0 + 1))) };
    });
    for (const [name, t] of Object.entries(truth)) {
      const row = rows.get(name)!;
      expect(Math.abs(row.mean! - t.mean), name).toBeLessThan(4 * row.mcse_mean!);
      expect(Math.abs(row.sd! / t.sd - 1), name).toBeLessThan(0.1);
    }
    // the pointwise log-likelihood: one row per kept draw, chain after chain, at that draw's mu
    const ll = fit.logLik!;
    expect(ll.rows.length).toBe(4000);
    expect(ll.chainOfDraw[0]).toBe(1);
    expect(ll.chainOfDraw[3999]).toBe(4);
    const mu = fit.draws.values[1000 * 2 + 17]; // chain 3, draw 18
    expect(ll.rows[2017][3]).toBeCloseTo(-0.5 * Math.log(2 * Math.PI) - 0.5 * (y[3] - mu) ** 2, 12);
  });

  it('starts from given constrained values and refuses ones outside the bounds', async () => {
    const model = toyModel(y);
    const init = Float64Array.from([0.5, 1, 0.2, 0.3, 0.5, 0, 0.5, 1, 0.2, 0.3, 0.5, 0]);
    const fit = await fitDensityModel(model, { chains: 2, warmup: 0, draws: 1, seed: 2, init });
    expect(fit.sample.nDraws).toBe(1);
    const bad = init.slice();
    bad[1] = -1;
    const error = await fitDensityModel(model, { chains: 2, warmup: 10, draws: 10, init: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe("init: chain 1 starts on or outside a parameter's bounds");
  });
});
