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
import { requireBinaryOutcome } from '../data/checks.js';
import type { DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { sourceColumns, withDerivedColumns } from '../model/derived.js';
import { asFactor } from '../model/factor.js';
import { familyModule } from '../model/families/index.js';
import type { FamilyModule } from '../model/families/family.js';
import { cellCoefficients, indexedColumnNames } from '../model/indexed-fixed.js';
import { applyRecipe, NEW_LEVEL, type Design, type DesignRecipe, type VariableRecipe } from '../model/recipe.js';
import { brierScore, calibrationTable, logLoss, rocAuc, type CalibrationBin } from './metrics.js';
import { selectKth } from '../numeric/select.js';
import {
  DEFAULT_NEW_LEVELS,
  DEFAULT_NEW_LEVELS_SEED,
  drawNewLevel,
  groupSpread,
  newLevelMode,
  newLevelStream,
  type GroupSpread,
  type NewLevelMode,
} from './new-levels.js';

/**
 * What scoring needs of a fit: the recipe and the constrained draws (b_*, r_<group>__<term>[k], the family's sigma or
 * shape; sd_ and cor_ for sampling new levels).
 */
export interface ScoringPosterior {
  readonly recipe: DesignRecipe;
  readonly draws: DrawSet;
}

/** The draws rearranged for scoring, made once per model. */
export interface ScoringModel {
  readonly recipe: DesignRecipe;
  /** Draws over all chains. */
  readonly nDraws: number;
  /** Fixed effects, S × p (draw-major: one draw's coefficients together). */
  readonly b: Float64Array;
  /** Per varying term, K × S (level-major: one level's draws together). */
  readonly r: readonly Float64Array[];
  /**
   * Per indexed fixed term (src/model/indexed-fixed.ts), per cell: its coefficient's S draws (a view into the draws,
   * not a copy), or null for a reference cell.
   */
  readonly indexed?: readonly (readonly (Float64Array | null)[])[];
  /** The 0/1 treatment column when the model uses one, else null. */
  readonly treatment: string | null;
  /** The family with its link: its `mean` turns η into E[y | η, aux]. */
  readonly family: FamilyModule;
  /** The family's auxiliary parameters' draws (length S each), in FamilyModule.aux order. */
  readonly aux: readonly Float64Array[];
  /** Per grouping factor, what drawing a new level needs (src/decision/new-levels.ts). */
  readonly spreads: readonly GroupSpread[];
}

/** Name of the column that uplift switches between 0 and 1. */
export const TREATMENT_COLUMN = 'treatment';

/** How a model reads a data column. */
export type ColumnUse =
  | { readonly kind: 'numeric' }
  | { readonly kind: 'factor'; readonly levels: readonly string[] }
  /** A grouping factor: any level name; unseen levels score as new groups. */
  | { readonly kind: 'group'; readonly levels: readonly string[] };

function collectLeaves(v: VariableRecipe, out: Map<string, ColumnUse>): void {
  switch (v.kind) {
    case 'numeric':
      if (!out.has(v.column)) out.set(v.column, { kind: 'numeric' });
      return;
    case 'factor':
      out.set(v.column, { kind: 'factor', levels: v.levels });
      return;
    case 'log':
    case 'scale':
    case 'compare':
    case 'poly':
      collectLeaves(v.arg, out);
  }
}

/** The data columns one variable reads, with how. */
export function variableColumns(v: VariableRecipe): Map<string, ColumnUse> {
  const out = new Map<string, ColumnUse>();
  collectLeaves(v, out);
  return out;
}

/** Every data column the model reads (outcome and trials excluded), in first-use order. */
export function recipeColumns(recipe: DesignRecipe): Map<string, ColumnUse> {
  const out = new Map<string, ColumnUse>();
  for (const v of recipe.variables) collectLeaves(v.recipe, out);
  for (const g of recipe.groups) {
    g.columns.forEach((column, j) => {
      if (!out.has(column)) out.set(column, { kind: 'group', levels: [...new Set(g.levelParts.map((parts) => parts[j]))] });
    });
  }
  return out;
}

/**
 * The columns scoring reads of a data file: `needed`, without which a row cannot be scored (the model's columns),
 * and `optional`, used when present — the outcome and trials (for the metrics), the derived columns and their
 * sources (either gives the derived one: src/model/derived.ts) and the treatment column (uplift sets it).
 */
export function scoringColumns(recipe: DesignRecipe): { needed: string[]; optional: string[] } {
  const derived = new Set((recipe.derived ?? []).map((d) => d.name));
  const optional = [recipe.outcome, ...(recipe.trials === null ? [] : [recipe.trials]), TREATMENT_COLUMN, ...derived];
  for (const d of recipe.derived ?? []) sourceColumns(d.recipe, optional);
  const needed = [...recipeColumns(recipe).keys()].filter((c) => !derived.has(c) && c !== TREATMENT_COLUMN);
  return { needed, optional: [...new Set(optional)] };
}

/** `index`: the draws' names to their positions, built once (indexOf per group level is quadratic in the levels). */
function drawsOf(draws: DrawSet, index: ReadonlyMap<string, number>, name: string): Float64Array {
  const v = index.get(name) ?? -1;
  if (v < 0) throw new UserError(`the draws have no variable ${name}; were they written for another model?`);
  const size = draws.nChains * draws.nDraws;
  return draws.values.subarray(v * size, (v + 1) * size);
}

export function prepareScoring(posterior: ScoringPosterior): ScoringModel {
  const { recipe, draws } = posterior;
  const family = familyModule(recipe.family, recipe.link);
  const S = draws.nChains * draws.nDraws;
  if (S === 0) throw new UserError('the run has no draws to score with');
  const index = new Map(draws.names.map((n, i) => [n, i]));
  const p = recipe.fixed.length;
  const b = new Float64Array(S * p);
  recipe.fixed.forEach((column, j) => {
    const d = drawsOf(draws, index, `b_${column.name}`);
    for (let s = 0; s < S; s++) b[s * p + j] = d[s];
  });
  const r = recipe.terms.map((term) => {
    const group = recipe.groups[term.group];
    const K = group.levels.length;
    const names = Array.from({ length: K }, (_, k) => `r_${group.name}__${term.term}[${k + 1}]`);
    names.forEach((name) => drawsOf(draws, index, name)); // each one there, or the message naming it
    // the draws keep a variable's S draws together, so levels 1 … K stored one after the other already are the K × S
    // block: a view, not a copy (10⁴ levels × 4,000 draws: 320 MB not allocated again)
    const v0 = index.get(names[0]) as number;
    if (K > 0 && names.every((name, k) => index.get(name) === v0 + k)) return draws.values.subarray(v0 * S, (v0 + K) * S);
    const out = new Float64Array(K * S);
    names.forEach((name, k) => out.set(drawsOf(draws, index, name), k * S));
    return out;
  });
  const indexed = (recipe.indexed ?? []).map((term) => {
    const names = indexedColumnNames(recipe.variables, term);
    const columns = names.map((name) => drawsOf(draws, index, `b_${name}`));
    // the cells of the term's factors (levels from the recipe), each to its column as on the training rows
    const factors = term.parts.flatMap((part) => {
      const v = recipe.variables[part.variable].recipe;
      return v.kind === 'factor' ? [{ levels: v.levels.length, dropFirst: part.dropFirst === true }] : [];
    });
    return Array.from(cellCoefficients(factors), (j) => (j >= 0 ? columns[j] : null));
  });
  const aux = family.aux.map((a) => drawsOf(draws, index, a.name));
  const variable = (name: string): Float64Array | null => (index.has(name) ? drawsOf(draws, index, name) : null);
  const spreads = recipe.groups.map((g, k) => {
    const terms = recipe.terms.flatMap((t, i) => (t.group === k ? [i] : []));
    return groupSpread(g.name, terms, terms.map((t) => recipe.terms[t].term), S, variable);
  });
  const use = recipeColumns(recipe).get(TREATMENT_COLUMN);
  return { recipe, nDraws: S, b, r, indexed, treatment: use?.kind === 'numeric' ? TREATMENT_COLUMN : null, family, aux, spreads };
}

/**
 * η for rows [i0, i1) and every draw: eta[(i − i0) · S + s], the design's offset included
 * (recomputed from the rows' own columns by the recipe). A row at a new group level adds, for that group's terms,
 * newEffects[t][(i − i0) · S + s] when `newEffects` has term t's block of new-level effects, else nothing (r = 0).
 */
export function linearPredictorBlock(
  model: ScoringModel,
  design: Design,
  i0: number,
  i1: number,
  eta: Float64Array,
  newEffects: readonly (Float64Array | null)[] | null = null,
): void {
  const S = model.nDraws;
  const p = model.recipe.fixed.length;
  const { X, offset } = design;
  const { b } = model;
  for (let i = i0; i < i1; i++) {
    const out = (i - i0) * S;
    const row = i * p;
    const o = offset ? offset[i] : 0;
    for (let s = 0; s < S; s++) {
      let acc = o;
      const bs = s * p;
      for (let j = 0; j < p; j++) acc += X[row + j] * b[bs + j];
      eta[out + s] = acc;
    }
  }
  design.indexed.forEach(({ index, x }, f) => {
    const cells = model.indexed?.[f];
    if (!cells) throw new Error('linearPredictorBlock: the scoring model lacks the indexed terms of its recipe');
    for (let i = i0; i < i1; i++) {
      const column = cells[index[i]];
      const xi = x === null ? 1 : x[i];
      if (column === null || xi === 0) continue;
      const out = (i - i0) * S;
      for (let s = 0; s < S; s++) eta[out + s] += xi * column[s];
    }
  });
  model.recipe.terms.forEach((term, t) => {
    const index = design.groupIndex[term.group];
    const x = design.x[t];
    const r = model.r[t];
    const fresh = newEffects?.[t] ?? null;
    for (let i = i0; i < i1; i++) {
      const g = index[i];
      const xi = x === null ? 1 : x[i];
      if (xi === 0 || (g === NEW_LEVEL && fresh === null)) continue;
      const out = (i - i0) * S;
      const source = g === NEW_LEVEL ? (fresh as Float64Array) : r;
      const start = g === NEW_LEVEL ? out : g * S;
      for (let s = 0; s < S; s++) eta[out + s] += xi * source[start + s];
    }
  });
}

/**
 * The effects of the block's rows at new levels, by `mode` (not zero), into effects[t] (B × S, row-major from row
 * i0) for every term t of each group in `groups`; `levelName(g, i)` names row i's level of group g.
 */
function fillNewEffects(
  model: ScoringModel,
  groupIndex: readonly Uint32Array[],
  groups: readonly number[],
  levelName: (g: number, i: number) => string,
  mode: Exclude<NewLevelMode, 'zero'>,
  seed: number,
  i0: number,
  i1: number,
  effects: readonly (Float64Array | null)[],
  scratch: Float64Array,
): void {
  const S = model.nDraws;
  for (const g of groups) {
    const spread = model.spreads[g];
    const K = model.recipe.groups[g].levels.length;
    const index = groupIndex[g];
    for (let i = i0; i < i1; i++) {
      if (index[i] !== NEW_LEVEL) continue;
      drawNewLevel(mode, spread, model.r, K, S, newLevelStream(seed, spread.group, levelName(g, i)), scratch);
      const out = (i - i0) * S;
      spread.terms.forEach((t, j) => {
        const block = effects[t] as Float64Array;
        for (let s = 0; s < S; s++) block[out + s] = scratch[j * S + s];
      });
    }
  }
}


/**
 * Quantile of type 7 (R's default; the same arithmetic as diagnostics/quantile.ts's quantileSorted) of a[from … to),
 * found by selection; reorders that range.
 */
export function quantileInPlace(a: Float64Array, from: number, to: number, prob: number): number {
  const n = to - from;
  if (n === 0) return NaN;
  const h = (n - 1) * prob;
  const lo = Math.floor(h);
  selectKth(a, from, to, lo);
  const qlo = a[from + lo];
  const gamma = h - lo;
  if (gamma === 0) return qlo;
  // the next order statistic is the smallest value after position lo
  let qhi = Infinity;
  for (let i = from + lo + 1; i < to; i++) if (a[i] < qhi) qhi = a[i];
  return qhi !== qlo ? (1 - gamma) * qlo + gamma * qhi : qlo;
}

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

/** How well the posterior mean probabilities predict the observed 0/1 outcomes. */
export interface Evaluation {
  readonly n: number;
  readonly positives: number;
  readonly rocAuc: number;
  readonly logLoss: number;
  readonly brier: number;
  readonly calibration: CalibrationBin[];
}

/**
 * Classifier metrics of `predicted` against the frame's outcome column (src/decision/metrics.ts); null when the frame
 * has no such column. Bernoulli models only.
 */
export function evaluateScores(recipe: DesignRecipe, frame: Frame, predicted: Float64Array, bins = 10): Evaluation | null {
  const y = scoredOutcome(recipe, frame);
  return y === null ? null : evaluateOutcomes(y, predicted, bins);
}

/**
 * The 0/1 outcome of the scored rows for the classifier metrics (checked row by row, errors naming the row), or null
 * when the rows lack the outcome column. Bernoulli models only.
 */
export function scoredOutcome(recipe: DesignRecipe, frame: Frame): Float64Array | null {
  if (!frame.columns.has(recipe.outcome)) return null;
  if (recipe.family !== 'bernoulli') {
    const model = recipe.family === 'binomial' ? `binomial (${recipe.outcome} of ${recipe.trials})` : recipe.family;
    throw new UserError(`scoring metrics need a 0/1 outcome; this model is ${model}`);
  }
  return requireBinaryOutcome(frame, recipe.outcome, `outcome column "${recipe.outcome}" of the scored data`);
}

/** Classifier metrics of posterior mean probabilities `predicted` against observed 0/1 outcomes `y`. */
export function evaluateOutcomes(y: ArrayLike<number>, predicted: ArrayLike<number>, bins = 10): Evaluation {
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  return {
    n: y.length,
    positives,
    rocAuc: rocAuc(y, predicted),
    logLoss: logLoss(y, predicted),
    brier: brierScore(y, predicted),
    calibration: calibrationTable(y, predicted, bins),
  };
}

/**
 * Row order of the ranked customer list: by posterior mean uplift when there is one (who gains most from contact),
 * else by posterior mean probability or expected value; highest first, ties in row order.
 */
export function rankOrder(result: ScoreResult): Uint32Array {
  const key = rankKey(result);
  const order = new Uint32Array(result.n);
  for (let i = 0; i < result.n; i++) order[i] = i;
  return order.sort((a, b) => key[b] - key[a] || a - b);
}

/** What rankOrder ranks by, per row: the posterior mean uplift, else probability, else expected value. */
export function rankKey(result: ScoreResult): Float64Array {
  const key = result.uplift?.mean ?? result.probability?.mean ?? result.expected?.mean;
  if (!key) throw new Error('rankOrder: the result has neither uplift nor a per-row measure');
  return key;
}
