/**
 * The many-level simulator (src/data/simulate/levels.ts, `sim:levels`): n/10 levels with exactly 10 rows each, its
 * truth keys (nutmeg's names for LEVELS_FORMULA), and that the outcome follows the stated model: the number of 1s
 * matches Σ E_u[σ(b₀ + b₁x + sd·u)], u ~ Normal(0, 1) (by quadrature), within 4 standard deviations of the sum
 * (the rows' binomial variance plus the levels' shared-effect variance bounded by (10 · sd/4)² a level): a simulation
 * check.
 */
import { describe, expect, it } from 'vitest';
import { builtinDataset } from '../../src/data/datasets.js';
import type { CategoricalColumn, NumericColumn } from '../../src/data/frame.js';
import { LEVELS_FORMULA, simulateLevels } from '../../src/data/simulate/levels.js';
import { buildModel } from '../../src/model/build.js';
import { sigmoid } from '../../src/numeric/logistic.js';

/** E[σ(eta + s·u)], u ~ Normal(0, 1), by the trapezoid rule on ±8 in steps of 0.05. */
function expectedProbability(eta: number, s: number): number {
  let total = 0;
  let weight = 0;
  for (let u = -8; u <= 8; u += 0.05) {
    const w = Math.exp(-0.5 * u * u);
    total += w * sigmoid(eta + s * u);
    weight += w;
  }
  return total / weight;
}

describe('sim:levels', () => {
  it('10,000 levels of exactly 10 rows by default; the outcome follows the model at the true values (20,000 rows)', () => {
    expect((builtinDataset('levels', 2).frame.columns.get('g') as CategoricalColumn).levels.length).toBe(10_000);
    const { frame, truth } = builtinDataset('levels', 2, 20_000);
    expect(frame.nRows).toBe(20_000);
    const g = frame.columns.get('g') as CategoricalColumn;
    expect(g.levels.length).toBe(2_000);
    expect(g.levels[0]).toBe('L000001');
    const perLevel = new Int32Array(g.levels.length);
    for (let i = 0; i < frame.nRows; i++) perLevel[g.codes[i]]++;
    expect(perLevel.every((k) => k === 10)).toBe(true);
    expect(truth).toEqual({ b_Intercept: -1, b_x: 0.5, sd_g__Intercept: 0.5 });
    const x = (frame.columns.get('x') as NumericColumn).values;
    const y = (frame.columns.get('y') as NumericColumn).values;
    let expected = 0;
    let variance = 0;
    let observed = 0;
    for (let i = 0; i < frame.nRows; i++) {
      const p = expectedProbability(truth.b_Intercept + truth.b_x * x[i], truth.sd_g__Intercept);
      expected += p;
      variance += p * (1 - p);
      observed += y[i];
    }
    variance += g.levels.length * (10 * truth.sd_g__Intercept / 4) ** 2;
    expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt(variance));
  });

  it('rows not a multiple of 10: the first levels get 11; the formula names the truth keys', () => {
    const { frame, truth } = simulateLevels({ seed: 1, n: 1003 });
    const g = frame.columns.get('g') as CategoricalColumn;
    expect(g.levels.length).toBe(100);
    const perLevel = new Int32Array(100);
    for (let i = 0; i < frame.nRows; i++) perLevel[g.codes[i]]++;
    expect(Array.from(perLevel.slice(0, 4))).toEqual([11, 11, 11, 10]);
    const { spec } = buildModel(frame, LEVELS_FORMULA);
    expect(spec.fixed.names.map((n) => `b_${n}`)).toEqual(['b_Intercept', 'b_x']);
    expect(Object.keys(truth)).toContain('sd_g__Intercept');
  });
});
