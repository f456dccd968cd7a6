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
  const cases: [string, string][] = [
    ['conversion ~ treatment + (1 | g', "formula: expected ')' but found the end of the formula at position 32: conversion ~ treatment + (1 | g"],
    ['y ~ x $ z', "formula: unexpected character '$' at position 7: y ~ x $ z"],
    ['y ~ I(x = 1)', "formula: expected '==' but found '=' at position 9: y ~ I(x = 1)"],
    ['y ~ I(x ! 1)', "formula: expected '!=' but found '!' at position 9: y ~ I(x ! 1)"],
    ['y ~ `abc + x', 'formula: unterminated backquoted name at position 5: y ~ `abc + x'],
    ['y ~ `` + x', 'formula: empty backquoted name at position 5: y ~ `` + x'],
    ['y ~ I(s == "abc)', 'formula: unterminated string at position 12: y ~ I(s == "abc)'],
    ['~ x', "formula: expected the outcome column but found '~' at position 1: ~ x"],
    ['y | n ~ x', "formula: expected 'trials(' but found 'n' at position 5: y | n ~ x"],
    ['y | trials(n ~ x', "formula: expected ')' but found '~' at position 14: y | trials(n ~ x"],
    ['y x', "formula: expected '~' but found 'x' at position 3: y x"],
    ['y ~ x )', "formula: unmatched ')' at position 7: y ~ x )"],
    ['y ~ x z', "formula: expected '+' or the end of the formula but found 'z' at position 7: y ~ x z"],
    ['y ~ 2 + x', 'formula: a number term must be 1 or 0 (the intercept), not 2 at position 5: y ~ 2 + x'],
    ['y ~ a - b', "formula: only '-1' (remove the intercept) may follow '-' at position 7: y ~ a - b"],
    ['y ~ (1 + (1 | g) | h)', "formula: varying terms '( … | g )' cannot be nested at position 10: y ~ (1 + (1 | g) | h)"],
    ['y ~ + x', "formula: expected a term but found '+' at position 5: y ~ + x"],
    ['y ~', 'formula: expected a term but found the end of the formula at position 4: y ~'],
    ['y ~ (1 + x)', "formula: expected '|' but found ')' at position 11: y ~ (1 + x)"],
    ['y ~ exp(x)', "formula: unknown function 'exp()' (formulas support scale(), log() and I()) at position 5: y ~ exp(x)"],
    ['y ~ I(x)', "formula: expected a comparison (==, !=, <, <=, >, >=) but found ')' at position 8: y ~ I(x)"],
    ['y ~ I(x > z)', "formula: expected a number or a quoted string but found 'z' at position 11: y ~ I(x > z)"],
    ['y ~ (1 | )', "formula: expected a grouping column but found ')' at position 10: y ~ (1 | )"],
    ['y ~ x:', 'formula: expected a column name but found the end of the formula at position 7: y ~ x:'],
    ['y ~ scale(x', "formula: expected ')' but found the end of the formula at position 12: y ~ scale(x"],
    // term-level errors
    ['y ~ x + z + x', "formula: repeated term 'x' (also at position 5) at position 13: y ~ x + z + x"],
    ['y ~ a:b + b:a', "formula: repeated term 'a:b' (also at position 5) at position 11: y ~ a:b + b:a"],
    ['y ~ a:a', "formula: 'a' appears twice in one interaction at position 7: y ~ a:a"],
    ['y ~ (0 | g)', 'formula: varying term has no intercept and no covariate at position 5: y ~ (0 | g)'],
    ['y ~ 0', 'formula: the model has no terms (no intercept, no covariates) at position 1: y ~ 0'],
    ['y ~ (1 | a/a)', "formula: grouping column 'a' appears twice at position 12: y ~ (1 | a/a)"],
  ];
  for (const [formula, message] of cases) {
    it(formula, () => {
      expect(errorOf(formula)).toBe(message);
      expect(message).not.toContain('\n');
    });
  }
});
