/**
 * DesignRecipe: plain JSON data that rebuilds a model's design (fixed-effect matrix, group indices, varying-term
 * covariates) for any Frame with the same columns — the training data or new rows to score. It records everything
 * learned from the training data: the centre and scale of every scale(), the level coding of every categorical
 * column and the levels of every grouping factor.
 */
import type { Column, Frame, NumericValues } from '../data/frame.js';
import { asFloat64, float64Block, rowLocation } from '../data/frame-build.js';
import { zeroed, type Allocate } from '../data/column-sinks.js';
import { requireColumn, requireNoMissing } from '../data/checks.js';
import { UserError } from '../errors.js';
import type { CompareOp } from './formula/ast.js';
import { asFactor } from './factor.js';
import { evalOrthoPoly } from '../numeric/orthopoly.js';
import { indexedDesign, type IndexedDesign } from './indexed-fixed.js';
import type { LinkName } from './families/family.js';
import type { Family } from './spec.js';
import * as pm from '../numeric/portable-math.js';

/** Group index given to a row whose level the model has not seen; callers treat its effect as r = 0. */
export const NEW_LEVEL = 0xffffffff;

/** How to compute one variable from a Frame. */
export type VariableRecipe =
  | { readonly kind: 'numeric'; readonly column: string }
  | { readonly kind: 'factor'; readonly column: string; readonly levels: readonly string[] }
  | { readonly kind: 'log'; readonly arg: VariableRecipe }
  | { readonly kind: 'scale'; readonly arg: VariableRecipe; readonly center: number; readonly scale: number }
  | { readonly kind: 'compare'; readonly arg: VariableRecipe; readonly op: CompareOp; readonly value: number | string }
  /**
   * poly(x, degree): R's orthogonal polynomial columns, with the training data's recurrence coefficients in R's layout
   * (attr(, "coefs"): alpha, norm2) so new rows get R's predict.poly values (src/numeric/orthopoly.ts).
   */
  | {
      readonly kind: 'poly';
      readonly arg: VariableRecipe;
      readonly degree: number;
      readonly alpha: readonly number[];
      readonly norm2: readonly number[];
    };

export interface NamedVariable {
  /** Canonical label, e.g. "scale(recency)". */
  readonly label: string;
  readonly recipe: VariableRecipe;
}

/** A design column: the product of its factors (the empty product, 1, is the intercept). */
export interface ColumnRecipe {
  readonly name: string;
  /**
   * Index into DesignRecipe.variables; `level` is the indicator's level for a factor, the column (0-based) of a
   * poly() variable, null for a numeric variable.
   */
  readonly factors: readonly { readonly variable: number; readonly level: number | null }[];
}

/**
 * A fixed-effect term stored as a level index (src/model/indexed-fixed.ts): its parts in formula order, each a
 * variable (index into DesignRecipe.variables); a categorical part says whether treatment coding drops its first
 * level. Its columns are those dense coding would make (indexedColumnNames), after every dense column.
 */
export interface IndexedTermRecipe {
  readonly label: string;
  readonly parts: readonly { readonly variable: number; readonly dropFirst?: boolean }[];
}

export interface GroupRecipe {
  /** "zip_code", or "a:b" for an interaction of columns. */
  readonly name: string;
  readonly columns: readonly string[];
  /** Level names ("Rural", or "A:x" for an interaction). */
  readonly levels: readonly string[];
  /** For each level, the level name of each column. */
  readonly levelParts: readonly (readonly string[])[];
}

export interface VaryingTermRecipe {
  readonly group: number;
  readonly term: string;
  /**
   * The correlated bar this term belongs to (a `( … | g)` with two or more coefficients, numbered 0, 1, … in formula
   * order); absent for a term whose effects are independent (`||`, or the only coefficient of its bar).
   */
  readonly correlated?: number;
  /** Null for an intercept. */
  readonly column: ColumnRecipe | null;
}

/**
 * A column the model reads that was derived from other columns of the training data (e.g. `recency_z`, standardized
 * with the training mean and sd): how to compute it for any frame (src/model/derived.ts). Recorded from the
 * training frame's ColumnDerivation (src/data/frame.ts).
 */
export interface DerivedColumn {
  readonly name: string;
  /** The derivation as a formula term, e.g. "scale(recency)" or "I(segment != \"No E-Mail\")". */
  readonly label: string;
  readonly recipe: VariableRecipe;
}

