/**
 * Many levels with few rows each (issue 16: "a 10⁵-level varying-intercept model on 10⁶ rows"): a logistic varying
 * intercept over `n / 10` levels with exactly 10 rows each (n a multiple of 10; otherwise the first n mod 10 levels get
 * one row more), the rows in random order.
 *
 * Columns: g (the level, L000001 … zero-padded so that sorted order is number order), x (Normal(0, 1) rounded to
 * 3 decimals), y (0/1).
 *
 * Model (logit link), with the names nutmeg gives LEVELS_FORMULA:
 *   logit P(y) = b_Intercept + b_x · x + r_g__Intercept[g],   r_g__Intercept[k] ~ Normal(0, sd_g__Intercept)
 * b_Intercept = −1, b_x = 0.5, sd_g__Intercept = 0.5 (the shape of bench/levels-curve.ts's frames). `truth` holds the
 * three population-level values only (10⁵ level effects would make a record of 10⁵ keys).
 */
import { sigmoid } from '../../numeric/logistic.js';
import { stream } from '../../rng.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../frame-build.js';
import { round } from './draw.js';
import type { SimulateOptions, Simulated } from './types.js';

export const LEVELS_ROWS = 100_000;
/** Rows per level. */
export const ROWS_PER_LEVEL = 10;
const TRUTH = { b_Intercept: -1, b_x: 0.5, sd_g__Intercept: 0.5 } as const;

/** The generating model as a formula; its parameters are the keys of `truth`. */
export const LEVELS_FORMULA = 'y ~ x + (1 | g)';

/** `rowsPerLevel` (default ROWS_PER_LEVEL) for benches that vary the rows a level has (bench/warmup-trace.ts). */
export function simulateLevels(options: SimulateOptions & { readonly rowsPerLevel?: number }): Simulated {
  const n = options.n ?? LEVELS_ROWS;
  const perLevel = options.rowsPerLevel ?? ROWS_PER_LEVEL;
  if (!Number.isInteger(perLevel) || perLevel < 1) throw new Error(`simulateLevels: rowsPerLevel = ${perLevel} must be a whole number ≥ 1`);
  if (!Number.isInteger(n) || n < 2 * perLevel) throw new Error(`simulateLevels: n = ${n} must be a whole number ≥ ${2 * perLevel}`);
  const levels = Math.floor(n / perLevel);
  const rng = stream(options.seed, 0);
  const effect = new Float64Array(levels);
  for (let k = 0; k < levels; k++) effect[k] = TRUTH.sd_g__Intercept * rng.normal();
  // level i mod levels for row i, then shuffled (Fisher–Yates), so every level has 10 rows (11 for the first n mod 10)
  const g = new Uint32Array(n);
  for (let i = 0; i < n; i++) g[i] = i % levels;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = g[i];
    g[i] = g[j];
    g[j] = t;
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = round(rng.normal(), 3);
  const outcomes = stream(options.seed, 1);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = outcomes.bernoulli(sigmoid(TRUTH.b_Intercept + TRUTH.b_x * x[i] + effect[g[i]]));
  const width = Math.max(6, String(levels).length);
  const names = Array.from({ length: levels }, (_, k) => 'L' + String(k + 1).padStart(width, '0'));
  const frame = frameFromColumns(
    [categoricalColumn('g', g, names), numericColumn('x', x), numericColumn('y', y)],
    `simulated ${levels} levels × ${perLevel} rows (seed ${options.seed})`,
  );
  return { frame, truth: { ...TRUTH } };
}
