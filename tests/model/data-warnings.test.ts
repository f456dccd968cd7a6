// Warnings for valid but risky data (src/model/data-warnings.ts) through buildModel, on hand-made frames whose
// constant, identical and collinear columns are written out below, and none on the Hillstrom formulas.
import { describe, expect, it } from 'vitest';
import { builtinDataset } from '../../src/data/datasets.js';
import { HILLSTROM_FORMULAS, loadHillstrom } from '../../src/data/hillstrom.js';
import { buildModel } from '../../src/model/build.js';
import { dependentColumns } from '../../src/numeric/dependent-columns.js';
import { cat, frame, num } from '../helpers/frames.js';
import { hillstromPathOrNotice } from '../helpers/hillstrom.js';


const y = num('y', [0, 1, 0, 1, 1, 0, 1, 0]);
const a = num('a', [1, 2, 3, 4, 5, 6, 7, 8]);
const b = num('b', [2, 0, -1, 3, 1, 1, 5, -2]);
const base = frame(
  y,
  a,
  b,
  num('c', [1 + 4, 2 + 0, 3 - 2, 4 + 6, 5 + 2, 6 + 2, 7 + 10, 8 - 4]), // c = a + 2b
  num('a2', [1, 2, 3, 4, 5, 6, 7, 8]), // a2 = a
  num('five', [5, 5, 5, 5, 5, 5, 5, 5]),
  num('zero', [0, 0, 0, 0, 0, 0, 0, 0]),
  num('near', [1, 2, 3, 4, 5, 6, 7, 8.5]), // a, but for one row: not collinear
  num('nearer', [1, 2, 3, 4, 5, 6, 7, 8.00001]), // a, but for 1e-5 in one row: nearly collinear
  cat('f', ['A', 'B', 'C', 'A', 'B', 'C', 'A', 'B']),
  num('zeros', [0, 0, 0, 0, 0, 0, 0, 0]),
  num('ones', [1, 1, 1, 1, 1, 1, 1, 1]),
  num('k', [0, 0, 0, 0, 0, 0, 0, 0]),
  num('n', [3, 1, 2, 3, 1, 2, 3, 1]),
);

function withCounts(f: ReturnType<typeof frame>): ReturnType<typeof frame> {
  return frame(...[...f.columns.values()], num('c', [0, 3, 1, 2, 5, 1]));
}

