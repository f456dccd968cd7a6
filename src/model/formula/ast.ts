/**
 * Syntax tree of a model formula. Every node carries its source span (1-based start, end one past the last
 * character) so later stages can point at the term a data problem comes from.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface ColumnRef {
  readonly kind: 'column';
  readonly name: string;
  readonly span: Span;
}

/** A single variable: a column, a transform of one, or a 0/1 comparison. */
export type VarExpr =
  | ColumnRef
  | { readonly kind: 'scale'; readonly arg: VarExpr; readonly span: Span }
  | { readonly kind: 'log'; readonly arg: VarExpr; readonly span: Span }
  /** `factor(x)`: the column's distinct values as categories (a numeric column's levels in numeric order, as R). */
  | { readonly kind: 'factor'; readonly arg: ColumnRef; readonly span: Span }
  /** `poly(x, k)`: R's orthogonal polynomials of degree 1..k, k design columns. */
  | { readonly kind: 'poly'; readonly arg: VarExpr; readonly degree: number; readonly span: Span }
  | {
      readonly kind: 'compare';
      readonly left: VarExpr;
      readonly op: CompareOp;
      readonly value: number | string;
      readonly span: Span;
    };

/** `1`, `0` (after `+`) or `-1`: sets whether the intercept is present. */
export interface InterceptMark {
  readonly kind: 'intercept';
  readonly present: boolean;
  readonly span: Span;
}

/** A product of variables `a:b:c` (one variable for a main effect). */
export interface ProductTerm {
  readonly kind: 'product';
  readonly factors: readonly VarExpr[];
  readonly span: Span;
}

/** One grouping factor: a column or an interaction of columns (`a:b`). */
export interface GroupAtom {
  readonly columns: readonly ColumnRef[];
  readonly span: Span;
}

/** `( terms | g )` or `( terms || g )`; `g` may be nested `a/b` (parts in nesting order). */
export interface VaryingBlock {
  readonly kind: 'varying';
  readonly terms: readonly (InterceptMark | ProductTerm)[];
  readonly nesting: readonly GroupAtom[];
  /** `|`: the terms' effects are correlated (when there are two or more); `||`: independent. */
  readonly correlated: boolean;
  readonly span: Span;
}

/**
 * `offset(v)`: a known per-row term added to the linear predictor with coefficient 1 (R's offset()); `v` is one numeric
 * variable, e.g. `log(exposure)`. Only at the top level of the right-hand side, joined with '+'.
 */
export interface OffsetTerm {
  readonly kind: 'offset';
  readonly v: VarExpr;
  readonly span: Span;
}

export interface FormulaAst {
  readonly text: string;
  readonly outcome: ColumnRef;
  /** The `trials(n)` column of a binomial formula, or null. */
  readonly trials: ColumnRef | null;
  readonly rhs: readonly (InterceptMark | ProductTerm | VaryingBlock | OffsetTerm)[];
}

/** Canonical text of a variable, used as its label in parameter names: `scale(recency)`, `I(segment != "No E-Mail")`. */
export function varLabel(v: VarExpr): string {
  switch (v.kind) {
    case 'column':
      return v.name;
    case 'scale':
      return `scale(${varLabel(v.arg)})`;
    case 'log':
      return `log(${varLabel(v.arg)})`;
    case 'factor':
      return `factor(${varLabel(v.arg)})`;
    case 'poly':
      // R deparses the call this way: poly(x, 2)
      return `poly(${varLabel(v.arg)}, ${v.degree})`;
    case 'compare':
      return `I(${varLabel(v.left)} ${v.op} ${typeof v.value === 'string' ? JSON.stringify(v.value) : String(v.value)})`;
  }
}

/** Label of a grouping factor: `zip_code`, `a:b`. */
export function groupLabel(g: GroupAtom): string {
  return g.columns.map((c) => c.name).join(':');
}
