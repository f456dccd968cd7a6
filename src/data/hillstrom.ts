/**
 * The Hillstrom e-mail data (Kevin Hillstrom's MineThatData challenge, 2008: 64,000 customers, two e-mail campaigns
 * and a control): its schema, the loader, the derived features of the reference analysis, and its model formulas.
 */
import { UserError } from '../errors.js';
import { requireNoMissing, requireNumericValues, requireZeroOne } from './checks.js';
import { zeroed, type Allocate } from './column-sinks.js';
import { readCsv, type ColumnType } from './csv.js';
import type { Column, Frame, NumericValues } from './frame.js';
import { float64Block, numericColumn, withColumns } from './frame-build.js';
import { largeMemory } from '../platform/host.js';

/** The columns of the file, in file order, with their types. */
export const HILLSTROM_SCHEMA: Readonly<Record<string, ColumnType>> = {
  recency: 'numeric',
  history_segment: 'categorical',
  history: 'numeric',
  mens: 'numeric',
  womens: 'numeric',
  zip_code: 'categorical',
  newbie: 'numeric',
  channel: 'categorical',
  segment: 'categorical',
  visit: 'numeric',
  conversion: 'numeric',
  spend: 'numeric',
};

/** Columns that hold only 0 and 1. */
const BINARY_COLUMNS = ['mens', 'womens', 'newbie', 'visit', 'conversion'];

/** The `segment` level of the control group. */
export const CONTROL_SEGMENT = 'No E-Mail';

/** The columns addHillstromFeatures adds. */
export const HILLSTROM_FEATURES = ['treatment', 'recency_z', 'history_z'] as const;

/** The columns addHillstromFeatures computes them from. */
export const HILLSTROM_FEATURE_SOURCES = ['segment', 'recency', 'history'] as const;

/** The three models of the reference analysis (DESIGN.md), on the columns addHillstromFeatures adds. */
export const HILLSTROM_FORMULAS = {
  pooled: 'conversion ~ treatment + recency_z + history_z + mens + womens + newbie',
  hierarchical:
    'conversion ~ treatment + recency_z + history_z + mens + womens + newbie + (0 + treatment | history_segment)',
  crossed:
    'conversion ~ treatment + recency_z + history_z + mens + womens + newbie + (0 + treatment | history_segment)' +
    ' + (1 | zip_code) + (1 | channel)',
} as const;

export type HillstromModel = keyof typeof HILLSTROM_FORMULAS;

/**
 * The reference analysis's priors (DESIGN.md; golden/stan/*.stan: alpha ~ normal(-3, 1), beta and mu_t ~ normal(0, 0.5),
 * sigma_t, sigma_zip and sigma_ch ~ normal(0, 0.5) on a positive parameter), as prior overrides by class. They suit a
 * rare conversion (about 1%) on standardised and 0/1 predictors and are strongly informative on other data, so they
 * are not nutmeg's defaults (src/model/family-priors.ts): the presets (`nutmeg fit` without --formula, `nutmeg analyze
 * hillstrom`) pass them explicitly, and so must any fit of these formulas that is compared with the Stan references.
 */
export const HILLSTROM_PRIORS: Readonly<Record<HillstromModel, Readonly<Record<string, string>>>> = {
  pooled: { Intercept: 'normal(-3, 1)', b: 'normal(0, 0.5)' },
  hierarchical: { Intercept: 'normal(-3, 1)', b: 'normal(0, 0.5)', sd: 'halfnormal(0.5)' },
  crossed: { Intercept: 'normal(-3, 1)', b: 'normal(0, 0.5)', sd: 'halfnormal(0.5)' },
};

/**
 * Checks a frame against the schema beyond what reading with forced types checks: no missing values anywhere, and
 * the 0/1 columns hold only 0 and 1.
 */
export function validateHillstrom(frame: Frame): void {
  for (const name of Object.keys(HILLSTROM_SCHEMA)) requireNoMissing(frame, name);
  for (const name of BINARY_COLUMNS) {
    requireZeroOne(frame, name, { role: 'a Hillstrom indicator column', advice: 'fix the value' });
  }
}

