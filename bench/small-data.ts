/**
 * The two small-model data sets of bench/small-models.bench.ts (issue 16 item 6):
 *
 * - `cbpp`: lme4's cbpp (56 rows: new cases of contagious bovine pleuropneumonia among the cattle of 15 herds over up
 *   to 4 periods), exported with its provenance to tests/fixtures/small/cbpp.csv. Model, as lme4's own example:
 *   `incidence | trials(size) ~ factor(period) + (1 | herd)` (binomial, a 15-level varying intercept).
 * - `logistic`: 3,000 rows of a logistic regression with an intercept and 3 standard-normal predictors, simulated
 *   with known truth: logit P(y = 1) = −0.5 + 0.8·x1 − 0.4·x2 + 0.2·x3. Model: `y ~ x1 + x2 + x3` (4 coefficients).
 */
import { fileURLToPath } from 'node:url';
import { sigmoid } from '../src/numeric/logistic.js';
import { Rng } from '../src/rng.js';

export const SMALL_FORMULAS = {
  cbpp: 'incidence | trials(size) ~ factor(period) + (1 | herd)',
  logistic: 'y ~ x1 + x2 + x3',
} as const;
export type SmallModel = keyof typeof SMALL_FORMULAS;

/** lme4's cbpp (tests/fixtures/small/README.md). */
export const CBPP_PATH = fileURLToPath(new URL('../tests/fixtures/small/cbpp.csv', import.meta.url));

/** CSV text of the 3,000-row logistic regression. */
export function logisticCsv(seed = 16, rows = 3000): string {
  const rng = new Rng(seed, 2);
  const lines = ['x1,x2,x3,y'];
  for (let i = 0; i < rows; i++) {
    const x1 = rng.normal();
    const x2 = rng.normal();
    const x3 = rng.normal();
    const y = rng.uniform() < sigmoid(-0.5 + 0.8 * x1 - 0.4 * x2 + 0.2 * x3) ? 1 : 0;
    lines.push(`${x1.toFixed(4)},${x2.toFixed(4)},${x3.toFixed(4)},${y}`);
  }
  return lines.join('\n') + '\n';
}
