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
    ['log(y) ~ x', 1, 'the outcome must be a column, not log(…); add the computed 0/1 column to the data (or write successes | trials(n) for counts)'],
    ['cbind(s, f) ~ x', 1, 'cbind(successes, failures) outcomes are not supported; write successes | trials(n) ~ …, with n = successes + failures a column of the data'],
    ['y ~ x ~ z', 7, "a formula has one '~'; this is a second one"],
    ['y ~ x )', 7, "unbalanced parentheses: this ')' has no '(' before it; remove it"],
    ['y ~ (x + (1|g)', 5, "unbalanced parentheses: this '(' is never closed; add ')'"],
    ['y ~ scale(x', 10, "unbalanced parentheses: this '(' is never closed; add ')'"],
    ['y ~ x z', 7, "expected '+' between terms or the end of the formula but found 'z'"],
    ['y ~ x, z', 6, "',' between terms; separate terms with '+'"],
    ['y ~ 2 + x', 5, 'a number term must be 1 or 0 (the intercept), not 2'],
    ['y ~ a - b', 7, "'-b': removing a term is not supported (only -1, which removes the intercept); leave b out of the formula"],
    ['y ~ -x', 5, "'-x': removing a term is not supported (only -1, which removes the intercept); leave x out of the formula"],
    ['y ~ x + -1', 9, "expected a term but found '-'; to remove the intercept write '- 1' without the '+' before it"],
    ['y ~ (1 + (1 | g) | h)', 10, "varying terms '( … | g )' cannot be nested inside another varying term; write them side by side: (1 | g) + (1 | h)"],
    ['y ~ + x', 5, "expected a term but found '+' (two '+' in a row?)"],
    ['y ~ x + ', 9, "expected a term after '+' but found the end of the formula; add a term or remove the '+'"],
    ['y ~', 4, "nothing after '~'; write the terms, or y ~ 1 for an intercept-only model"],
    ['y ~ .', 5, "'.' (all other columns) is not supported; name the columns, e.g. y ~ a + b + c"],
    // parentheses around fixed terms: never "nested varying terms"
    ['y ~ (1 + x)', 5, "'(1 + x)' has no '|': a varying term is (terms | group), and fixed terms are written without parentheses (1 + x)"],
    ['y ~ (x)', 5, "'(x)' has no '|': a varying term is (terms | group), and fixed terms are written without parentheses (x)"],
    ['y ~ ((x))', 5, "'((x))' has no '|': a varying term is (terms | group), and fixed terms are written without parentheses (x)"],
    ['y ~ z + ((x))', 9, "'((x))' has no '|': a varying term is (terms | group), and fixed terms are written without parentheses (x)"],
    ['y ~ (1 + (x) | g)', 10, "'(x)' has no '|': a varying term is (terms | group), and fixed terms are written without parentheses (x)"],
    ['y ~ ()', 5, "empty parentheses '()'; a varying term is (terms | group)"],
    // R operators nutmeg does not expand: what to write instead
    ['y ~ x*z', 6, "'*' (main effects and their interaction) is not supported; write x + z + x:z for x*z"],
    ['y ~ a*b*c', 6, "'*' (main effects and their interaction) is not supported; write a + b + c + a:b + a:c + b:c + a:b:c for a*b*c"],
    ['y ~ (a + b)*c', 12, "'*' (main effects and their interaction) is not supported; write the terms and interactions, e.g. a + b + c + a:c + b:c for (a + b)*c"],
    ['y ~ a/b', 6, "'/' (nesting) is only for grouping factors, as in (1 | a/b); for fixed terms write a + a:b instead of a/b"],
    ['y ~ x %in% g', 7, "'%in%' is not supported; write x:g for the effect of x within each level of g"],
    ['y ~ (a+b)^2', 10, "'^' (all interactions up to a degree) is not supported; write a + b + a:b for (a+b)^2"],
    ['y ~ (a + b + c)^2', 16, "'^' (all interactions up to a degree) is not supported; write a + b + c + a:b + a:c + b:c for (a + b + c)^2"],
    ['y ~ x^2', 6, "'^' is not supported; for the square of x add a column x_sq = x² to the data and write x + x_sq"],
    // functions
    ['y ~ poly(x, 2)', 5, 'poly() is not supported; add the powers of x to the data as columns (e.g. x_sq = x²) and write x + x_sq'],
    ['y ~ factor(x)', 5, "factor() is not supported: a column of text values is already categorical; to use a numeric column's codes as categories write x and read it with --factor x"],
    ['y ~ as.numeric(x)', 5, 'as.numeric() is not supported: a numeric column is used as numbers already; write x'],
    ['y ~ x + offset(log(n))', 9, 'offset() is not supported: nutmeg models have no offset term; leave it out (for successes out of n trials write s | trials(n) ~ …)'],
    ['y ~ exp(x)', 5, "function 'exp()' is not supported (formulas support scale(x), log(x) and I(x op value)); add a column with exp(x) to the data and use that"],
    ['y ~ sqrt(x)', 5, "function 'sqrt()' is not supported (formulas support scale(x), log(x) and I(x op value)); add a column with sqrt(x) to the data and use that"],
    ['y ~ foo(x)', 5, "function 'foo()' is not supported (formulas support scale(x), log(x) and I(x op value)); add a column with foo(x) to the data and use that"],
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
    ['y ~ (1 + x || g)', 12, "'||' is not needed: nutmeg's varying effects are always uncorrelated (independent normals per coefficient); write (1 + x | g)"],
    ['y ~ 1 | g', 7, "'|' outside parentheses; write a varying term in parentheses: (terms | group)"],
    ['y ~ (1 | g + h)', 12, "one grouping factor per varying term: after '|' write one column (or a:b, or a/b); for crossed factors write (1 | g) + (1 | h)"],
    ['y ~ (1 | g*h)', 11, "one grouping factor per varying term: after '|' write one column (or a:b, or a/b); for crossed factors write (1 | g) + (1 | h) + (1 | g:h)"],
    ['y ~ (1 | factor(g))', 10, 'a grouping column must be a column, not a function call factor(…); add the computed column to the data'],
    ['y ~ x:(1 | g)', 7, "a varying term or parentheses cannot be part of an interaction ':'; write the interaction of columns, a:b"],
    ['y ~ (1 | )', 10, "expected a grouping column but found ')'"],
    ['y ~ x:', 7, "expected a column after ':' but found the end of the formula"],
    // term-level errors
    ['y ~ x + z + x', 13, "repeated term 'x' (also at position 5)"],
    ['y ~ a:b + b:a', 11, "repeated term 'a:b' (also at position 5)"],
    ['y ~ a:a', 7, "'a' appears twice in one interaction"],
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
