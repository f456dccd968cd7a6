/**
 * Fixed-effect terms stored as level indices instead of indicator columns. A term with a categorical part whose
 * dense coding (src/model/design.ts, R's model.matrix rule) would make more than INDEXED_MIN_COLUMNS columns — a
 * factor with many levels, its interaction with a numeric column (`x:store`) or with another factor — is kept as one
 * cell index per row (its factors' levels as a mixed-radix number, the first fastest) and, per cell, the coefficient
 * dense coding gives it (−1 for a cell whose treatment-coded factor is at its first level: no column). Row i adds
 * x_i · b[coefficient[cell_i]] to η, x_i the product of the term's numeric parts: the same numbers as the dense
 * columns, with the same names, order within the term and priors, at O(n) memory instead of O(n × levels). The
 * coefficients come after the dense columns in the fixed block (spec.ts FixedEffects).
 *
 * The rule: at most INDEXED_MIN_COLUMNS columns stay dense. Measured on native (bench/levels.bench.ts, 200,000 rows,
 * 4 chains, one run on the 2 shared cores): a 4-level factor costs the same per gradient either way, at 10, 17 and 33
 * levels the index is 2.4×, 2.8× and 4.4× faster than dense columns; small terms stay dense because dense columns
 * keep the QR basis (src/model/fixed-basis.ts, which decorrelates the intercept from treatment-coded columns) and
 * the column checks (src/model/data-warnings.ts), and because models with a few levels keep their output as before.
 */
import type { IndexedTermRecipe, NamedVariable, VariableValues } from './recipe.js';
import { denseFixedCount, type FixedEffects } from './spec.js';

/** Terms with more columns than this (and a categorical part) are stored as level indices. */
export const INDEXED_MIN_COLUMNS = 16;
/** The rule in one line, for fit.json and the README. */
export const INDEXED_RULE = `a fixed term with a categorical part and more than ${INDEXED_MIN_COLUMNS} columns is stored as a level index per row (its coefficients gathered per cell), other terms as dense columns`;
/** The most cells an indexed term may have (each is a coordinate the backends gather from). */
export const MAX_INDEXED_CELLS = 10_000_000;

/** A factor part of an indexed term: its levels and whether treatment coding drops the first. */
export interface IndexedFactorPart {
  readonly levels: readonly string[];
  readonly dropFirst: boolean;
}

/** The term's cells and the number of its coefficients (columns), from its factor parts. */
export function indexedSize(factors: readonly IndexedFactorPart[]): { readonly cells: number; readonly columns: number } {
  let cells = 1;
  let columns = 1;
  for (const f of factors) {
    cells *= f.levels.length;
    columns *= f.levels.length - (f.dropFirst ? 1 : 0);
  }
  return { cells, columns };
}

/**
 * The names of an indexed term's columns, in dense coding's order (the first factor fastest): its parts joined by
 * ':', a numeric part by its label, a factor part by label + level.
 */
export function indexedColumnNames(variables: readonly NamedVariable[], term: IndexedTermRecipe): string[] {
  const choices = term.parts.map((part) => {
    const { label, recipe } = variables[part.variable];
    if (recipe.kind !== 'factor') return [label];
    return recipe.levels.slice(part.dropFirst ? 1 : 0).map((l) => label + l);
  });
  const out: string[] = [];
  const pick = new Array<number>(choices.length).fill(0);
  for (;;) {
    out.push(choices.map((c, j) => c[pick[j]]).join(':'));
    let j = 0;
    while (j < pick.length && ++pick[j] === choices[j].length) pick[j++] = 0;
    if (j === pick.length) return out;
  }
}

/** An indexed term evaluated on rows: cell per row, coefficient (relative to the term's first) per cell, x. */
export interface IndexedDesign {
  readonly index: Uint32Array;
  readonly levels: number;
  /** Per cell: the coefficient's position within the term's columns, or −1. */
  readonly coefficient: Int32Array;
  /** Product of the numeric parts per row; null when the term has none. */
  readonly x: Float64Array | null;
}