describe('data warnings', () => {
  it('none for ordinary data', () => {
    expect(buildModel(base, 'y ~ a + b + f').warnings).toEqual([]);
    expect(buildModel(base, 'y ~ a + near').warnings).toEqual([]);
  });

  it('constant outcome: all 0, all 1, no successes, all successes', () => {
    const prior = 'the posterior of the intercept is driven by its prior';
    expect(buildModel(base, 'zeros ~ a').warnings).toEqual([`outcome "zeros" is 0 in all 8 rows; ${prior}`]);
    expect(buildModel(base, 'ones ~ a').warnings).toEqual([`outcome "ones" is 1 in all 8 rows; ${prior}`]);
    expect(buildModel(base, 'zeros ~ 0 + a').warnings).toEqual([
      'outcome "zeros" is 0 in all 8 rows; the posteriors of the coefficients are driven by their priors',
    ]);
    expect(buildModel(base, 'k | trials(n) ~ a').warnings).toEqual([`outcome "k" is 0 (no successes) in all 8 rows; ${prior}`]);
    const full = frame(num('s', [3, 1, 2]), num('n', [3, 1, 2]), num('x', [1, 2, 3]));
    expect(buildModel(full, 's | trials(n) ~ x').warnings).toEqual([
      `outcome "s" equals its trials "n" (all successes) in all 3 rows; ${prior}`,
    ]);
  });

  it('a count outcome: all 0 leaves the intercept to its prior, all 1 is data (no warning)', () => {
    const prior = 'the posterior of the intercept is driven by its prior';
    expect(buildModel(base, 'zeros ~ a', { family: 'poisson' }).warnings).toEqual([`outcome "zeros" is 0 (no counts) in all 8 rows; ${prior}`]);
    expect(buildModel(base, 'ones ~ a', { family: 'poisson' }).warnings).toEqual([]);
    expect(buildModel(base, 'ones ~ a', { family: 'negbinomial' }).warnings).toEqual([]);
  });

  it('a gaussian or lognormal outcome that never varies is an error: sigma → 0, the posterior is improper', () => {
    for (const family of ['gaussian', 'lognormal'] as const) {
      expect(() => buildModel(base, 'five ~ a', { family })).toThrow(
        `formula outcome "five" at position 1: test frame, column "five": the outcome is 5 in all 8 rows; a ${family} model needs an outcome that varies (sigma would go to 0 and the posterior is improper); check the column or the rows kept`,
      );
    }
    expect(buildModel(base, 'five ~ a', { family: 'poisson' }).warnings).toEqual([]);
  });

  it('a varying intercept with one row per level: sd and sigma not separately identified (gaussian, lognormal only)', () => {
    // seen on a gaussian (1 | id) with an id per row: R-hat 1.3 on sd and sigma; lme4 refuses the term
    const rows = frame(num('v', [1.2, 0.4, 2.2, 1.9, 0.3, 1.1]), num('x', [1, 2, 3, 4, 5, 6]), cat('id', ['a', 'b', 'c', 'd', 'e', 'f']), cat('g', ['a', 'a', 'b', 'b', 'c', 'c']));
    const line = (family: string): string =>
      `each of the 6 levels of "id" has one row, so with the ${family} family sd_id__Intercept and sigma are not separately identified (only sd² + sigma² is): drop (1 | id), or give one of them an informative prior`;
    expect(buildModel(rows, 'v ~ x + (1 | id)', { family: 'gaussian' }).warnings).toEqual([line('gaussian')]);
    expect(buildModel(rows, 'v ~ x + (1 | id)', { family: 'lognormal' }).warnings).toEqual([line('lognormal')]);
    expect(buildModel(rows, 'v ~ x + (1 | g)', { family: 'gaussian' }).warnings).toEqual([]);
    // an observation-level effect is the usual overdispersion term of a count family (grouseticks' INDEX)
    const counts = withCounts(rows);
    expect(buildModel(counts, 'c ~ x + (1 | id)', { family: 'poisson' }).warnings).toEqual([]);
  });

  it('a constant predictor is named, with what it means', () => {
    expect(buildModel(base, 'y ~ a + five').warnings).toEqual([
      'predictor "five" is constant (5 in all 8 rows), so the data cannot tell it from the intercept (only their combination is identified); drop it',
    ]);
    expect(buildModel(base, 'y ~ a + zero').warnings).toEqual([
      'predictor "zero" is 0 in all 8 rows; the data say nothing about its coefficient (its posterior is its prior)',
    ]);
    expect(buildModel(base, 'y ~ 0 + five + a').warnings).toEqual(['predictor "five" is 5 in all 8 rows; it acts as an intercept']);
    // an indicator that is never 1
    expect(buildModel(base, 'y ~ a + I(a > 100)').warnings).toEqual([
      'predictor "I(a > 100)" is 0 in all 8 rows; the data say nothing about its coefficient (its posterior is its prior)',
    ]);
  });

  it('identical columns are named', () => {
    expect(buildModel(base, 'y ~ a + b + a2').warnings).toEqual([
      'predictors "a" and "a2" are identical in all 8 rows; only the sum of their coefficients is identified',
    ]);
  });

  it('collinear columns are named with their relation, the intercept included', () => {
    const tail = 'in every row (to rounding); the data identify only combinations of their coefficients, the priors the rest';
    expect(buildModel(base, 'y ~ a + b + c').warnings).toEqual([`predictors "a", "b", "c" are collinear: c = a + 2·b ${tail}`]);
    // an indicator and its complement add up to the intercept
    expect(buildModel(base, 'y ~ b + I(a > 4) + I(a <= 4)').warnings).toEqual([
      `predictors "Intercept", "I(a > 4)", "I(a <= 4)" are collinear: I(a <= 4) = Intercept - I(a > 4) ${tail}`,
    ]);
    // p:q without its margins is coded by all levels of both (R's model.matrix): the four cells add up to the intercept
    const g = frame(y, cat('p', ['u', 'v', 'u', 'v', 'u', 'v', 'u', 'v']), cat('q', ['s', 's', 't', 't', 's', 's', 't', 't']));
    expect(buildModel(g, 'y ~ p:q').warnings).toEqual([
      `predictors "Intercept", "pu:qs", "pv:qs", "pu:qt", "pv:qt" are collinear: pv:qt = Intercept - pu:qs - pv:qs - pu:qt ${tail}`,
    ]);
    // without an intercept R codes only the first factor by all its levels, so 0 + p + q is not collinear
    expect(buildModel(g, 'y ~ 0 + p + q').warnings).toEqual([]);
    // not exactly: nearer = a + 1e-5 at row 8. Its residual on [1, a] is 1e-5·e8 less its fit: sum of squares
    // 1e-10·(1 − h88), leverage h88 = 1/8 + 3.5²/42 = 0.41667; relative to Σ nearer² ≈ Σ a² = 204 that is 2.86e-13
    expect(buildModel(base, 'y ~ a + nearer').warnings).toEqual([
      'predictors "a", "nearer" are nearly collinear: nearer ≈ a (all but 2.9e-13 of its mean square); the data identify only combinations of their coefficients, the priors the rest',
    ]);
  });
});

