// Formula parser: every construct, source positions, and every syntax error with its message.
// Reference: the lme4/brms formula conventions (R's `?formula`, lme4 `?lmer`), written out by hand below.
import { describe, expect, it } from 'vitest';
import { varLabel, type ProductTerm, type VaryingBlock } from '../../src/model/formula/ast.js';
import { tokenize } from '../../src/model/formula/lexer.js';
import { parseFormula } from '../../src/model/formula/parser.js';
import { modelTerms, productKey } from '../../src/model/formula/terms.js';
import { UserError } from '../../src/errors.js';

function errorOf(formula: string): string {
  try {
    modelTerms(parseFormula(formula));
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error(`no error for ${formula}`);
}

describe('tokenize', () => {
  it('gives 1-based positions, names, numbers, strings and operators', () => {
    const toks = tokenize('y ~ I(x >= -1.5e2) + `a b`:"s\\"q"');
    expect(toks.map((t) => [t.kind, t.text, t.start, t.end])).toEqual([
      ['name', 'y', 1, 2],
      ['~', '~', 3, 4],
      ['name', 'I', 5, 6],
      ['(', '(', 6, 7],
      ['name', 'x', 7, 8],
      ['op', '>=', 9, 11],
      ['-', '-', 12, 13],
      ['number', '1.5e2', 13, 18],
      [')', ')', 18, 19],
      ['+', '+', 20, 21],
      ['name', 'a b', 22, 27],
      [':', ':', 27, 28],
      ['string', 's"q', 28, 34],
      ['end', '', 34, 34],
    ]);
    expect(toks[7].value).toBe(150);
    expect(toks[10].quoted).toBe(true);
  });
});

describe('parseFormula', () => {
  it('parses the reference model with spans', () => {
    const f = 'conversion ~ treatment + scale(recency) + (0 + treatment | history_segment) + (1 | zip_code)';
    const ast = parseFormula(f);
    expect(ast.outcome).toEqual({ kind: 'column', name: 'conversion', span: { start: 1, end: 11 } });
    expect(ast.trials).toBeNull();
    expect(ast.rhs).toHaveLength(4);
    const [t, s, v1, v2] = ast.rhs;
    expect(t).toEqual({
      kind: 'product',
      factors: [{ kind: 'column', name: 'treatment', span: { start: 14, end: 23 } }],
      span: { start: 14, end: 23 },
    });
    const scaled = (s as ProductTerm).factors[0];
    expect(scaled.kind).toBe('scale');
    expect(scaled.span).toEqual({ start: 26, end: 40 });
    expect(f.slice(scaled.span.start - 1, scaled.span.end - 1)).toBe('scale(recency)');
    const block = v1 as VaryingBlock;
    expect(block.kind).toBe('varying');
    expect(f.slice(block.span.start - 1, block.span.end - 1)).toBe('(0 + treatment | history_segment)');
    expect(block.terms[0]).toEqual({ kind: 'intercept', present: false, span: { start: 44, end: 45 } });
    expect(block.nesting[0].columns[0].name).toBe('history_segment');
    expect(block.nesting[0].span.start).toBe(60);
    expect((v2 as VaryingBlock).terms[0]).toMatchObject({ kind: 'intercept', present: true });
  });

  it('parses the binomial form', () => {
    const ast = parseFormula('succ | trials(n) ~ x');
    expect(ast.outcome.name).toBe('succ');
    expect(ast.trials).toEqual({ kind: 'column', name: 'n', span: { start: 15, end: 16 } });
  });

  it("reads lme4's cbind(successes, trials - successes) as successes | trials(trials)", () => {
    const ast = parseFormula('cbind(succ, n - succ) ~ x');
    expect(ast.outcome).toEqual({ kind: 'column', name: 'succ', span: { start: 7, end: 11 } });
    expect(ast.trials).toEqual({ kind: 'column', name: 'n', span: { start: 13, end: 14 } });
    // the right-hand side as after the trials form padded to the same length
    expect(ast.rhs).toEqual(parseFormula('succ | trials(n)      ~ x').rhs);
  });

  it('labels transforms, comparisons and backquoted names canonically', () => {
    const ast = parseFormula("y ~ log(x) + scale(log(x)) + I(segment!='No E-Mail') + I(r <= -2) + `odd name!`");
    const labels = ast.rhs.map((t) => varLabel((t as ProductTerm).factors[0]));
    expect(labels).toEqual(['log(x)', 'scale(log(x))', 'I(segment != "No E-Mail")', 'I(r <= -2)', 'odd name!']);
  });

  it('parses every comparison operator', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
      const ast = parseFormula(`y ~ I(x ${op} 3)`);
      expect((ast.rhs[0] as ProductTerm).factors[0]).toMatchObject({ kind: 'compare', op, value: 3 });
    }
  });

  it('parses interactions in order, with the key ignoring order', () => {
    const ast = parseFormula('y ~ b:a:scale(c)');
    const p = ast.rhs[0] as ProductTerm;
    expect(p.factors.map(varLabel)).toEqual(['b', 'a', 'scale(c)']);
    expect(productKey(p)).toBe('a:b:scale(c)');
    expect(p.span).toEqual({ start: 5, end: 17 });
  });
});

