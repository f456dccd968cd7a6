/**
 * The spec built a block of rows at a time (session 12: recipe.ts designMatrix, family-priors.ts columnSds,
 * fixed-basis.ts and data-warnings.ts through src/numeric/cross-products.ts) is the spec of the row loops it replaced
 * (main at 4d8832a), bit for bit: X against the old per-column loop, the fixed basis against the old row loop of
 * XᵀX, every compact storage of a column against its float64 copy, on more rows than a block and not a multiple of
 * one. (bench/spec-digest.mjs compares whole specs, 10⁷ rows, across two builds of the package.)
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/build.js';
import { evaluateVariable, type ColumnRecipe, type VariableValues } from '../../src/model/recipe.js';
import { choleskyLower } from '../../src/numeric/cholesky.js';
import { booleanColumn, categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import type { Column, Frame } from '../../src/data/frame.js';
import * as pm from '../../src/numeric/portable-math.js';

const N = 2 * 1024 + 333;

/** A seeded LCG in [0, 1). */
function uniform(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/** Columns of every compact storage (and float64, boolean, categorical), N rows. */
function columns(): Column[] {
  const u = uniform(11);
  const make = <T extends { [i: number]: number }>(out: T, f: () => number): T => {
    for (let i = 0; i < N; i++) out[i] = f();
    return out;
  };
  const codes = make(new Uint8Array(N), () => Math.floor(u() * 4));
  return [
    numericColumn('y', make(new Uint8Array(N), () => (u() < 0.3 ? 1 : 0))),
    numericColumn('a', make(new Uint8Array(N), () => Math.floor(u() * 10))),
    numericColumn('b', make(new Int8Array(N), () => Math.floor(u() * 11) - 5)),
    numericColumn('c', make(new Int16Array(N), () => Math.floor(u() * 2000) - 1000)),
    numericColumn('d', make(new Uint16Array(N), () => Math.floor(u() * 60000))),
    numericColumn('e', make(new Int32Array(N), () => Math.floor(u() * 2e6) - 1e6)),
    numericColumn('f', make(new Float64Array(N), () => (u() - 0.4) * 3.7)),
    numericColumn('pos', make(new Float64Array(N), () => 0.01 + u() * 50)),
    booleanColumn('h', make(new Uint8Array(N), () => (u() < 0.5 ? 1 : 0))),
    categoricalColumn('g', codes, ['p', 'q', 'r', 's']),
  ];
}

/** The same columns, every numeric one stored as float64. */
function asFloat64Columns(cs: readonly Column[]): Column[] {
  return cs.map((c) => (c.kind === 'numeric' ? numericColumn(c.name, Float64Array.from(c.values)) : c));
}

const FORMULA = 'y ~ a + b + c + d + f + g + h + a:f + g:b + e:h + log(pos) + scale(e) + I(b > 0) + poly(pos, 2)';

/** The per-column loop of recipe.ts before session 12: the product of the column's factors, row by row. */
function oldColumn(column: ColumnRecipe, values: readonly VariableValues[], n: number): Float64Array {
  const out = new Float64Array(n).fill(1);
  for (const f of column.factors) {
    const v = values[f.variable];
    if (v.kind === 'numeric') for (let i = 0; i < n; i++) out[i] *= v.values[i];
    else if (v.kind === 'matrix') for (let i = 0; i < n; i++) out[i] *= v.columns[f.level as number][i];
    else for (let i = 0; i < n; i++) if (v.codes[i] !== f.level) out[i] = 0;
  }
  return out;
}

/** fixed-basis.ts before session 12: XᵀX / n by the row loop, then its Cholesky factor. */
function oldBasis(X: Float64Array, n: number, p: number): Float64Array | null {
  const A = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const xa = X[i * p + a];
      if (xa === 0) continue;
      for (let b = 0; b <= a; b++) A[a * p + b] += xa * X[i * p + b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) A[a * p + b] /= n;
  const L = new Float64Array(p * p);
  return choleskyLower(A, p, L, 0, 1e-8) < 0 ? L : null;
}

const bits = (v: ArrayLike<number>): string[] => Array.from(v, (x) => (Object.is(x, -0) ? '-0' : String(x)));

describe('the spec built in blocks of rows', () => {
  const frame: Frame = frameFromColumns(columns(), 'blocks.csv');
  const built = buildModel(frame, FORMULA);
  const { X, names } = built.spec.fixed;
  const p = names.length;

  it('has the old per-column loop’s X, bit for bit (−0 where a negative value meets a 0 indicator included)', () => {
    const values = built.recipe.variables.map((v) => evaluateVariable(v.recipe, frame, v.label));
    built.recipe.fixed.forEach((column, j) => {
      const old = oldColumn(column, values, N);
      const got = Float64Array.from({ length: N }, (_, i) => X[i * p + j]);
      expect(bits(got), column.name).toEqual(bits(old));
    });
    expect(bits(X).includes('-0')).toBe(true); // g:b with b < 0 off its level
  });

  it('evaluates log(), scale() and I() on a compact column as on its numbers', () => {
    const at = (label: string): Float64Array => {
      const k = built.recipe.variables.findIndex((v) => v.label === label);
      const v = evaluateVariable(built.recipe.variables[k].recipe, frame, label);
      return (v as { values: Float64Array }).values;
    };
    const pos = (frame.columns.get('pos') as { values: Float64Array }).values;
    const e = (frame.columns.get('e') as { values: Int32Array }).values;
    const b = (frame.columns.get('b') as { values: Int8Array }).values;
    const scale = built.recipe.variables.find((v) => v.label === 'scale(e)')!.recipe as { center: number; scale: number };
    expect(bits(at('log(pos)'))).toEqual(bits(Array.from(pos, (x) => pm.log(x))));
    expect(bits(at('scale(e)'))).toEqual(bits(Array.from(e, (x) => (x - scale.center) / scale.scale)));
    expect(bits(at('I(b > 0)'))).toEqual(bits(Array.from(b, (x) => (x > 0 ? 1 : 0))));
  });

  it('has the old row loop’s fixed basis, bit for bit', () => {
    expect(bits(built.spec.fixedBasis!)).toEqual(bits(oldBasis(X, N, p)!));
  });

  it('is the same spec whatever storage the columns have (compact or float64)', () => {
    const wide = buildModel(frameFromColumns(asFloat64Columns(columns()), 'blocks.csv'), FORMULA);
    expect(bits(wide.spec.fixed.X)).toEqual(bits(X));
    expect(bits(wide.spec.y)).toEqual(bits(built.spec.y));
    expect(bits(wide.spec.fixedBasis!)).toEqual(bits(built.spec.fixedBasis!));
    expect(wide.priors.table).toEqual(built.priors.table);
    expect(wide.warnings).toEqual(built.warnings);
    expect(wide.recipe).toEqual(built.recipe);
  });

  it('warns of the same constant, identical and collinear columns as the row loops (a design that has each)', () => {
    const cs = columns();
    const a = (cs[1] as { values: Uint8Array }).values;
    const twin = numericColumn('twin', Int16Array.from(a));
    const zero = numericColumn('zero', new Uint8Array(N));
    const sum = numericColumn('sum', Float64Array.from(a, (x, i) => x + 2 * (cs[6] as { values: Float64Array }).values[i]));
    const m = buildModel(frameFromColumns([...cs, twin, zero, sum], 'blocks.csv'), 'y ~ a + twin + zero + f + sum');
    expect(m.warnings).toEqual([
      'predictors "a" and "twin" are identical in all 2381 rows; only the sum of their coefficients is identified',
      'predictor "zero" is 0 in all 2381 rows; the data say nothing about its coefficient (its posterior is its prior)',
      'predictors "a", "f", "sum" are collinear: sum = a + 2·f in every row (to rounding); the data identify only combinations of their coefficients, the priors the rest',
    ]);
  });
});
