/**
 * Scoring rows with a fitted model's posterior draws: per row the posterior mean and an interval (default 10%–90%,
 * quantiles of type 7 as R's `quantile`) of the expected outcome E[y | η, aux] draw by draw — P(y = 1) for
 * bernoulli/binomial (the family module's inverse link, logit or probit; a binomial row's expected successes are its
 * trials times that, when the scored rows carry the trials column), e^η for poisson, negbinomial and gamma, η for
 * gaussian, e^{η + σ²/2} for lognormal (src/model/families/, FamilyModule.mean) — and, when the model has a 0/1
 * `treatment` column, per draw the uplift E[y | treatment = 1] − E[y | treatment = 0] (per trial for binomial) with its
 * mean, interval and P(uplift > 0).
 *
 * The design of new rows comes from the model's DesignRecipe (applyRecipe), so scale() centres, factor codings,
 * derived columns (src/model/derived.ts) and group levels are those of the training data. A row whose group level the
 * model has not seen gets that group's effect by the new-level mode (src/decision/new-levels.ts: zero, the default,
 * sample or uncertainty). Rows are processed in blocks: for B rows the S draws of η are formed in one B × S buffer,
 * turned into expected values and summarised by quickselect, so memory stays O(B · S).
 */
import type { Column, Frame } from '../data/frame.js';
import { asFloat64, numericColumn, rowLocation, withColumns } from '../data/frame-build.js';
import { UserError } from '../errors.js';
import { withDerivedColumns } from '../model/derived.js';
import { asFactor } from '../model/factor.js';
import { applyRecipe, NEW_LEVEL, type Design, type DesignRecipe } from '../model/recipe.js';
import { quantileInPlace } from '../numeric/quantile.js';
import { DEFAULT_NEW_LEVELS, DEFAULT_NEW_LEVELS_SEED, newLevelMode, type NewLevelMode } from './new-levels.js';
import { fillNewEffects, linearPredictorBlock } from './scoring-eta.js';
import type { ScoringModel } from './scoring-model.js';

/** Per-row summary of a quantity's draws. */
export interface RowSummary {
  readonly mean: Float64Array;
  readonly low: Float64Array;
  readonly high: Float64Array;
}

export interface ScoreOptions {
  /** Interval probabilities; default [0.1, 0.9]. */
  readonly interval?: readonly [number, number];
  /** Values in one block buffer (B · S); default 2^18. */
  readonly blockValues?: number;
  /** Effects of group levels the model has not seen (src/decision/new-levels.ts); default 'zero'. */
  readonly newLevels?: NewLevelMode;
  /** Seed of the new levels' draws (modes sample and uncertainty), 0 … 2^53 − 1; default 1. */
  readonly seed?: number;
}

/**
 * What the per-row quantities are: 'probability', P(y = 1) per trial (bernoulli, binomial); 'expected', E[y | η, aux]
 * (the other families).
 */
export type ScoreMeasure = 'probability' | 'expected';

export interface ScoreResult {
  readonly n: number;
  readonly nDraws: number;
  readonly interval: readonly [number, number];
  readonly measure: ScoreMeasure;
  /**
   * P(y = 1) at each row's own covariates (bernoulli/binomial; null for other families, and when the data lack a
   * column it needs, e.g. `treatment`).
   */
  readonly probability: RowSummary | null;
  /**
   * E[y] at each row's own covariates: the other families' expected outcome; for binomial the expected successes,
   * trials × P, when the rows carry the trials column; null for bernoulli (its E[y] is `probability`) and otherwise.
   */
  readonly expected: RowSummary | null;
  /** Posterior mean of the measure at treatment = 1 and at treatment = 0; null without a treatment. */
  readonly treated: Float64Array | null;
  readonly control: Float64Array | null;
  /** Per draw the measure at treatment = 1 minus at treatment = 0 (per trial for binomial). */
  readonly uplift: RowSummary | null;
  /** Share of draws with uplift > 0. */
  readonly probUpliftPositive: Float64Array | null;
  /** Per grouping factor with rows at levels the model has not seen: how many. */
  readonly newLevelRows: ReadonlyMap<string, number>;
  /** Per such grouping factor, in the model's order: 1 for a row at a new level. */
  readonly newLevelMask: ReadonlyMap<string, Uint8Array>;
  /** How those rows' group effects were scored, and the seed of their draws. */
  readonly newLevels: NewLevelMode;
  readonly seed: number;
}