describe('modelTerms', () => {
  it('resolves the intercept: default, 0, -1, +1 and R ordering', () => {
    expect(modelTerms(parseFormula('y ~ x')).fixed.intercept).toBe(true);
    expect(modelTerms(parseFormula('y ~ 0 + x')).fixed.intercept).toBe(false);
    expect(modelTerms(parseFormula('y ~ x - 1')).fixed.intercept).toBe(false);
    expect(modelTerms(parseFormula('y ~ -1 + x')).fixed.intercept).toBe(false);
    expect(modelTerms(parseFormula('y ~ 0 + x + 1')).fixed.intercept).toBe(true);
    expect(modelTerms(parseFormula('y ~ 1')).fixed).toMatchObject({ intercept: true, products: [] });
    expect(modelTerms(parseFormula('y ~ x - 1')).fixed.interceptSpan).toEqual({ start: 7, end: 10 });
  });

  it('gives varying blocks an implicit intercept, removable with 0 or -1', () => {
    const parts = modelTerms(parseFormula('y ~ (x | g) + (0 + x | g) + (-1 + x | h) + (1 + x | k) + (1 | m)')).varying;
    expect(parts.map((p) => [p.group.columns[0].name, p.intercept, p.products.length])).toEqual([
      ['g', true, 1],
      ['g', false, 1],
      ['h', false, 1],
      ['k', true, 1],
      ['m', true, 0],
    ]);
  });

  it("'|' marks a bar's coefficients correlated, '||' independent (lme4, brms), through nesting", () => {
    const parts = modelTerms(parseFormula('y ~ (1 + x | g) + (1 + x || h) + (x||k) + (1 + x | a/b)')).varying;
    expect(parts.map((p) => [p.group.columns.map((c) => c.name).join(':'), p.correlated])).toEqual([
      ['g', true],
      ['h', false],
      ['k', false],
      ['a', true],
      ['a:b', true],
    ]);
  });

  it('expands nested grouping a/b/c into a, a:b, a:b:c and keeps a:b grouping', () => {
    const parts = modelTerms(parseFormula('y ~ (1 + x | a/b/c) + (1 | d:e)')).varying;
    expect(parts.map((p) => p.group.columns.map((c) => c.name).join(':'))).toEqual(['a', 'a:b', 'a:b:c', 'd:e']);
    expect(parts[1].products.map(productKey)).toEqual(['x']);
    expect(parts[2].group.span).toEqual({ start: 14, end: 19 });
  });

  it('allows crossed grouping factors, any number', () => {
    const parts = modelTerms(parseFormula('y ~ x + (1 | a) + (1 | b) + (0 + x | c)')).varying;
    expect(parts.map((p) => p.group.columns[0].name)).toEqual(['a', 'b', 'c']);
  });
});

/** The fixed terms of a formula as R's term.labels would list them, and whether the intercept is present. */
function fixedTerms(formula: string): { intercept: boolean; labels: string[] } {
  const { fixed } = modelTerms(parseFormula(formula));
  return { intercept: fixed.intercept, labels: fixed.products.map((p) => p.factors.map(varLabel).join(':')) };
}

