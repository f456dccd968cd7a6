/**
 * Makes the DesignRecipe of a formula on a training Frame: resolves each variable against its column (numeric or
 * categorical), learns scale() centres and scales and level codings, and expands every term into design columns.
 *
 * Categorical coding follows R's model.matrix (TermCode in R's src/main/model.c, "Statistical Models in S" p. 38):
 * the terms come ordered by degree (src/model/formula/terms.ts); within a term, a categorical factor is
 * treatment-coded (first level dropped) when the term without that factor is empty or contained in a preceding term,
 * and dummy-coded with all its levels otherwise; without an intercept, the first categorical factor of the first term
 * that has one is dummy-coded. Columns of an interaction vary the first factor fastest, and are named by joining the
 * parts with ':' — a numeric part by its label, a categorical part by label + level ("channelPhone", "x:channelWeb",
 * "aB:cY", "factor(period)2"), a poly() part by label + column number ("poly(x, 2)1"; "poly(x, 1)" for one column).
 */
import type { Column, ColumnDerivation, Frame, NumericValues } from '../data/frame.js';
import { asFloat64 } from '../data/frame-build.js';
import { distinctCount, fitOrthoPoly } from '../numeric/orthopoly.js';
import { groupLabel, varLabel, type GroupAtom, type ProductTerm, type Span, type VarExpr } from './formula/ast.js';
import { formulaError } from './formula/errors.js';
import type { ModelTerms, TermList } from './formula/terms.js';
import { asFactor } from './factor.js';
import { INDEXED_MIN_COLUMNS, indexedSize, MAX_INDEXED_CELLS, type IndexedFactorPart } from './indexed-fixed.js';
import {
  evaluateVariable,
  frameColumn,
  type ColumnRecipe,
  type DerivedColumn,
  type DesignRecipe,
  type GroupRecipe,
  type IndexedTermRecipe,
  type NamedVariable,
  type VariableRecipe,
  type VaryingTermRecipe,
} from './recipe.js';
import type { Family } from './spec.js';

/** "formula term 'log(x)' at position 9" */
export function termWhere(label: string, span: Span): string {
  return `formula term '${label}' at position ${span.start}`;
}

/** A training column's derivation as a variable recipe with the constants it was made with. */
function derivedColumn(name: string, d: ColumnDerivation, frame: Frame): DerivedColumn {
  if (d.kind === 'standardize') {
    return { name, label: `scale(${d.column})`, recipe: { kind: 'scale', arg: { kind: 'numeric', column: d.column }, center: d.center, scale: d.scale } };
  }
  const source = frame.columns.get(d.column);
  if (source?.kind !== 'categorical') throw new Error(`derived column "${name}": its source "${d.column}" is not categorical`);
  return {
    name,
    label: `I(${d.column} ${d.op} ${JSON.stringify(d.level)})`,
    recipe: { kind: 'compare', arg: { kind: 'factor', column: d.column, levels: [...source.levels] }, op: d.op, value: d.level },
  };
}

/** How a variable expands into design columns: a factor's levels, a poly()'s column suffixes, or one column (null). */
type Expansion = { readonly kind: 'factor'; readonly levels: readonly string[] } | { readonly kind: 'matrix'; readonly suffixes: readonly string[] } | null;

/** One column part a factor of a term contributes: its name part, variable and level (or poly column, or null). */
interface Choice {
  readonly part: string;
  readonly variable: number;
  readonly level: number | null;
}

/** All combinations of the choices, the first factor varying fastest. */
function productColumns(choices: readonly (readonly Choice[])[]): ColumnRecipe[] {
  const out: ColumnRecipe[] = [];
  const pick = new Array<number>(choices.length).fill(0);
  for (;;) {
    const chosen = choices.map((c, j) => c[pick[j]]);
    out.push({
      name: chosen.map((c) => c.part).join(':'),
      factors: chosen.map((c) => ({ variable: c.variable, level: c.level })),
    });
    let j = 0;
    while (j < pick.length && ++pick[j] === choices[j].length) pick[j++] = 0;
    if (j === pick.length) return out;
  }
}

class RecipeMaker {
  readonly variables: NamedVariable[] = [];
  /** Derived columns the formula reads, in first-use order. */
  readonly derived: DerivedColumn[] = [];
  /** Per variable: its levels when it is a factor, its column suffixes when it is a poly(), null when numeric. */
  private readonly expansions: Expansion[] = [];
  private readonly index = new Map<string, number>();

  constructor(
    private readonly frame: Frame,
    private readonly formula: string,
    /** Fixed terms with a categorical part and more columns than this are indexed (src/model/indexed-fixed.ts). */
    private readonly indexedAbove: number,
  ) {}

