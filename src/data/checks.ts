/**
 * Checks on the columns a model uses, each throwing a one-line UserError that says what is wrong, where (file and
 * line, or row of in-memory data) and what to do. The model builder calls these when a formula names a column.
 */
import { UserError } from '../errors.js';
import type { Allocate } from './column-sinks.js';
import type { Column, Frame, NumericValues } from './frame.js';
import { asFloat64, columnNames, rowLocation } from './frame-build.js';

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * Up to three column names close to `name`, closest first: the same name in another case, names within a third of its
 * length in edit distance, and names that start with it or contain it (at least two characters): `rec` → `recency`.
 */
function closestNames(name: string, names: readonly string[]): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(1, Math.floor(name.length / 3));
  const scored: { candidate: string; score: number }[] = [];
  for (const candidate of names) {
    const c = candidate.toLowerCase();
    let score = c === lower ? 0 : editDistance(name, candidate);
    if (score > limit && lower.length >= 2 && c.includes(lower)) score = limit + (c.startsWith(lower) ? 0.5 : 0.75);
    if (score <= limit + 0.75) scored.push({ candidate, score });
  }
  scored.sort((a, b) => a.score - b.score);
  return scored.slice(0, 3).map((s) => s.candidate);
}

function didYouMean(guesses: readonly string[]): string {
  if (guesses.length === 0) return '';
  const q = guesses.map((g) => `"${g}"`);
  return ` (did you mean ${q.length === 1 ? q[0] : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`}?)`;
}

function lead(context: string | undefined): string {
  return context === undefined ? '' : `${context}: `;
}

/**
 * The column `name`, which must exist. `context` says who asked, e.g. `formula term "recency_z" (position 14)`; it
 * opens the message when given (in every check here).
 */
export function requireColumn(frame: Frame, name: string, context?: string): Column {
  const column = frame.columns.get(name);
  if (column !== undefined) return column;
  const names = columnNames(frame);
  const guesses = closestNames(name, names);
  throw new UserError(
    `${lead(context)}${frame.source} has no column "${name}"${didYouMean(guesses)}; ` +
      `the columns are: ${names.join(', ')}`,
  );
}

/** Throws when column `name` has any missing (empty or NA) value, naming the first one and how many there are. */
export function requireNoMissing(frame: Frame, name: string): void {
  const rows = frame.missing.get(name);
  if (rows === undefined || rows.length === 0) return;
  const more = rows.length > 1 ? ` (and ${rows.length - 1} more row${rows.length > 2 ? 's' : ''})` : '';
  throw new UserError(
    `${rowLocation(frame, rows[0])}, column "${name}": value is missing (empty or NA)${more}; ` +
      'fill in or remove those rows, or leave the column out of the model',
  );
}

/**
/**
 * The values of a numeric (or boolean, as 0/1) column; a categorical column is an error whose fix is `advice` (given
 * the column's levels): by default, to use it as a factor or compare it in I(), which is what a predictor can do. A
 * compact column's float64 copy is made in memory from `allocate` when given.
 */
export function requireNumeric(
  frame: Frame,
  name: string,
  context?: string,
  allocate?: Allocate,
  advice: (levels: readonly string[]) => string = compareAdvice(name),
): Float64Array {
  return asFloat64(requireNumericValues(frame, name, context, advice), allocate);
}

/** requireNumeric's values in the column's own (possibly compact) storage: no float64 copy. */
export function requireNumericValues(
  frame: Frame,
  name: string,
  context?: string,
  advice: (levels: readonly string[]) => string = compareAdvice(name),
): NumericValues {
  const column = requireColumn(frame, name, context);
  if (column.kind !== 'categorical') return column.values;
  const levels = column.levels;
  const shown = levels.slice(0, 5).map((l) => JSON.stringify(l)).join(', ') + (levels.length > 5 ? ', …' : '');
  throw new UserError(`${lead(context)}${frame.source}: column "${name}" is categorical (values ${shown}), not numeric; ${advice(levels)}`);
}

function compareAdvice(name: string): (levels: readonly string[]) => string {
  return (levels) => `use it as a factor or compare it, e.g. I(${name} == ${JSON.stringify(levels[0] ?? '')})`;
}

/**
 * The fix for an outcome (or trials) column of text: an outcome is a column, not I(…) (formula/parser.ts), so the
 * data must hold the numbers; for a 0/1 role and two levels, the recoding spelt out (R's glm counts the second as 1).
 */
function outcomeAdvice(what: string, binary: boolean): (levels: readonly string[]) => string {
  return (levels) =>
    binary && levels.length === 2
      ? `${what} must be numbers: add a 0/1 column to the data (1 where it is ${JSON.stringify(levels[1])}, 0 where ${JSON.stringify(levels[0])}) and use that`
      : `${what} must be numbers: recode it in the data`;
}

/**
 * Numeric values of a column that is complete (no missing values); `what` names an outcome's role for the advice on
 * a text column, `binary` whether that role is 0/1; `allocate` as requireNumeric.
 */
function completeNumbers(
  frame: Frame,
  name: string,
  context: string | undefined,
  what: string,
  binary = false,
  allocate?: Allocate,
): Float64Array {
  const values = requireNumeric(frame, name, context, allocate, outcomeAdvice(what, binary));
  requireNoMissing(frame, name);
  return values;
}

export interface ZeroOneRole {
  /** What the column is, e.g. "a bernoulli outcome". */
  readonly role: string;
  /** What to do about a value that is not 0/1. */
  readonly advice: string;
  /** Who asked (opens a missing-column or wrong-type message), as for requireColumn. */
  readonly context?: string;
}

/** The values of a complete numeric or boolean column holding only 0 and 1 (a copy in memory from `allocate`, as requireNumeric). */
export function requireZeroOne(frame: Frame, name: string, why: ZeroOneRole, allocate?: Allocate): Float64Array {
  const y = completeNumbers(frame, name, why.context, why.role, true, allocate);
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new UserError(
        `${rowLocation(frame, i)}, column "${name}": value ${y[i]} is not 0 or 1, as ${why.role} must be; ${why.advice}`,
      );
    }
  }
  return y;
}

/** The outcome of a bernoulli model: a complete numeric or boolean column holding only 0 and 1 (`allocate`: as requireNumeric). */
export function requireBinaryOutcome(frame: Frame, name: string, context?: string, allocate?: Allocate): Float64Array {
  return requireZeroOne(
    frame,
    name,
    {
      role: 'a bernoulli outcome',
      advice: 'recode it, or use "successes | trials(n) ~ …" for counts',
      context,
    },
    allocate,
  );
}

export interface CountOutcome {
  readonly successes: Float64Array;
  readonly trials: Float64Array;
}

/** The outcome of a binomial model: whole numbers with 0 ≤ successes ≤ trials on every row (`allocate`: as requireNumeric). */
export function requireCountOutcome(frame: Frame, successes: string, trials: string, allocate?: Allocate): CountOutcome {
  const y = completeNumbers(frame, successes, undefined, 'a binomial outcome (successes)', false, allocate);
  const n = completeNumbers(frame, trials, undefined, 'the trials', false, allocate);
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(n[i]) || n[i] < 0) {
      throw new UserError(`${rowLocation(frame, i)}, column "${trials}": trials ${n[i]} is not a whole number ≥ 0; fix the value`);
    }
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] > n[i]) {
      throw new UserError(
        `${rowLocation(frame, i)}, column "${successes}": successes ${y[i]} is not a whole number between 0 and the trials (${n[i]}); fix the value`,
      );
    }
  }
  return { successes: y, trials: n };
}

/**
 * The outcome of a gaussian, poisson, negbinomial, gamma or lognormal model: a complete numeric column within the
 * family's support — whole numbers ≥ 0 for the count families, values > 0 for gamma and lognormal, finite for
 * gaussian. The first row outside names its file line and column. A gaussian or lognormal outcome must vary.
 */
export function requireFamilyOutcome(
  frame: Frame,
  name: string,
  family: 'gaussian' | 'poisson' | 'negbinomial' | 'gamma' | 'lognormal',
  context?: string,
  allocate?: Allocate,
): Float64Array {
  const y = completeNumbers(frame, name, context, `a ${family} outcome`, false, allocate);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    let problem: string | null = null;
    if (!Number.isFinite(v)) problem = 'is not a finite number';
    else if ((family === 'poisson' || family === 'negbinomial') && !(Number.isInteger(v) && v >= 0)) {
      problem = v < 0 ? 'is negative; a count must be a whole number ≥ 0' : 'is not a whole number; a count must be a whole number ≥ 0';
    } else if ((family === 'gamma' || family === 'lognormal') && !(v > 0)) {
      problem = `is not positive; a ${family} outcome must be > 0 (drop or recode the zero/negative rows, or use another family)`;
    }
    if (problem !== null) {
      throw new UserError(`${rowLocation(frame, i)}, column "${name}": value ${v} ${problem}, as the ${family} family requires`);
    }
  }
  if ((family === 'gaussian' || family === 'lognormal') && y.length > 0 && y.every((v) => v === y[0])) {
    // every row at the mean: the likelihood grows without bound as sigma → 0 (∝ sigma^(1−n) once the mean is
    // integrated out), so no prior on sigma that is positive near 0 makes the posterior proper
    throw new UserError(
      `${lead(context)}${frame.source}, column "${name}": the outcome is ${y[0]} in all ${y.length} rows; a ${family} model needs an outcome that varies ` +
        '(sigma would go to 0 and the posterior is improper); check the column or the rows kept',
    );
  }
  return y;
}