describe("R's formula algebra (terms.formula: term.labels written out by hand from R's rules)", () => {
  // [formula, intercept, term labels in R's order: by degree, variables in order of first appearance]
  const cases: [string, boolean, string[]][] = [
    ['y ~ a*b', true, ['a', 'b', 'a:b']],
    ['y ~ a*b*c', true, ['a', 'b', 'c', 'a:b', 'a:c', 'b:c', 'a:b:c']],
    ['y ~ (a + b + c)^2', true, ['a', 'b', 'c', 'a:b', 'a:c', 'b:c']],
    ['y ~ (a + b + c)^3', true, ['a', 'b', 'c', 'a:b', 'a:c', 'b:c', 'a:b:c']],
    ['y ~ (a + b)^1', true, ['a', 'b']],
    ['y ~ (a:b + c)^2', true, ['c', 'a:b', 'a:b:c']],
    ['y ~ (a + b)*c', true, ['a', 'b', 'c', 'a:c', 'b:c']],
    ['y ~ a*(b + c)', true, ['a', 'b', 'c', 'a:b', 'a:c']],
    ['y ~ a/b', true, ['a', 'a:b']],
    ['y ~ (a + b)/c', true, ['a', 'b', 'a:b:c']],
    ['y ~ a/b/c', true, ['a', 'a:b', 'a:b:c']],
    ['y ~ a*b - a:b', true, ['a', 'b']],
    ['y ~ a*b*c - a:b:c', true, ['a', 'b', 'c', 'a:b', 'a:c', 'b:c']],
    ['y ~ (a + b + c)^2 - b:a', true, ['a', 'b', 'c', 'a:c', 'b:c']],
    ['y ~ a*b - 1', false, ['a', 'b', 'a:b']],
    ['y ~ -1 + a*b', false, ['a', 'b', 'a:b']],
    ['y ~ 0 + a*b', false, ['a', 'b', 'a:b']],
    ['y ~ a*b + 0 + 1', true, ['a', 'b', 'a:b']],
    ['y ~ a - 1 - 0', true, ['a']],
    ['y ~ x - x', true, []],
    ['y ~ a + a', true, ['a']],
    ['y ~ a:b + b:a', true, ['a:b']],
    ['y ~ a*b + a:b', true, ['a', 'b', 'a:b']],
    ['y ~ a:(a + b)', true, ['a', 'a:b']],
    // interactions before main effects: terms sorted by degree, variables in order of first appearance
    ['y ~ b:a + a + b', true, ['a', 'b', 'b:a']],
    ['y ~ x:f + z + f', true, ['z', 'f', 'x:f']],
    ['y ~ (x + z)', true, ['x', 'z']],
    ['y ~ ((x))', true, ['x']],
    ['y ~ (1 + x)', true, ['x']],
    ['y ~ factor(p)*x + poly(z, 2)', true, ['factor(p)', 'x', 'poly(z, 2)', 'factor(p):x']],
    ['y ~ poly(z, degree = 3)', true, ['poly(z, 3)']],
    ['y ~ log(x)*I(f == "A")', true, ['log(x)', 'I(f == "A")', 'log(x):I(f == "A")']],
  ];
  for (const [formula, intercept, labels] of cases) {
    it(formula, () => {
      expect(fixedTerms(formula)).toEqual({ intercept, labels });
    });
  }

  it('gives generated terms the span of the operator expression, main effects their own', () => {
    const f = 'y ~ x + a*b';
    const products = modelTerms(parseFormula(f)).fixed.products;
    expect(products.map((p) => f.slice(p.span.start - 1, p.span.end - 1))).toEqual(['x', 'a', 'b', 'a*b']);
  });

  it('expands products inside varying terms: (1 + a*b | g), (0 + (a + b)^2 | g)', () => {
    const parts = modelTerms(parseFormula('y ~ (1 + a*b | g) + (0 + (a + b)^2 | h)')).varying;
    expect(parts.map((p) => [p.intercept, p.products.map((q) => q.factors.map(varLabel).join(':'))])).toEqual([
      [true, ['a', 'b', 'a:b']],
      [false, ['a', 'b', 'a:b']],
    ]);
  });

  it('reads factor(x) as a grouping column as x (a grouping column is categorical already)', () => {
    const parts = modelTerms(parseFormula('y ~ (1 | factor(g)) + (1 | a/factor(b))')).varying;
    expect(parts.map((p) => p.group.columns.map((c) => c.name).join(':'))).toEqual(['g', 'a', 'a:b']);
  });

  it('parses factor() and poly() as variables with their spans', () => {
    const f = 'y ~ factor(period) + poly(scale(x), 2)';
    const [fac, pol] = parseFormula(f).rhs as ProductTerm[];
    expect(fac.factors[0]).toEqual({
      kind: 'factor',
      arg: { kind: 'column', name: 'period', span: { start: 12, end: 18 } },
      span: { start: 5, end: 19 },
    });
    expect(pol.factors[0]).toMatchObject({ kind: 'poly', degree: 2, arg: { kind: 'scale' } });
    expect(f.slice(pol.span.start - 1, pol.span.end - 1)).toBe('poly(scale(x), 2)');
    expect(varLabel(pol.factors[0])).toBe('poly(scale(x), 2)');
  });
});