  /** Index of the variable `v` in `variables`, fitting it on first use. */
  variable(v: VarExpr): number {
    const label = varLabel(v);
    const known = this.index.get(label);
    if (known !== undefined) return known;
    const recipe = this.fit(v);
    const k = this.variables.length;
    this.variables.push({ label, recipe });
    this.expansions.push(
      recipe.kind === 'factor'
        ? { kind: 'factor', levels: recipe.levels }
        : recipe.kind === 'poly'
          ? { kind: 'matrix', suffixes: recipe.degree === 1 ? [''] : Array.from({ length: recipe.degree }, (_, d) => String(d + 1)) }
          : null,
    );
    this.index.set(label, k);
    return k;
  }

  private noteDerived(name: string, column: Column): void {
    if (column.kind === 'numeric' && column.derivation && !this.derived.some((d) => d.name === name)) {
      this.derived.push(derivedColumn(name, column.derivation, this.frame));
    }
  }

  private fit(v: VarExpr): VariableRecipe {
    const where = termWhere(varLabel(v), v.span);
    switch (v.kind) {
      case 'column': {
        const column = frameColumn(this.frame, v.name, `formula column at position ${v.span.start}`);
        this.noteDerived(v.name, column);
        return column.kind === 'categorical'
          ? { kind: 'factor', column: v.name, levels: column.levels }
          : { kind: 'numeric', column: v.name };
      }
      case 'factor': {
        // a numeric column's distinct values in numeric order, named as R's factor() names them (src/model/factor.ts)
        const column = frameColumn(this.frame, v.arg.name, `formula column at position ${v.arg.span.start}`);
        this.noteDerived(v.arg.name, column);
        return { kind: 'factor', column: v.arg.name, levels: [...asFactor(column, this.frame).levels] };
      }
      case 'poly': {
        const arg = this.numericArg(v.arg, 'poly');
        const x = asFloat64((evaluateVariable(arg, this.frame, where) as { values: NumericValues }).values);
        const distinct = distinctCount(x);
        if (v.degree >= distinct) {
          throw formulaError(
            this.formula,
            v.span.start,
            `poly() of degree ${v.degree} needs more than ${v.degree} distinct values of '${varLabel(v.arg)}', which has ${distinct}; lower the degree to at most ${distinct - 1}`,
          );
        }
        const { alpha, norm2 } = fitOrthoPoly(x, v.degree);
        return { kind: 'poly', arg, degree: v.degree, alpha: [...alpha], norm2: [...norm2] };
      }
      case 'log': {
        const arg = this.numericArg(v.arg, 'log');
        const recipe: VariableRecipe = { kind: 'log', arg };
        evaluateVariable(recipe, this.frame, where); // checks every value is positive
        return recipe;
      }
      case 'scale': {
        const arg = this.numericArg(v.arg, 'scale');
        const values = evaluateVariable(arg, this.frame, where);
        const x = (values as { values: NumericValues }).values;
        const n = x.length;
        let mean = 0;
        for (let i = 0; i < n; i++) mean += x[i];
        mean /= n;
        let ss = 0;
        for (let i = 0; i < n; i++) ss += (x[i] - mean) * (x[i] - mean);
        const sd = Math.sqrt(ss / (n - 1));
        if (!(sd > 0)) {
          throw formulaError(this.formula, v.span.start, `scale() of '${varLabel(v.arg)}' which is constant (sd 0) or has fewer than 2 rows`);
        }
        return { kind: 'scale', arg, center: mean, scale: sd };
      }
      case 'compare': {
        const arg = this.fit(v.left);
        if (arg.kind === 'poly') {
          throw formulaError(this.formula, v.span.start, `I() compares one column; '${varLabel(v.left)}' has ${arg.degree} columns`);
        }
        if (arg.kind === 'factor') {
          if (typeof v.value !== 'string' || (v.op !== '==' && v.op !== '!=')) {
            throw formulaError(
              this.formula,
              v.span.start,
              `'${varLabel(v.left)}' is categorical: compare it with == or != and a quoted level`,
            );
          }
          if (!arg.levels.includes(v.value)) {
            throw formulaError(
              this.formula,
              v.span.start,
              `'${varLabel(v.left)}' has no level ${JSON.stringify(v.value)} (levels: ${arg.levels.join(', ')})`,
            );
          }
        } else if (typeof v.value !== 'number') {
          throw formulaError(this.formula, v.span.start, `'${varLabel(v.left)}' is numeric: compare it with a number`);
        }
        return { kind: 'compare', arg, op: v.op, value: v.value };
      }
    }
  }

