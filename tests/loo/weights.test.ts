/** Pseudo-BMA+ (Bayesian bootstrap) against R loo 2.5.1 with 20,000 replicates (tests/fixtures/loo/bb.csv; Monte Carlo
 * error about 1e-3) and closed-form cases of all weights (more of stacking in stacking.test.ts). */
import { describe, expect, it } from 'vitest';
import { stackingWeights } from '../../src/loo/stacking.js';
import { pseudoBmaPlusWeights, pseudoBmaWeights } from '../../src/loo/weights.js';
import { psisLoo } from '../../src/loo/loo.js';
import { readLogLikCsv } from '../../src/io/loglik-csv.js';
import { FIXTURES, MODELS, numbers, readRCsv } from './fixtures.js';

describe('pseudo-BMA+', () => {
  it("agrees with R's pseudobma_weights(BB = TRUE) within Monte Carlo error, and is reproducible by seed", async () => {
    const lpd: Float64Array[] = [];
    for (const m of MODELS) {
      const f = await readLogLikCsv(`${FIXTURES}${m}.loglik.csv.gz`);
      const matrix = new Float64Array(f.nDraws * f.nObs);
      f.rows.forEach((row, s) => matrix.set(row, s * f.nObs));
      lpd.push(psisLoo(matrix, f.nDraws, f.nObs, f.chainOfDraw).pointwise.elpdLoo);
    }
    const ref = numbers(readRCsv('bb.csv').weight);
    const w = pseudoBmaPlusWeights(lpd, { seed: 2, replicates: 20000 });
    w.forEach((v, k) => expect(Math.abs(v - ref[k])).toBeLessThan(0.01));
    expect(pseudoBmaPlusWeights(lpd, { seed: 9 })).toEqual(pseudoBmaPlusWeights(lpd, { seed: 9 }));
    expect(pseudoBmaPlusWeights(lpd, { seed: 9 })).not.toEqual(pseudoBmaPlusWeights(lpd, { seed: 10 }));
  });
});

describe('closed forms', () => {
  const a = Float64Array.from([-1, -2, -0.5, -3]);
  it('identical models share the weight equally', () => {
    for (const w of [pseudoBmaWeights([a, a]), pseudoBmaPlusWeights([a, a], { seed: 1 }), stackingWeights([a, a])]) {
      expect(w[0]).toBeCloseTo(0.5, 12);
      expect(w[1]).toBeCloseTo(0.5, 12);
    }
  });

  it('pseudo-BMA is the softmax of total elpd', () => {
    const b = a.map((v) => v - 0.25); // total elpd lower by 1
    const w = pseudoBmaWeights([a, b]);
    expect(w[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 14);
  });
});
