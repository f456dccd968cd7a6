/**
 * From syntax tree to model terms: resolves the intercept marks, puts the terms in R's order, and expands nested
 * grouping `(x | a/b)` into `(x | a) + (x | a:b)`. Still no data: columns are resolved by the design stage.
 */
import {
  groupLabel,
  varLabel,
  type ColumnRef,
  type FormulaAst,
  type GroupAtom,
  type InterceptMark,
  type OffsetTerm,
  type ProductTerm,
  type Span,
  type VarExpr,
} from './ast.js';
import { formulaError } from './errors.js';

/** Terms of one linear predictor part (the fixed effects, or one varying block for one grouping factor). */
export interface TermList {
  readonly intercept: boolean;
  /** Where the intercept was set explicitly (null when implicit). */
  readonly interceptSpan: Span | null;
  readonly products: readonly ProductTerm[];
}

export interface VaryingPart extends TermList {
  readonly group: GroupAtom;
  /** Written with `|` (the part's coefficients correlated, when two or more) rather than `||`. */
  readonly correlated: boolean;
  /** Span of the whole `( … | … )` block. */
  readonly span: Span;
}

export interface ModelTerms {
  readonly ast: FormulaAst;
  readonly fixed: TermList;
  readonly varying: readonly VaryingPart[];
  /** The `offset(…)` terms, summed into the linear predictor with coefficient 1 (as R, several are added). */
  readonly offsets: readonly OffsetTerm[];
}

/** Key identifying a product regardless of factor order (`a:b` is `b:a`). */
export function productKey(p: ProductTerm): string {
  return p.factors
    .map(varLabel)
    .sort()
    .join(':');
}

/**
 * The intercept (the last mark wins) and the products in R's order: each product's variables in the order they are
 * first written in the formula, and the products by degree, keeping their order within a degree (R's terms.formula). The parser
 * has already removed repeated terms.
 */
function termList(items: readonly (InterceptMark | ProductTerm)[]): TermList {
  let intercept = true;
  let interceptSpan: Span | null = null;
  const order = new Map<string, number>();
  const products: ProductTerm[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (item.kind === 'intercept') {
      intercept = item.present;
      interceptSpan = item.span;
      continue;
    }
    // a variable's rank is where it is first written (R numbers variables in the order they occur in the formula)
    for (const f of item.factors) order.set(varLabel(f), Math.min(order.get(varLabel(f)) ?? Infinity, f.span.start));
    const key = productKey(item);
    if (seen.has(key)) continue;
    seen.add(key);
    products.push(item);
  }
  const canonical = products.map((p) => ({
    ...p,
    factors: [...p.factors].sort((a, b) => (order.get(varLabel(a)) as number) - (order.get(varLabel(b)) as number)),
  }));
  // Array.prototype.sort is stable, so products of one degree keep their order
  canonical.sort((a, b) => a.factors.length - b.factors.length);
  return { intercept, interceptSpan, products: canonical };
}

function columnsOf(v: VarExpr, out: ColumnRef[]): void {
  if (v.kind === 'column') out.push(v);
  else if (v.kind === 'compare') columnsOf(v.left, out);
  else columnsOf(v.arg, out);
}

/**
 * Every data column the formula names — outcome, trials, the columns of its terms, offsets and grouping factors —
 * once each, in the order written: what a command must read of a data file to build the model.
 */
export function formulaColumns(ast: FormulaAst): string[] {
  const refs: ColumnRef[] = [ast.outcome, ...(ast.trials === null ? [] : [ast.trials])];
  const addProduct = (p: ProductTerm): void => p.factors.forEach((f) => columnsOf(f, refs));
  for (const item of ast.rhs) {
    if (item.kind === 'product') addProduct(item);
    else if (item.kind === 'offset') columnsOf(item.v, refs);
    else if (item.kind === 'varying') {
      for (const t of item.terms) if (t.kind === 'product') addProduct(t);
      for (const atom of item.nesting) refs.push(...atom.columns);
    }
  }
  return [...new Set(refs.map((r) => r.name))];
}