export interface DesignRecipe {
  readonly version: 1;
  readonly formula: string;
  readonly family: Family;
  /** 'probit' for a probit bernoulli/binomial model; absent for the family's default link. */
  readonly link?: LinkName;
  readonly outcome: string;
  readonly trials: string | null;
  readonly variables: readonly NamedVariable[];
  /** The dense fixed columns. */
  readonly fixed: readonly ColumnRecipe[];
  /** Fixed-effect terms stored as level indices, their coefficients after the dense columns; absent when none. */
  readonly indexed?: readonly IndexedTermRecipe[];
  readonly groups: readonly GroupRecipe[];
  readonly terms: readonly VaryingTermRecipe[];
  /** Columns read by the model that were derived from others; absent in runs written before derivations were kept. */
  readonly derived?: readonly DerivedColumn[];
  /**
   * The `offset(…)` terms: indices into `variables` (each numeric), summed per row and added to η with coefficient 1;
   * absent when the formula has none.
   */
  readonly offsets?: readonly number[];
}

export interface Design {
  readonly n: number;
  /** The dense fixed columns, n × q, row-major. */
  readonly X: Float64Array;
  /** Per indexed term of the recipe: its cells (src/model/indexed-fixed.ts). */
  readonly indexed: readonly IndexedDesign[];
  /** Per group: 0-based level per row, NEW_LEVEL for levels not seen when the model was built. */
  readonly groupIndex: readonly Uint32Array[];
  /** Per varying term: the covariate per row, null for an intercept. */
  readonly x: readonly (Float64Array | null)[];
  /** The offset per row (the sum of the formula's offset() terms), null when it has none. */
  readonly offset: Float64Array | null;
}

/** A variable's values on a frame: numbers, factor codes into the recipe's levels, or the columns of a poly(). */
export type VariableValues =
  | { readonly kind: 'numeric'; readonly values: NumericValues }
  | { readonly kind: 'matrix'; readonly columns: readonly Float64Array[] }
  | { readonly kind: 'factor'; readonly codes: Uint32Array; readonly levels: readonly string[] };

/** The frame's column, which must exist and be complete (checks from src/data/checks.ts). */
export function frameColumn(frame: Frame, name: string, where: string): Column {
  const column = requireColumn(frame, name, where);
  requireNoMissing(frame, name);
  return column;
}