  private numericArg(arg: VarExpr, fn: string): VariableRecipe {
    const recipe = this.fit(arg);
    if (recipe.kind === 'factor') {
      throw formulaError(this.formula, arg.span.start, `${fn}() of categorical column '${varLabel(arg)}'; it needs a numeric column`);
    }
    if (recipe.kind === 'poly') {
      throw formulaError(this.formula, arg.span.start, `${fn}() of '${varLabel(arg)}', which has ${recipe.degree} columns; it needs one numeric column`);
    }
    return recipe;
  }

  /** Index of the variable of an `offset(v)`, which must be one numeric column (not categorical, not a poly()). */
  offsetVariable(v: VarExpr): number {
    const k = this.variable(v);
    const expansion = this.expansions[k];
    if (expansion?.kind === 'factor') {
      throw formulaError(this.formula, v.span.start, `offset() of categorical column '${varLabel(v)}'; an offset needs a numeric column`);
    }
    if (expansion?.kind === 'matrix') {
      throw formulaError(this.formula, v.span.start, `offset() of '${varLabel(v)}', which has several columns; an offset needs one numeric column`);
    }
    return k;
  }

  /** Design columns of the terms of one term list (the intercept first), by R's coding rule. */
  columns(list: TermList): ColumnRecipe[] {
    return this.codedColumns(list, false).dense;
  }

  /**
   * The fixed effects: dense columns as columns(), but a term with a categorical part and more than
   * INDEXED_MIN_COLUMNS columns as a level index (src/model/indexed-fixed.ts), with its column names.
   */
  fixedColumns(list: TermList): { dense: ColumnRecipe[]; indexed: IndexedTermRecipe[] } {
    return this.codedColumns(list, true);
  }

  private codedColumns(list: TermList, allowIndexed: boolean): { dense: ColumnRecipe[]; indexed: IndexedTermRecipe[] } {
    const out: ColumnRecipe[] = [];
    const indexed: IndexedTermRecipe[] = [];
    if (list.intercept) out.push({ name: 'Intercept', factors: [] });
    // without an intercept, R codes the first categorical factor of the first term that has one by all its levels
    let forced = { term: -1, factor: -1 };
    if (!list.intercept) {
      for (let t = 0; t < list.products.length && forced.term < 0; t++) {
        const j = list.products[t].factors.findIndex((f) => this.expansions[this.variable(f)]?.kind === 'factor');
        if (j >= 0) forced = { term: t, factor: j };
      }
    }
    const preceding: Set<string>[] = [];
    list.products.forEach((product, t) => {
      const choices = this.productChoices(product, preceding, t === forced.term ? forced.factor : -1);
      preceding.push(new Set(product.factors.map(varLabel)));
      const count = choices.reduce((m, c) => m * c.length, 1);
      const categorical = product.factors.some((f) => this.expansions[this.variable(f)]?.kind === 'factor');
      if (allowIndexed && categorical && count > this.indexedAbove) {
        indexed.push(this.indexedTerm(product, choices));
        return;
      }
      // one push per column: a factor of 10^5+ levels would overflow the stack as push(...columns)
      for (const column of productColumns(choices)) out.push(column);
    });
    return { dense: out, indexed };
  }

  /** A term too wide for dense columns as a level index (src/model/indexed-fixed.ts), or a one-line error. */
  private indexedTerm(product: ProductTerm, choices: readonly (readonly Choice[])[]): IndexedTermRecipe {
    const label = product.factors.map(varLabel).join(':');
    const factors: IndexedFactorPart[] = [];
    const parts = product.factors.map((f, j) => {
      const variable = this.variable(f);
      const expansion = this.expansions[variable];
      if (expansion?.kind === 'matrix') {
        throw formulaError(
          this.formula,
          product.span.start,
          `formula term '${label}' would have ${choices.reduce((m, c) => m * c.length, 1)} columns, too many for dense columns, and a level index cannot hold its poly() part; use a factor with fewer levels or drop the term`,
        );
      }
      if (expansion?.kind !== 'factor') return { variable };
      // the choices of a factor start at level 1 when treatment coding drops the first
      const dropFirst = choices[j][0].level === 1;
      factors.push({ levels: expansion.levels, dropFirst });
      return { variable, dropFirst };
    });
    const { cells } = indexedSize(factors);
    if (cells > MAX_INDEXED_CELLS) {
      throw formulaError(
        this.formula,
        product.span.start,
        `formula term '${label}' has ${cells} cells (${factors.map((f) => f.levels.length).join(' × ')} levels), more than the ${MAX_INDEXED_CELLS} a fixed effect can index; model it as a varying term, e.g. (1 | ${product.factors.filter((f) => this.expansions[this.variable(f)]?.kind === 'factor').map(varLabel).join(':')}), or drop it`,
      );
    }
    return { label, parts };
  }