describe('syntax errors (UserError, 1-based position, one line)', () => {
  // [formula, position, message]: the error reads `formula '<formula>', position <p>: <message>`
  const cases: [string, number, string][] = [
    ['conversion ~ treatment + (1 | g', 26, "unbalanced parentheses: this '(' is never closed; add ')'"],
    ['y ~ x $ z', 7, "unexpected character '$'; write column names as they are, in backquotes if they contain other characters (`my col`)"],
    ['y ~ I(x = 1)', 9, "'=' is not a comparison; write '=='"],
    ['y ~ I(x => 1)', 9, "'=>' is not a comparison; write '>='"],
    ['y ~ I(x ! 1)', 9, "'!' is not a comparison; write '!=' (not equal)"],
    ['y ~ `abc + x', 5, 'unterminated backquoted name: the ` here is never closed'],
    ['y ~ `` + x', 5, 'empty backquoted name'],
    ['y ~ I(s == "abc)', 12, 'unterminated string: the " here is never closed; end the string with "'],
    ['y ~ I(s == \'abc")', 12, "unterminated string: the ' here is never closed; end the string with '"],
    ['y ~ I(s == \u201cabc\u201d)', 12, 'typographic quote \'\u201c\'; write strings in straight quotes, "…" or \'…\''],
    ['~ x', 1, "no outcome before '~'; write the outcome column first, e.g. y ~ x"],
    ['', 1, 'the formula is empty; write outcome ~ terms, e.g. y ~ x'],
    ['y', 2, "no '~' in the formula; write outcome ~ terms, e.g. y ~ x"],
    ['y | n ~ x', 3, "after 'y |' write trials(n), n the column of trial counts: y | trials(n) ~ …"],
    ['y | trials(n ~ x', 11, "unbalanced parentheses: this '(' is never closed; add ')'"],
    ['y x', 3, "expected '~' after the outcome but found 'x' (the outcome is one column)"],
    ['y + z ~ x', 3, "expected '~' after the outcome but found '+' (the outcome is one column)"],
    ['log(y) ~ x', 1, 'the outcome must be a column, not log(…); use --family lognormal, or add the computed column to the data (or write successes | trials(n) for counts)'],
    ['I(y >= 4) ~ x', 1, 'the outcome must be a column, not I(…); add the computed column (a 0/1 column for a comparison) to the data (or write successes | trials(n) for counts)'],
    // brms's addition terms other than trials
    ['y | weights(w) ~ x', 5, "'y | weights(…)' is not supported: the only term after '|' is trials(n), the trial counts of a binomial outcome (y | trials(n) ~ …)"],
    ['y | cens(c) ~ x', 5, "'y | cens(…)' is not supported: the only term after '|' is trials(n), the trial counts of a binomial outcome (y | trials(n) ~ …)"],
    // lme4's cbind(successes, failures): only as cbind(s, n - s), brms's s | trials(n)
    ['cbind(s, f) ~ x', 1, 'cbind(s, f) with a failures column is not supported; add n = s + f to the data and write cbind(s, n - s) or s | trials(n) ~ …'],
    ['cbind(s, n - t) ~ x', 14, "cbind's failures must be the trials minus the successes column 's', not minus 't': write cbind(s, n - s)"],
    ['cbind(s n) ~ x', 9, "expected ',' after the successes column in cbind(successes, failures) but found 'n'"],
    ['cbind(s, n + s) ~ x', 12, "expected '-' in cbind(successes, trials - successes) but found '+'"],
    ['cbind(s, n - s) | trials(n) ~ x', 17, "cbind(…) already gives the trials; remove '| trials(…)'"],
    ['cbind(s, log(n) - s) ~ x', 10, 'the trials column of cbind(successes, trials - successes) must be a column, not a function call log(…); add the computed column to the data'],
    ['y ~ x ~ z', 7, "a formula has one '~'; this is a second one"],
    ['y ~ x )', 7, "unbalanced parentheses: this ')' has no '(' before it; remove it"],
    ['y ~ (x + (1|g)', 5, "unbalanced parentheses: this '(' is never closed; add ')'"],
    ['y ~ scale(x', 10, "unbalanced parentheses: this '(' is never closed; add ')'"],
    ['y ~ x z', 7, "expected '+' between terms or the end of the formula but found 'z'"],
    ['y ~ x, z', 6, "',' between terms; separate terms with '+'"],
    ['y ~ 2 + x', 5, 'a number term must be 1 or 0 (the intercept), not 2'],
    ['y ~ a - b', 7, "'- b' removes nothing: b is not among the terms before it; leave '- b' out (or check the spelling)"],
    ['y ~ -x', 5, "'- x' removes nothing: x is not among the terms before it; leave '- x' out (or check the spelling)"],
    ['y ~ a*b - a:c', 9, "'- a:c' removes nothing: a:c is not among the terms before it; leave '- a:c' out (or check the spelling)"],
    ['y ~ x - (1 | g)', 7, "a varying term cannot be removed with '-'; leave it out of the formula"],
    ['y ~ x + -1', 9, "expected a term but found '-'; to remove the intercept write '- 1' without the '+' before it"],
    ['y ~ (1 + (1 | g) | h)', 10, "varying terms '( … | g )' cannot be nested inside another varying term; write them side by side: (1 | g) + (1 | h)"],
    ['y ~ + x', 5, "expected a term but found '+' (two '+' in a row?)"],
    ['y ~ x + ', 9, "expected a term after '+' but found the end of the formula; add a term or remove the '+'"],
    ['y ~', 4, "nothing after '~'; write the terms, or y ~ 1 for an intercept-only model"],
    ['y ~ .', 5, "'.' (all other columns) is not supported; name the columns, e.g. y ~ a + b + c"],
    // parentheses group fixed terms; a varying term inside them is an error
    ['y ~ x:(z + (1 | g))', 12, "a varying term '( … | g )' cannot be inside parentheses; add it to the formula with '+': … + (1 | g)"],
    ['y ~ ()', 5, "empty parentheses '()'; a varying term is (terms | group)"],
    // R operators: what is not expanded
    ['y ~ x %in% g', 7, "'%in%' is not supported; write x:g for the effect of x within each level of g"],
    ['y ~ x^2', 6, "'x^2' is x in R's formula algebra ('^' expands sums: (a + b)^2 = a + b + a:b); for a polynomial in x write poly(x, 2)"],
    ['y ~ (a + b)^0', 13, "expected a whole number ≥ 1 after '^' (the highest order of interaction, as in (a + b)^2) but found '0'"],
    ['y ~ (a + b)^z', 13, "expected a whole number ≥ 1 after '^' (the highest order of interaction, as in (a + b)^2) but found 'z'"],
    ['y ~ (a + 1)^2', 10, "the intercept (1 or 0) cannot be part of a power '^'; write it as its own term, + 1 or - 1"],
    ['y ~ a * 1', 9, "the intercept (1 or 0) cannot be part of a product '*'; write it as its own term, + 1 or - 1"],
    ['y ~ 0:a', 5, "the intercept (1 or 0) cannot be part of an interaction ':'; write it as its own term, + 1 or - 1"],
    ['y ~ (1 | g)/a', 5, "a varying term cannot be part of a nesting '/'; add it to the formula with '+': … + (1 | g)"],
    ['y ~ (a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q+r+s+t+u+v+w+x+y+z)^26', 6, 'this expands to more than 100,000 interaction terms; write the interactions you need, or a lower power'],
    ['y ~ a * (1 | g)', 9, "a varying term cannot be part of a product '*'; add it to the formula with '+': … + (1 | g)"],
    // functions
    ['y ~ poly(x)', 11, 'poly() needs a degree: write poly(x, 2) for a quadratic'],
    ['y ~ poly()', 10, 'poly() needs a column and a degree, e.g. poly(x, 2)'],
    ['y ~ poly(x, 2.5)', 13, "the degree of poly() must be a whole number ≥ 1, e.g. poly(x, 2); found '2.5'"],
    ['y ~ poly(x, 0)', 13, "the degree of poly() must be a whole number ≥ 1, e.g. poly(x, 2); found '0'"],
    ['y ~ poly(x, 2, raw = TRUE)', 16, 'raw polynomials (raw = TRUE) are not supported; poly(x, k) spans the same columns, orthogonalised, which samples better'],
    ['y ~ poly(x, raw = TRUE)', 13, 'raw polynomials (raw = TRUE) are not supported; poly(x, k) spans the same columns, orthogonalised, which samples better'],
    ['y ~ poly(x, 2, 3)', 14, 'poly() takes a column and a degree, poly(x, 2); other arguments are not supported'],
    ['y ~ poly(x + z, 2)', 12, 'poly() takes a column (or transform of one) and a degree, poly(x, k); arithmetic inside it is not supported'],
    ['y ~ factor()', 12, 'factor() needs a column, e.g. factor(x)'],
    ['y ~ factor(log(x))', 12, 'factor() takes a column, not log(…); add the computed column to the data'],
    ['y ~ factor(x, levels = 3)', 13, 'factor() takes one argument (levels = and labels = are not supported: the levels are the values of x, sorted); write factor(x)'],
    ['y ~ as.factor(x)', 5, 'as.factor() is not supported; write factor(x) (the column\'s values as categories)'],
    ['y ~ ordered(x)', 5, 'ordered() (ordered factors, polynomial contrasts) is not supported; write factor(x) for treatment contrasts, or poly(x, k) for a polynomial trend'],
    ['y ~ as.numeric(x)', 5, 'as.numeric() is not supported: a numeric column is used as numbers already; write x'],
    ['y ~ log(offset(n))', 9, "offset() is a term of its own, added with '+' at the top level of the formula: … + offset(n)"],
    ['y ~ exp(x)', 5, "function 'exp()' is not supported (formulas support scale(x), log(x), I(x op value), factor(x) and poly(x, k)); add a column with exp(x) to the data and use that"],
    ['y ~ sqrt(x)', 5, "function 'sqrt()' is not supported (formulas support scale(x), log(x), I(x op value), factor(x) and poly(x, k)); add a column with sqrt(x) to the data and use that"],
    ['y ~ foo(x)', 5, "function 'foo()' is not supported (formulas support scale(x), log(x), I(x op value), factor(x) and poly(x, k)); add a column with foo(x) to the data and use that"],
    ['y ~ log10(x)', 5, 'log10() is not supported; write log(x) (another base only rescales the coefficient)'],
    ['y ~ s(x)', 5, 'smooth, spline and monotonic terms such as s() are not supported; add basis columns computed outside nutmeg to the data'],
    ['y ~ log(x, 2)', 10, 'log() takes one argument; write log(x) (another base only rescales the coefficient)'],
    ['y ~ scale()', 11, 'scale() needs a column, e.g. scale(x)'],
    ['y ~ log(x + 1)', 11, 'log() takes one column or transform of one; arithmetic inside it is not supported: add the computed column to the data'],
    // I()
    ['y ~ I(x)', 8, 'I(x) has no comparison; write x for its values, or I(x == value) for a 0/1 indicator'],
    ['y ~ I(x > z)', 11, 'compare with a number or a quoted string: write "z" in quotes for a level (comparing two columns is not supported)'],
    ['y ~ I(x == TRUE)', 12, 'write 1 or 0 instead of TRUE (a logical column holds 1 and 0)'],
    ['y ~ I("a" == x)', 7, 'put the column first in I(): I(column op value)'],
    ['y ~ I(x^2)', 8, 'arithmetic inside I() is not supported (I() takes one comparison, I(x op value)); add the computed column to the data'],
    ['y ~ I(x > 0 & z < 1)', 13, "'&' is not supported in I(); I() takes one comparison — for both conditions multiply indicators: I(a > 0):I(b < 1)"],
    ['y ~ I()', 7, 'I() needs a comparison, I(x op value)'],
    // varying terms
    ['y ~ (1 + x | | g)', 14, "write '||' without a space between the bars for independent effects, or one '|' for correlated ones"],
    ['y ~ 1 | g', 7, "'|' outside parentheses; write a varying term in parentheses: (terms | group)"],
    ['y ~ (1 | g + h)', 12, "one grouping factor per varying term: after '|' write one column (or a:b, or a/b); for crossed factors write (1 | g) + (1 | h)"],
    ['y ~ (1 | g*h)', 11, "one grouping factor per varying term: after '|' write one column (or a:b, or a/b); for crossed factors write (1 | g) + (1 | h) + (1 | g:h)"],
    ['y ~ x:(1 | g)', 7, "a varying term cannot be part of an interaction ':'; add it to the formula with '+': … + (1 | g)"],
    ['y ~ (1 | log(g))', 10, 'a grouping column must be a column, not a function call log(…); add the computed column to the data'],
    ['y ~ (1 | )', 10, "expected a grouping column but found ')'"],
    ['y ~ x:', 7, "expected a column after ':' but found the end of the formula"],
    // term-level errors
    ['y ~ a:a', 7, "'a' appears twice in one interaction (R reads a:a as a); for a quadratic write poly(a, 2)"],
    ['y ~ (0 | g)', 5, 'varying term has no intercept and no covariate; write (1 | g) for a varying intercept, or (0 + x | g) for a slope'],
    ['y ~ 0', 1, 'the model has no terms (no intercept, no covariates); write y ~ 1 for an intercept-only model'],
    ['y ~ (1 | a/a)', 12, "grouping column 'a' appears twice"],
  ];
  for (const [formula, position, message] of cases) {
    it(formula === '' ? '(empty formula)' : formula, () => {
      const got = errorOf(formula);
      expect(got).toBe(`formula '${formula}', position ${position}: ${message}`);
      expect(got).not.toContain('\n');
      // only a varying term inside another one is called nested
      if (formula !== 'y ~ (1 + (1 | g) | h)') expect(got).not.toMatch(/nested/);
    });
  }

  it('nested grouping (1 | g1/g2/g3) is supported, not an error', () => {
    expect(modelTerms(parseFormula('y ~ (1 | g1/g2/g3)')).varying.map((v) => v.group.columns.length)).toEqual([1, 2, 3]);
  });
});