/** The cells of `term` on rows whose variables evaluated to `values` (a factor's codes index its recipe levels). */
export function indexedDesign(term: IndexedTermRecipe, values: readonly VariableValues[], n: number): IndexedDesign {
  const index = new Uint32Array(n);
  let x: Float64Array | null = null;
  const factors: IndexedFactorPart[] = [];
  let stride = 1;
  for (const part of term.parts) {
    const v = values[part.variable];
    if (v.kind === 'factor') {
      for (let i = 0; i < n; i++) index[i] += v.codes[i] * stride;
      stride *= v.levels.length;
      factors.push({ levels: v.levels, dropFirst: part.dropFirst === true });
    } else if (v.kind === 'numeric') {
      if (x === null) x = new Float64Array(v.values);
      else for (let i = 0; i < n; i++) x[i] *= v.values[i];
    } else {
      throw new Error(`indexed term '${term.label}': a poly() part cannot be indexed`);
    }
  }
  const coefficient = cellCoefficients(factors.map((f) => ({ levels: f.levels.length, dropFirst: f.dropFirst })));
  return { index, levels: coefficient.length, coefficient, x };
}

/**
 * Per cell of the factors (the first fastest), the position of its column among the term's columns, or −1: the
 * mixed-radix digits less the dropped first level, over the kept level counts.
 */
export function cellCoefficients(factors: readonly { readonly levels: number; readonly dropFirst: boolean }[]): Int32Array {
  const cells = factors.reduce((m, f) => m * f.levels, 1);
  const coefficient = new Int32Array(cells);
  for (let cell = 0; cell < cells; cell++) {
    let rest = cell;
    let position = 0;
    let scale = 1;
    for (const f of factors) {
      const level = rest % f.levels;
      rest = (rest - level) / f.levels;
      const drop = f.dropFirst ? 1 : 0;
      if (level < drop) {
        position = -1;
        break;
      }
      position += (level - drop) * scale;
      scale *= f.levels - drop;
    }
    coefficient[cell] = position;
  }
  return coefficient;
}

/**
 * Per column of an indexed term (`columns` of them): the standard deviation over all n rows of the column dense
 * coding would make (x_i on its cell's rows, 0 elsewhere; n − 1 denominator), and the number of rows where it is not
 * 0. O(n + columns).
 */
export function indexedColumnStats(design: IndexedDesign, columns: number, n: number): { readonly sd: Float64Array; readonly rows: Uint32Array } {
  const sum = new Float64Array(columns);
  const sumSq = new Float64Array(columns);
  const rows = new Uint32Array(columns);
  const { index, coefficient, x } = design;
  for (let i = 0; i < n; i++) {
    const j = coefficient[index[i]];
    if (j < 0) continue;
    const v = x === null ? 1 : x[i];
    if (v === 0) continue;
    sum[j] += v;
    sumSq[j] += v * v;
    rows[j]++;
  }
  const sd = new Float64Array(columns);
  for (let j = 0; j < columns; j++) sd[j] = n > 1 ? Math.sqrt(Math.max(0, sumSq[j] - (sum[j] * sum[j]) / n) / (n - 1)) : 0;
  return { sd, rows };
}

/** How many fixed coefficients are dense columns, and each indexed term's label, coefficients and cells (in coordinate order). */
export interface IndexedLayout {
  readonly dense: number;
  readonly indexed: readonly { readonly term: string; readonly coefficients: number; readonly cells: number }[];
}

export function indexedLayout(fixed: FixedEffects): IndexedLayout {
  return {
    dense: denseFixedCount(fixed),
    indexed: (fixed.indexed ?? []).map((t) => ({
      term: t.label,
      coefficients: t.coefficient.reduce((m, j) => m + (j >= 0 ? 1 : 0), 0),
      cells: t.levels,
    })),
  };
}