/** Maps a column's codes onto `levels` by name; rows with other levels get NEW_LEVEL. */
function recode(column: Column, levels: readonly string[], frame: Frame): Uint32Array {
  const view = asFactor(column, frame);
  const index = new Map(levels.map((l, k) => [l, k]));
  const map = Uint32Array.from(view.levels, (l) => index.get(l) ?? NEW_LEVEL);
  const out = new Uint32Array(view.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = map[view.codes[i]];
  return out;
}

/** "a, b, c", or the first ten and how many in all. */
function levelList(levels: readonly string[]): string {
  return levels.length <= 10 ? levels.join(', ') : `${levels.slice(0, 10).join(', ')}, … (${levels.length} in all)`;
}

function compareValues(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

/** Evaluates a variable on `frame`; `where` prefixes messages (e.g. "formula term 'log(x)' at position 9"). */
export function evaluateVariable(recipe: VariableRecipe, frame: Frame, where: string): VariableValues {
  switch (recipe.kind) {
    case 'numeric': {
      const column = frameColumn(frame, recipe.column, where);
      // a column's own (possibly compact) array: no float64 copy of every variable while the design is built
      const values = column.kind === 'categorical' ? null : column.values;
      if (!values) {
        throw new UserError(`${where}: column '${recipe.column}' in ${frame.source} is categorical, but the model needs numbers`);
      }
      return { kind: 'numeric', values };
    }
    case 'factor': {
      const codes = recode(frameColumn(frame, recipe.column, where), recipe.levels, frame);
      const unseen = codes.indexOf(NEW_LEVEL);
      if (unseen >= 0) {
        const view = asFactor(frame.columns.get(recipe.column) as Column, frame);
        throw new UserError(
          `${where}: column '${recipe.column}' has level '${view.levels[view.codes[unseen]]}' at ${rowLocation(frame, unseen)}, which the model does not know; known levels: ${levelList(recipe.levels)}`,
        );
      }
      return { kind: 'factor', codes, levels: recipe.levels };
    }
    case 'log': {
      const out = mapNumbers(numericValues(evaluateVariable(recipe.arg, frame, where), where), (x, start) => {
        for (let i = 0; i < x.length; i++) {
          if (!(x[i] > 0)) {
            throw new UserError(`${where}: log of ${x[i]} at ${rowLocation(frame, start + i)}; log() needs positive values`);
          }
          x[i] = pm.log(x[i]);
        }
      });
      return { kind: 'numeric', values: out };
    }
    case 'scale': {
      const { center, scale } = recipe;
      const out = mapNumbers(numericValues(evaluateVariable(recipe.arg, frame, where), where), (x) => {
        for (let i = 0; i < x.length; i++) x[i] = (x[i] - center) / scale;
      });
      return { kind: 'numeric', values: out };
    }
    case 'compare': {
      const arg = evaluateVariable(recipe.arg, frame, where);
      const out = new Float64Array(frame.nRows);
      if (arg.kind === 'matrix') throw new UserError(`${where}: a comparison needs one numeric column, not the columns of poly()`);
      if (arg.kind === 'factor') {
        // only == and != reach here (checked when the recipe was made); compare level names
        const hit = Uint8Array.from(arg.levels, (l) => (l === recipe.value ? 1 : 0));
        const want = recipe.op === '==' ? 1 : 0;
        for (let i = 0; i < out.length; i++) out[i] = hit[arg.codes[i]] === want ? 1 : 0;
      } else {
        const v = recipe.value as number;
        const op = recipe.op;
        const block = new Float64Array(Math.min(out.length, BLOCK_ROWS));
        for (let start = 0; start < out.length; start += BLOCK_ROWS) {
          const end = Math.min(start + BLOCK_ROWS, out.length);
          const x = float64Block(arg.values, start, end, block);
          for (let i = start; i < end; i++) out[i] = compareValues(op, x[i - start], v) ? 1 : 0;
        }
      }
      return { kind: 'numeric', values: out };
    }
    case 'poly': {
      const x = numericValues(evaluateVariable(recipe.arg, frame, where), where);
      return { kind: 'matrix', columns: evalOrthoPoly(asFloat64(x), recipe) };
    }
  }
}

function numericValues(v: VariableValues, where: string): NumericValues {
  if (v.kind === 'factor') throw new UserError(`${where}: needs a numeric column, not a categorical one`);
  if (v.kind === 'matrix') throw new UserError(`${where}: needs one numeric column, not the columns of poly()`);
  return v.values;
}

/**
 * Rows per block when columns are computed block by block (a block of a column is 8 KiB of float64: the blocks of a
 * design row's columns stay in the first-level caches while they are written into X).
 */
const BLOCK_ROWS = 1024;

/**
 * A float64 copy of `x` changed block by block by `change` (given each block as float64, and the block's first row):
 * one loop over float64 whatever the column's compact storage (a loop indexing a union of seven array types runs
 * generic, slow code per row).
 */
function mapNumbers(x: NumericValues, change: (block: Float64Array, start: number) => void): Float64Array {
  const out = new Float64Array(x.length);
  for (let start = 0; start < x.length; start += BLOCK_ROWS) {
    const block = out.subarray(start, Math.min(start + BLOCK_ROWS, x.length));
    block.set(x.subarray(start, start + block.length));
    change(block, start);
  }
  return out;
}

/**
 * Rows [start, start + block.length) of one design column (the product of its factors, in their order, from 1; a
 * factor's indicator sets a row to 0) into `block`; `scratch` (as long) holds a compact column's rows as float64.
 */
function columnBlock(column: ColumnRecipe, values: readonly VariableValues[], start: number, block: Float64Array, scratch: Float64Array): void {
  const len = block.length;
  block.fill(1);
  for (const f of column.factors) {
    const v = values[f.variable];
    if (v.kind === 'numeric') {
      const x = float64Block(v.values, start, start + len, scratch);
      for (let i = 0; i < len; i++) block[i] *= x[i];
    } else if (v.kind === 'matrix') {
      const x = v.columns[f.level as number];
      for (let i = 0; i < len; i++) block[i] *= x[start + i];
    } else {
      const level = f.level as number;
      const codes = v.codes;
      for (let i = 0; i < len; i++) if (codes[start + i] !== level) block[i] = 0;
    }
  }
}

/** Values of one design column (product of its factors) per row. */
function columnValues(column: ColumnRecipe, values: readonly VariableValues[], n: number): Float64Array {
  const out = new Float64Array(n);
  const scratch = new Float64Array(Math.min(n, BLOCK_ROWS));
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const end = Math.min(start + BLOCK_ROWS, n);
    columnBlock(column, values, start, out.subarray(start, end), scratch);
  }
  return out;
}

/**
 * The dense columns `columns` as the n × p row-major X (p = columns.length), in memory from `allocate` when given: a
 * block of rows at a time, each column's block computed in float64 and written into the block's rows of X, so X is
 * written once, in order (no pass per column over all of X).
 */
function designMatrix(columns: readonly ColumnRecipe[], values: readonly VariableValues[], n: number, allocate?: Allocate): Float64Array {
  const p = columns.length;
  const X = zeroed(Float64Array, n * p, allocate);
  const block = new Float64Array(Math.min(n, BLOCK_ROWS));
  const scratch = new Float64Array(block.length);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const len = Math.min(BLOCK_ROWS, n - start);
    const rows = block.subarray(0, len);
    for (let j = 0; j < p; j++) {
      columnBlock(columns[j], values, start, rows, scratch);
      let at = start * p + j;
      for (let i = 0; i < len; i++, at += p) X[at] = rows[i];
    }
  }
  return X;
}