/**
 * The outcome (and a binomial model's trials column) may not appear on the right-hand side, in a term, inside a
 * transform or comparison, or as a grouping column: a predictor computed from the outcome predicts it perfectly, and
 * the fit would report that instead of the model the user meant.
 */
function rejectOutcomeOnRight(ast: FormulaAst): void {
  const uses: { column: ColumnRef; grouping: boolean }[] = [];
  const addProduct = (p: ProductTerm): void => {
    const cols: ColumnRef[] = [];
    for (const f of p.factors) columnsOf(f, cols);
    for (const column of cols) uses.push({ column, grouping: false });
  };
  for (const item of ast.rhs) {
    if (item.kind === 'product') addProduct(item);
    if (item.kind === 'offset') addProduct({ kind: 'product', factors: [item.v], span: item.span });
    if (item.kind !== 'varying') continue;
    for (const t of item.terms) if (t.kind === 'product') addProduct(t);
    for (const atom of item.nesting) for (const column of atom.columns) uses.push({ column, grouping: true });
  }
  const { outcome, trials } = ast;
  for (const { column, grouping } of uses) {
    const as = grouping ? 'a grouping column' : 'a predictor';
    if (column.name === outcome.name) {
      throw formulaError(
        ast.text,
        column.span.start,
        `the outcome '${outcome.name}' cannot also be ${as} (the model would predict the outcome from itself); remove it from the right of '~'`,
      );
    }
    if (trials && column.name === trials.name) {
      throw formulaError(
        ast.text,
        column.span.start,
        `the trials column '${trials.name}' is part of the outcome (${outcome.name} successes out of ${trials.name}) and cannot also be ${as}; ` +
          `remove it, or to model how the rate depends on the number of trials copy it to a column with another name and use that`,
      );
    }
  }
}

export function modelTerms(ast: FormulaAst): ModelTerms {
  rejectOutcomeOnRight(ast);
  const fixedItems: (InterceptMark | ProductTerm)[] = [];
  const varying: VaryingPart[] = [];
  const offsets: OffsetTerm[] = [];
  for (const item of ast.rhs) {
    if (item.kind === 'offset') {
      const label = varLabel(item.v);
      const before = offsets.find((o) => varLabel(o.v) === label);
      if (before) throw formulaError(ast.text, item.span.start, `offset(${label}) appears twice (also at position ${before.span.start}); write it once`);
      offsets.push(item);
      continue;
    }
    if (item.kind !== 'varying') {
      fixedItems.push(item);
      continue;
    }
    const list = termList(item.terms);
    if (!list.intercept && list.products.length === 0) {
      const g = item.nesting.map(groupLabel).join('/');
      throw formulaError(
        ast.text,
        item.span.start,
        `varying term has no intercept and no covariate; write (1 | ${g}) for a varying intercept, or (0 + x | ${g}) for a slope`,
      );
    }
    // (x | a/b/c) = (x | a) + (x | a:b) + (x | a:b:c)
    for (let depth = 1; depth <= item.nesting.length; depth++) {
      const parts = item.nesting.slice(0, depth);
      const group: GroupAtom = {
        columns: parts.flatMap((p) => p.columns),
        span: { start: parts[0].span.start, end: parts[depth - 1].span.end },
      };
      const names = new Set<string>();
      for (const c of group.columns) {
        if (names.has(c.name)) throw formulaError(ast.text, c.span.start, `grouping column '${c.name}' appears twice`);
        names.add(c.name);
      }
      varying.push({ ...list, group, correlated: item.correlated, span: item.span });
    }
  }
  const fixed = termList(fixedItems);
  if (!fixed.intercept && fixed.products.length === 0 && varying.length === 0) {
    throw formulaError(ast.text, ast.outcome.span.start, `the model has no terms (no intercept, no covariates); write ${ast.outcome.name} ~ 1 for an intercept-only model`);
  }
  return { ast, fixed, varying, offsets };
}