describe('the outcome on the right-hand side is an error at its position', () => {
  const predictor = "cannot also be a predictor (the model would predict the outcome from itself); remove it from the right of '~'";
  const cases: [string, number, string][] = [
    ['y ~ y + x', 5, `the outcome 'y' ${predictor}`],
    ['y ~ x + (1 | y)', 14, "the outcome 'y' cannot also be a grouping column (the model would predict the outcome from itself); remove it from the right of '~'"],
    ['y ~ x + (1 | g/y)', 16, "the outcome 'y' cannot also be a grouping column (the model would predict the outcome from itself); remove it from the right of '~'"],
    ['y ~ I(y > 0)', 7, `the outcome 'y' ${predictor}`],
    ['y ~ scale(y)', 11, `the outcome 'y' ${predictor}`],
    ['y ~ log(scale(y))', 15, `the outcome 'y' ${predictor}`],
    ['y ~ x:y', 7, `the outcome 'y' ${predictor}`],
    ['y ~ (0 + y | g)', 10, `the outcome 'y' ${predictor}`],
    ['s | trials(n) ~ x + s', 21, `the outcome 's' ${predictor}`],
    [
      's | trials(n) ~ n + x',
      17,
      "the trials column 'n' is part of the outcome (s successes out of n) and cannot also be a predictor; remove it, or to model how the rate depends on the number of trials copy it to a column with another name and use that",
    ],
    [
      's | trials(n) ~ x + (1 | n)',
      26,
      "the trials column 'n' is part of the outcome (s successes out of n) and cannot also be a grouping column; remove it, or to model how the rate depends on the number of trials copy it to a column with another name and use that",
    ],
  ];
  for (const [formula, position, message] of cases) {
    it(formula, () => {
      expect(errorOf(formula)).toBe(`formula '${formula}', position ${position}: ${message}`);
    });
  }
});