/** Level index per row of a grouping factor (NEW_LEVEL for an unseen level or combination of levels). */
export function groupIndex(group: GroupRecipe, frame: Frame, where: string): Uint32Array {
  const n = frame.nRows;
  const m = group.columns.length;
  // each column's distinct names among the known levels; a level's code is its mixed-radix number of name indices
  const partNames = group.columns.map((_, j) => [...new Set(group.levelParts.map((parts) => parts[j]))]);
  // name → index maps, not indexOf per level: that is quadratic in the levels (seconds per request at 10⁵ levels)
  const partIndex = partNames.map((names) => new Map(names.map((name, i) => [name, i])));
  const levelOf = new Map<number, number>();
  group.levelParts.forEach((parts, k) => {
    let code = 0;
    for (let j = 0; j < m; j++) code = code * partNames[j].length + partIndex[j].get(parts[j])!;
    levelOf.set(code, k);
  });
  const combined = new Float64Array(n);
  for (let j = 0; j < m; j++) {
    const part = recode(frameColumn(frame, group.columns[j], where), partNames[j], frame);
    const size = partNames[j].length;
    // NaN marks an unseen name and stays NaN
    for (let i = 0; i < n; i++) combined[i] = part[i] === NEW_LEVEL ? NaN : combined[i] * size + part[i];
  }
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = levelOf.get(combined[i]) ?? NEW_LEVEL;
  return out;
}

/**
 * Rebuilds the design for the rows of `frame` (the training data or new rows) exactly as the model was built; X in
 * memory from `allocate` when given (a model's design, which the run keeps; not rows scored block by block).
 */
export function applyRecipe(recipe: DesignRecipe, frame: Frame, allocate?: Allocate): Design {
  const n = frame.nRows;
  const values = recipe.variables.map((v) => evaluateVariable(v.recipe, frame, `formula term '${v.label}'`));
  const X = designMatrix(recipe.fixed, values, n, allocate);
  const groupIdx = recipe.groups.map((g) => groupIndex(g, frame, `grouping factor '${g.name}'`));
  const x = recipe.terms.map((t) => (t.column ? columnValues(t.column, values, n) : null));
  const indexed = (recipe.indexed ?? []).map((t) => indexedDesign(t, values, n));
  return { n, X, groupIndex: groupIdx, x, indexed, offset: offsetValues(recipe, values, n) };
}

/** The sum of the recipe's offset variables per row, or null without offsets. */
function offsetValues(recipe: DesignRecipe, values: readonly VariableValues[], n: number): Float64Array | null {
  if (!recipe.offsets || recipe.offsets.length === 0) return null;
  const out = new Float64Array(n);
  for (const k of recipe.offsets) {
    const v = numericValues(values[k], `formula term 'offset(${recipe.variables[k].label})'`);
    for (let i = 0; i < n; i++) out[i] += v[i];
  }
  return out;
}
