/**
 * The two small-model data sets of bench/small-models.ts (issue 16 item 6), simulated with known truth:
 *
 * - `herds`: 56 rows shaped like R's lme4::cbpp (15 herds observed over up to 4 periods; cases out of herd size).
 *   11 herds have 4 periods and 4 herds 3, which makes 56 rows as in cbpp; sizes are 2 + Poisson(13); the log-odds of
 *   a case is −2 + u[herd], u ~ normal(0, 0.6). Model: `cases | trials(size) ~ 1 + (1 | herd)`.
 * - `logistic`: 3,000 rows of a logistic regression with an intercept and 3 standard-normal predictors,
 *   logit P(y = 1) = −0.5 + 0.8·x1 − 0.4·x2 + 0.2·x3. Model: `y ~ x1 + x2 + x3` (4 coefficients).
 *
 * The numbers are made up for the benchmark (no real data is copied); the seeds fix them.
 */
import { poisson } from '../src/data/simulate/draw.js';
import { sigmoid } from '../src/numeric/logistic.js';
import { Rng } from '../src/rng.js';

export const SMALL_FORMULAS = {
  herds: 'cases | trials(size) ~ 1 + (1 | herd)',
  logistic: 'y ~ x1 + x2 + x3',
} as const;
export type SmallModel = keyof typeof SMALL_FORMULAS;

function binomial(rng: Rng, n: number, p: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += rng.uniform() < p ? 1 : 0;
  return s;
}

/** CSV text of the 56-row herds data set. */
export function herdsCsv(seed = 16): string {
  const rng = new Rng(seed, 1);
  const lines = ['herd,period,size,cases'];
  for (let h = 1; h <= 15; h++) {
    const u = 0.6 * rng.normal();
    const periods = h <= 11 ? 4 : 3;
    for (let t = 1; t <= periods; t++) {
      const size = 2 + poisson(rng, 13);
      lines.push(`h${String(h).padStart(2, '0')},${t},${size},${binomial(rng, size, sigmoid(-2 + u))}`);
    }
  }
  return lines.join('\n') + '\n';
}

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