/** The grouping factors at whose levels row i is new (empty when none), in the model's order. */
export function rowNewLevels(result: ScoreResult, i: number): string[] {
  const out: string[] = [];
  for (const [group, mask] of result.newLevelMask) if (mask[i] === 1) out.push(group);
  return out;
}

function rowSummary(n: number): RowSummary {
  return { mean: new Float64Array(n), low: new Float64Array(n), high: new Float64Array(n) };
}

/**
 * η → the measure in place, for `rows` rows of S draws: the family's mean (its inverse link) with draw s's auxiliary
 * parameters (scratch holds them, one draw at a time).
 */
function toMeasure(model: ScoringModel, values: Float64Array, rows: number, S: number, scratch: Float64Array): void {
  const { family, aux } = model;
  if (aux.length === 0) {
    for (let k = 0; k < rows * S; k++) values[k] = family.mean(values[k], scratch);
    return;
  }
  for (let s = 0; s < S; s++) {
    for (let a = 0; a < aux.length; a++) scratch[a] = aux[a][s];
    for (let b = 0; b < rows; b++) values[b * S + s] = family.mean(values[b * S + s], scratch);
  }
}

/** Mean and interval of each of the B rows of values (B × S) into `out` at rows i0…; reorders each row. */
function summarizeBlock(values: Float64Array, rows: number, S: number, i0: number, interval: readonly [number, number], out: RowSummary): void {
  for (let b = 0; b < rows; b++) {
    const from = b * S;
    let sum = 0;
    for (let s = 0; s < S; s++) sum += values[from + s];
    out.mean[i0 + b] = sum / S;
    out.low[i0 + b] = quantileInPlace(values, from, from + S, interval[0]);
    out.high[i0 + b] = quantileInPlace(values, from, from + S, interval[1]);
  }
}

/** A summary times a non-negative number per row (its quantiles scale with it). */
function scaledSummary(summary: RowSummary, factor: Float64Array): RowSummary {
  const scale = (v: Float64Array): Float64Array => v.map((x, i) => x * factor[i]);
  return { mean: scale(summary.mean), low: scale(summary.low), high: scale(summary.high) };
}

function withTreatment(frame: Frame, column: string, value: number): Frame {
  return withColumns(frame, [numericColumn(column, new Float64Array(frame.nRows).fill(value))]);
}

/** The column's values when every one is 0 or 1, else null. */
function zeroOneValues(frame: Frame, name: string): Float64Array | null {
  const column = frame.columns.get(name);
  if (column?.kind !== 'numeric') return null;
  for (let i = 0; i < column.values.length; i++) if (column.values[i] !== 0 && column.values[i] !== 1) return null;
  return asFloat64(column.values);
}

/** A binomial model's trials column in the scored rows (whole numbers ≥ 0), or null when the rows lack it. */
function trialsValues(recipe: DesignRecipe, frame: Frame): Float64Array | null {
  if (recipe.family !== 'binomial' || recipe.trials === null) return null;
  const column = frame.columns.get(recipe.trials);
  if (column === undefined) return null;
  if (column.kind !== 'numeric') throw new UserError(`trials column "${recipe.trials}" of ${frame.source} must hold whole numbers ≥ 0`);
  for (let i = 0; i < column.values.length; i++) {
    const v = column.values[i];
    if (!(Number.isInteger(v) && v >= 0)) {
      throw new UserError(`${rowLocation(frame, i)}: trials column "${recipe.trials}" must be a whole number ≥ 0, got ${v}`);
    }
  }
  return asFloat64(column.values);
}