/** Centred and divided by the sample standard deviation (n − 1 denominator), over all rows. */
export function standardize(values: NumericValues, what: string): Float64Array {
  return standardizeWithMoments(values, what).values;
}

/** Rows per block when a compact column is read as float64 (float64Block). */
const BLOCK_ROWS = 1024;

/**
 * standardize, with the centre (mean) and scale (sd) it used, so the same map can be applied to other rows. A compact
 * column is read a block at a time as float64 (no float64 copy of the column); the result is in memory from
 * `allocate` when given (a feature column the run keeps).
 */
export function standardizeWithMoments(
  values: NumericValues,
  what: string,
  allocate?: Allocate,
): { values: Float64Array; center: number; scale: number } {
  const n = values.length;
  const scratch = new Float64Array(Math.min(n, BLOCK_ROWS));
  let mean = 0;
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const x = float64Block(values, start, Math.min(start + BLOCK_ROWS, n), scratch);
    for (let i = 0, len = Math.min(BLOCK_ROWS, n - start); i < len; i++) mean += x[i];
  }
  mean /= n;
  let ss = 0;
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const x = float64Block(values, start, Math.min(start + BLOCK_ROWS, n), scratch);
    for (let i = 0, len = Math.min(BLOCK_ROWS, n - start); i < len; i++) ss += (x[i] - mean) ** 2;
  }
  const sd = Math.sqrt(ss / (n - 1));
  if (!(sd > 0)) throw new UserError(`${what} is constant (or has fewer than 2 rows), so it cannot be standardized`);
  const out = zeroed(Float64Array, n, allocate);
  // the same arithmetic as a recipe's scale() (src/model/recipe.ts), so replaying the derivation is bit-for-bit equal
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const x = float64Block(values, start, Math.min(start + BLOCK_ROWS, n), scratch);
    for (let i = 0, len = Math.min(BLOCK_ROWS, n - start); i < len; i++) out[start + i] = (x[i] - mean) / sd;
  }
  return { values: out, center: mean, scale: sd };
}

/** A standardized copy of numeric column `source` named `name`, recording the centre and scale it used. */
function standardizedColumn(frame: Frame, source: string, name: string): Column {
  const z = standardizeWithMoments(requireNumericValues(frame, source), `${frame.source}: column "${source}"`, largeMemory());
  return numericColumn(name, z.values, { kind: 'standardize', column: source, center: z.center, scale: z.scale });
}

/**
 * Adds the reference analysis's predictors: `treatment` (1 when segment is not "No E-Mail"), `recency_z` and
 * `history_z` (standardized over the rows of this frame — the training data). Each column records its derivation,
 * so a model fitted to them rebuilds them for new rows with these training constants (src/model/derived.ts).
 */
export function addHillstromFeatures(frame: Frame): Frame {
  const segment = frame.columns.get('segment');
  if (segment?.kind !== 'categorical') {
    throw new UserError(`${frame.source}: needs a categorical column "segment" to build "treatment"`);
  }
  const control = segment.levels.indexOf(CONTROL_SEGMENT);
  if (control < 0) {
    throw new UserError(`${frame.source}: column "segment" has no "${CONTROL_SEGMENT}" (control) rows; is this the Hillstrom data?`);
  }
  const treatment = new Uint8Array(frame.nRows);
  for (let i = 0; i < frame.nRows; i++) treatment[i] = segment.codes[i] === control ? 0 : 1;
  return withColumns(frame, [
    numericColumn('treatment', treatment, { kind: 'indicator', column: 'segment', op: '!=', level: CONTROL_SEGMENT }),
    standardizedColumn(frame, 'recency', 'recency_z'),
    standardizedColumn(frame, 'history', 'history_z'),
  ]);
}

/** Reads the Hillstrom CSV, checks it against the schema, and adds the features of addHillstromFeatures. */
export function loadHillstrom(path: string): Frame {
  const frame = readCsv(path, { types: HILLSTROM_SCHEMA });
  validateHillstrom(frame);
  return addHillstromFeatures(frame);
}