describe('dependentColumns', () => {
  it('finds the dependent column and its coefficients, and skips it for later columns', () => {
    // columns of A (4 rows): u, v, w = 2u - v, t independent
    const A = [
      [1, 0, 2, 1],
      [0, 1, -1, 0],
      [1, 1, 1, 0],
      [2, 0, 4, 3],
    ];
    const d = 4;
    const G = new Float64Array(d * d);
    for (const row of A) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) G[i * d + j] += row[i] * row[j];
    const deps = dependentColumns(G, d, 1e-10);
    expect(deps).toHaveLength(1);
    expect(deps[0].column).toBe(2);
    expect(deps[0].on).toEqual([0, 1]);
    expect(deps[0].coefficients[0]).toBeCloseTo(2, 12);
    expect(deps[0].coefficients[1]).toBeCloseTo(-1, 12);
    expect(dependentColumns(G.map((v, k) => (k === 2 * d + 2 ? v + 1 : v)), d, 1e-10)).toEqual([]); // w off the plane
  });
});

describe('no data warnings on the Hillstrom formulas', () => {
  it('simulated data', () => {
    const { frame: sim } = builtinDataset('hillstrom', 1, 4000);
    for (const formula of Object.values(HILLSTROM_FORMULAS)) expect(buildModel(sim, formula).warnings).toEqual([]);
  });

  const path = hillstromPathOrNotice('data warnings on the real Hillstrom data');
  it.skipIf(path === null)('real data (mens and womens are not collinear with the intercept: some rows have both)', () => {
    const real = loadHillstrom(path as string);
    for (const formula of Object.values(HILLSTROM_FORMULAS)) expect(buildModel(real, formula).warnings).toEqual([]);
    // …while the indicator of "both" would make them so
    expect(buildModel(real, 'conversion ~ mens + womens + I(mens == 1):I(womens == 1)').warnings).toEqual([
      'predictors "Intercept", "mens", "womens", "I(mens == 1):I(womens == 1)" are collinear: I(mens == 1):I(womens == 1) = -Intercept + mens + womens in every row (to rounding); the data identify only combinations of their coefficients, the priors the rest',
    ]);
  });
});
