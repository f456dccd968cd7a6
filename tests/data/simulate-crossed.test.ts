/**
 * The crossed student × instructor simulator (src/data/simulate/crossed.ts): its shape (3,000 × 1,000 levels on
 * 100,000 rows, levels scaled with the rows), its truth keys (nutmeg's names for CROSSED_FORMULA), and that the
 * outcome follows the stated model: the mean of P(passed) at the true parameters matches the observed rate within
 * 4 binomial standard errors (a simulation check).
 */
import { describe, expect, it } from 'vitest';
import { builtinDataset } from '../../src/data/datasets.js';
import type { CategoricalColumn, NumericColumn } from '../../src/data/frame.js';
import { CROSSED_FORMULA, simulateCrossed } from '../../src/data/simulate/crossed.js';
import { buildModel } from '../../src/model/build.js';
import { sigmoid } from '../../src/numeric/logistic.js';

describe('sim:crossed', () => {
  it('3,000 students × 1,000 instructors on 100,000 rows; the outcome follows the model at the true values', () => {
    const { frame, truth } = builtinDataset('crossed', 3);
    expect(frame.nRows).toBe(100_000);
    const student = frame.columns.get('student') as CategoricalColumn;
    const instructor = frame.columns.get('instructor') as CategoricalColumn;
    expect(student.levels.length).toBe(3000);
    expect(instructor.levels.length).toBe(1000);
    expect(student.levels[0]).toBe('s0001');
    expect(truth.sd_student__Intercept).toBe(0.6);
    expect(truth.sd_instructor__Intercept).toBe(0.35);
    const num = (name: string): ArrayLike<number> => (frame.columns.get(name) as NumericColumn).values;
    const [score, online, passed] = [num('prior_score'), num('online'), num('passed')];
    let expected = 0;
    let variance = 0;
    let observed = 0;
    for (let i = 0; i < frame.nRows; i++) {
      const p = sigmoid(
        truth.b_Intercept + truth.b_prior_score * score[i] + truth.b_online * online[i] +
          truth[`r_student__Intercept[${student.codes[i] + 1}]`] + truth[`r_instructor__Intercept[${instructor.codes[i] + 1}]`],
      );
      expected += p;
      variance += p * (1 - p);
      observed += passed[i];
    }
    expect(Math.abs(observed - expected)).toBeLessThan(4 * Math.sqrt(variance));
    // the simulated level effects have about the stated sds (3,000 and 1,000 draws: within 10%)
    const sd = (prefix: string, k: number): number => {
      let s = 0;
      for (let j = 1; j <= k; j++) s += truth[`${prefix}[${j}]`] ** 2;
      return Math.sqrt(s / k);
    };
    expect(sd('r_student__Intercept', 3000) / 0.6).toBeGreaterThan(0.9);
    expect(sd('r_student__Intercept', 3000) / 0.6).toBeLessThan(1.1);
    expect(sd('r_instructor__Intercept', 1000) / 0.35).toBeGreaterThan(0.9);
    expect(sd('r_instructor__Intercept', 1000) / 0.35).toBeLessThan(1.1);
  });

  it('levels scale with the rows, and the formula names the truth keys', () => {
    const { frame, truth } = simulateCrossed({ seed: 1, n: 2000 });
    expect((frame.columns.get('student') as CategoricalColumn).levels.length).toBe(60);
    expect((frame.columns.get('instructor') as CategoricalColumn).levels.length).toBe(20);
    const { spec } = buildModel(frame, CROSSED_FORMULA);
    for (const name of ['b_Intercept', 'b_prior_score', 'b_online']) expect(spec.fixed.names.map((n) => `b_${n}`)).toContain(name);
    expect(Object.keys(truth).filter((k) => k.startsWith('r_student__Intercept['))).toHaveLength(60);
  });
});