function checkInterval(interval: readonly [number, number]): void {
  const [lo, hi] = interval;
  if (!(lo >= 0 && lo < hi && hi <= 1)) throw new UserError(`interval [${lo}, ${hi}] must satisfy 0 ≤ low < high ≤ 1`);
}

function checkSeed(seed: number): void {
  if (!(Number.isSafeInteger(seed) && seed >= 0)) throw new UserError(`seed must be a whole number from 0 to 2^53 − 1, got ${seed}`);
}

/**
 * Scores every row of `frame`; the frame needs the model's columns (the treatment column only for the rows' own
 * measure). Derived columns (recipe.derived: standardized copies, the treatment indicator) are computed from their
 * source columns with the training data's constants (src/model/derived.ts), so each row's result depends on that row
 * only.
 */
export function scoreFrame(model: ScoringModel, frame: Frame, options: ScoreOptions = {}): ScoreResult {
  const steps = scoreSteps(model, frame, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * scoreFrame, handing the event loop back (setImmediate) whenever `sliceMs` (default 10) milliseconds of work have
 * passed, so that a server scoring a large request keeps answering others. The numbers are scoreFrame's exactly.
 */
export async function scoreFrameYielding(model: ScoringModel, frame: Frame, options: ScoreOptions & { readonly sliceMs?: number } = {}): Promise<ScoreResult> {
  const sliceMs = options.sliceMs ?? 10;
  const steps = scoreSteps(model, frame, options);
  let start = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - start >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      start = performance.now();
    }
  }
}