  /**
   * The choices each factor of one term contributes (name part, level or poly column, or null); `preceding` the
   * variable labels of each earlier term, `dummy` the factor that is coded by all its levels regardless (-1 for none).
   */
  private productChoices(product: ProductTerm, preceding: readonly ReadonlySet<string>[], dummy: number): Choice[][] {
    return product.factors.map((f, j) => {
      const variable = this.variable(f);
      const label = varLabel(f);
      const expansion = this.expansions[variable];
      if (!expansion) return [{ part: label, variable, level: null as number | null }];
      if (expansion.kind === 'matrix') return expansion.suffixes.map((s, k) => ({ part: label + s, variable, level: k as number | null }));
      const levels = expansion.levels;
      // R's TermCode: contrasts when the term without this factor is empty or within a preceding term
      const margin = product.factors.filter((_, i) => i !== j).map(varLabel);
      const contrasts = j !== dummy && (margin.length === 0 || preceding.some((s) => margin.every((m) => s.has(m))));
      const first = contrasts ? 1 : 0;
      if (levels.length - first === 0) {
        throw formulaError(this.formula, f.span.start, `categorical column '${label}' has a single level; drop it from the formula`);
      }
      return levels.slice(first).map((l, k) => ({ part: label + l, variable, level: (k + first) as number | null }));
    });
  }

  group(atom: GroupAtom): GroupRecipe {
    const name = groupLabel(atom);
    const views = atom.columns.map((c) =>
      asFactor(frameColumn(this.frame, c.name, `formula grouping column at position ${c.span.start}`), this.frame),
    );
    if (views.length === 1) {
      const levels = [...views[0].levels];
      return { name, columns: [atom.columns[0].name], levels, levelParts: levels.map((l) => [l]) };
    }
    // interaction of columns: the combinations that occur, first column slowest
    const n = this.frame.nRows;
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      let code = 0;
      for (const v of views) code = code * v.levels.length + v.codes[i];
      seen.add(code);
    }
    const codes = Float64Array.from(seen).sort();
    const levelParts = Array.from(codes, (code) => {
      const parts = new Array<string>(views.length);
      for (let j = views.length - 1; j >= 0; j--) {
        const size = views[j].levels.length;
        parts[j] = views[j].levels[code % size];
        code = Math.floor(code / size);
      }
      return parts;
    });
    return { name, columns: atom.columns.map((c) => c.name), levels: levelParts.map((p) => p.join(':')), levelParts };
  }
}

/** The design recipe of `terms` on the training frame. */
export function makeRecipe(frame: Frame, terms: ModelTerms, family: Family, indexedAbove = INDEXED_MIN_COLUMNS): DesignRecipe {
  const { ast } = terms;
  const maker = new RecipeMaker(frame, ast.text, indexedAbove);
  const { dense: fixed, indexed } = maker.fixedColumns(terms.fixed);
  const groups: GroupRecipe[] = [];
  const groupIndex = new Map<string, number>();
  const varying: VaryingTermRecipe[] = [];
  const seenTerms = new Map<string, Span>();
  let bars = 0;
  for (const part of terms.varying) {
    const label = groupLabel(part.group);
    let g = groupIndex.get(label);
    if (g === undefined) {
      g = groups.length;
      groups.push(maker.group(part.group));
      groupIndex.set(label, g);
    }
    const columns = maker.columns(part);
    const bar = part.correlated && columns.length >= 2 ? bars++ : -1;
    for (const column of columns) {
      const key = `${label}__${column.name}`;
      const before = seenTerms.get(key);
      if (before) {
        throw formulaError(ast.text, part.span.start, `repeated varying term '${key}' (also at position ${before.start})`);
      }
      seenTerms.set(key, part.span);
      varying.push({ group: g, term: column.name, column: column.factors.length === 0 ? null : column, ...(bar >= 0 ? { correlated: bar } : {}) });
    }
  }
  // offsets: one numeric variable each, evaluated on any frame with the recipe (a log() checks its values are positive)
  const offsets = terms.offsets.map((o) => maker.offsetVariable(o.v));
  return {
    version: 1,
    formula: ast.text,
    family,
    outcome: ast.outcome.name,
    trials: ast.trials ? ast.trials.name : null,
    variables: maker.variables,
    fixed,
    ...(indexed.length > 0 && { indexed }),
    groups,
    terms: varying,
    ...(maker.derived.length > 0 && { derived: maker.derived }),
    ...(offsets.length > 0 && { offsets }),
  };
}