/** The work of scoreFrame as steps: it yields after each block of rows, and returns the result. */
function* scoreSteps(model: ScoringModel, frame: Frame, options: ScoreOptions): Generator<void, ScoreResult> {
  const interval = options.interval ?? [0.1, 0.9];
  checkInterval(interval);
  const mode = newLevelMode(options.newLevels ?? DEFAULT_NEW_LEVELS, 'newLevels');
  const seed = options.seed ?? DEFAULT_NEW_LEVELS_SEED;
  checkSeed(seed);
  const { recipe } = model;
  const measure: ScoreMeasure = recipe.family === 'bernoulli' || recipe.family === 'binomial' ? 'probability' : 'expected';
  const n = frame.nRows;
  const S = model.nDraws;
  // derived columns from their sources with the training constants; the treatment may stay absent
  const input = withDerivedColumns(recipe, frame, new Set(model.treatment ? [model.treatment] : []));
  const trials = trialsValues(recipe, input);
  // a step between the derived columns and each design: each takes tens of ms for 10,000 rows on a loaded machine
  yield;
  // without a treatment column only the two counterfactual arms can be scored; applyRecipe names any other missing column
  const observed = model.treatment !== null && !input.columns.has(model.treatment) ? null : applyRecipe(recipe, input);
  yield;
  const treatedDesign = model.treatment ? applyRecipe(recipe, withTreatment(input, model.treatment, 1)) : null;
  yield;
  const controlDesign = model.treatment ? applyRecipe(recipe, withTreatment(input, model.treatment, 0)) : null;
  yield;
  const anyDesign = (observed ?? treatedDesign) as Design;
  const newLevelRows = new Map<string, number>();
  const newLevelMask = new Map<string, Uint8Array>();
  const newGroups: number[] = [];
  recipe.groups.forEach((g, k) => {
    const index = anyDesign.groupIndex[k];
    let count = 0;
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (index[i] !== NEW_LEVEL) continue;
      mask[i] = 1;
      count++;
    }
    if (count === 0) return;
    newLevelRows.set(g.name, count);
    newLevelMask.set(g.name, mask);
    newGroups.push(k);
  });

  // with a 0/1 treatment column, each row's own draws are those of its arm: no third evaluation
  const arm = observed && treatedDesign ? zeroOneValues(input, model.treatment as string) : null;
  const B = Math.max(1, Math.floor((options.blockValues ?? 1 << 18) / S));
  const blockLength = Math.min(B, Math.max(n, 1)) * S;
  const a = new Float64Array(blockLength);
  const c = treatedDesign ? new Float64Array(blockLength) : null;
  const own = arm ? new Float64Array(blockLength) : null;
  const auxScratch = new Float64Array(model.aux.length);
  // new levels drawn (sample, uncertainty): per term of a group with new rows, the block's effects
  const drawing = mode !== 'zero' && newGroups.length > 0;
  const effects = recipe.terms.map((t) => (drawing && newGroups.includes(t.group) ? new Float64Array(blockLength) : null));
  const effectScratch = new Float64Array(drawing ? Math.max(...newGroups.map((g) => model.spreads[g].terms.length)) * S : 0);
  const views = new Map(newGroups.map((g) => [g, recipe.groups[g].columns.map((column) => asFactor(input.columns.get(column) as Column, input))]));
  const levelName = (g: number, i: number): string => (views.get(g) ?? []).map((v) => v.levels[v.codes[i]]).join(':');
  const summary = observed ? rowSummary(n) : null;
  const uplift = treatedDesign ? rowSummary(n) : null;
  const treated = treatedDesign ? new Float64Array(n) : null;
  const control = treatedDesign ? new Float64Array(n) : null;
  const probUpliftPositive = treatedDesign ? new Float64Array(n) : null;
  for (let i0 = 0; i0 < n; i0 += B) {
    const i1 = Math.min(n, i0 + B);
    const rows = i1 - i0;
    if (drawing) fillNewEffects(model, anyDesign.groupIndex, newGroups, levelName, mode, seed, i0, i1, effects, effectScratch);
    const fresh = drawing ? effects : null;
    if (observed && summary && !arm) {
      linearPredictorBlock(model, observed, i0, i1, a, fresh);
      toMeasure(model, a, rows, S, auxScratch);
      summarizeBlock(a, rows, S, i0, interval, summary);
    }
    if (treatedDesign && controlDesign && c && uplift && treated && control && probUpliftPositive) {
      linearPredictorBlock(model, treatedDesign, i0, i1, a, fresh);
      linearPredictorBlock(model, controlDesign, i0, i1, c, fresh);
      toMeasure(model, a, rows, S, auxScratch);
      toMeasure(model, c, rows, S, auxScratch);
      if (arm && own && summary) {
        for (let b = 0; b < rows; b++) own.set((arm[i0 + b] === 1 ? a : c).subarray(b * S, (b + 1) * S), b * S);
        summarizeBlock(own, rows, S, i0, interval, summary);
      }
      for (let b = 0; b < rows; b++) {
        const from = b * S;
        let sumTreated = 0;
        let sumControl = 0;
        let positive = 0;
        for (let s = from; s < from + S; s++) {
          sumTreated += a[s];
          sumControl += c[s];
          a[s] -= c[s];
          if (a[s] > 0) positive++;
        }
        treated[i0 + b] = sumTreated / S;
        control[i0 + b] = sumControl / S;
        probUpliftPositive[i0 + b] = positive / S;
      }
      summarizeBlock(a, rows, S, i0, interval, uplift);
    }
    yield;
  }
  const probability = measure === 'probability' ? summary : null;
  const expected = measure === 'expected' ? summary : summary && trials ? scaledSummary(summary, trials) : null;
  return {
    n,
    nDraws: S,
    interval,
    measure,
    probability,
    expected,
    treated,
    control,
    uplift,
    probUpliftPositive,
    newLevelRows,
    newLevelMask,
    newLevels: mode,
    seed,
  };
}
