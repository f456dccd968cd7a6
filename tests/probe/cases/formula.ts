/**
 * Formulas: the outcome on the right-hand side, unknown columns and functions, syntax errors, constructs that are
 * either supported or refused by name with what to write instead (issue 14, item 2), and valid formulas that must fit.
 */
import type { CliCase, Token } from '../types.js';
import { DATA, csv, fitArgs, hasFixed, table, withCell, withColumn } from '../data.js';

const files = { 'd.csv': DATA };
const OUTCOME_RHS: Token[] = [/\by\b/, /outcome|left-hand|response/i];

function bad(name: string, formula: string, tokens: Token[]): CliCase {
  return { class: 'formula', name, files, args: fitArgs(formula), expect: 'error', tokens };
}

function good(formula: string, fixed: string[], also: string[] = [], data = DATA): CliCase {
  return { class: 'formula', name: `valid: ${formula}`, files: { 'd.csv': data }, args: fitArgs(formula), expect: 'ok', check: hasFixed(fixed, also) };
}

/**
 * A construct the issue lets nutmeg support or refuse: refused, the error names it (`tokens`); supported, the fixed
 * effects are R's.
 */
function either(formula: string, tokens: Token[], fixed: string[], also: string[] = []): CliCase {
  return { class: 'formula', name: `supported or named: ${formula}`, files, args: fitArgs(formula), expect: 'either', tokens, check: hasFixed(fixed, also) };
}

const B0 = 'b_Intercept';

export const formulaCases: CliCase[] = [
  bad('outcome as a predictor', 'y ~ y + x', OUTCOME_RHS),
  bad('outcome as a grouping factor', 'y ~ x + (1 | y)', OUTCOME_RHS),
  bad('outcome inside I()', 'y ~ x + I(y > 0)', OUTCOME_RHS),
  bad('outcome inside scale()', 'y ~ scale(y)', OUTCOME_RHS),
  bad('outcome as a varying slope', 'y ~ x + (0 + y | g)', OUTCOME_RHS),
  bad('unknown column', 'y ~ x + nosuch', ['nosuch']),
  bad('unknown grouping column', 'y ~ x + (1 | nosuch)', ['nosuch']),
  bad('misspelt column (did you mean)', 'y ~ xx', ['xx']),
  bad('empty right-hand side', 'y ~', [/right|after|~|empty|term/i]),
  bad('no outcome', '~ x', [/outcome|left/i]),
  bad('no tilde', 'y x', ['~']),
  bad('two tildes', 'y ~ x ~ z', ['~']),
  bad('unbalanced parenthesis', 'y ~ (x + z', [/paren|\(|\)/]),
  bad('extra closing parenthesis', 'y ~ x + z)', [/paren|\)/]),
  bad('unknown function', 'y ~ foo(x)', ['foo']),
  bad('bad comparison operator in I()', 'y ~ I(x >> 2)', [/position|\d|>>/]),
  bad('I() comparing a number column with a string', 'y ~ I(x == "a")', [/\bx\b/]),
  bad('I() with an unterminated string', 'y ~ I(g == "a)', [/quot|string|"/i]),
  bad('unterminated backquote', 'y ~ `x + z', [/backquote|`|quot/i]),
  bad('trials() on the right-hand side', 'y ~ trials(n)', ['trials']),
  bad('trials() of an unknown column', 's | trials(nosuch) ~ x', ['nosuch']),
  bad('successes above trials', 'n | trials(s) ~ x', [/line \d+/, /\bn\b|\bs\b/]),
  bad('trials() without successes', 'trials(n) ~ x', ['trials']),
  bad('weights() after the outcome (brms)', 'y | weights(w) ~ x', ['weights', /not supported/]),
  bad('empty grouping bar', 'y ~ x + (1 | )', [/\||group/i]),
  bad('numeric column compared with a level string', 'y ~ I(x > "b")', [/\bx\b/]),
  bad('log of a column with zero or negative values', 'y ~ log(x)', [/\bx\b/, /line \d+|row \d+|positive|≤ ?0|<= ?0/]),
  bad('a categorical column inside scale()', 'y ~ scale(g)', [/\bg\b/]),
  bad('a number as the outcome', '1 ~ x', [/outcome|left|1/i]),
  either('y ~ ((x))', ['(('], [B0, 'b_x']),
  either('y ~ (x)', ['('], [B0, 'b_x']),
  either('y ~ x*z', ['*'], [B0, 'b_x', 'b_z', 'b_x:z']),
  either('y ~ x/z', ['/'], [B0, 'b_x', 'b_x:z']),
  either('y ~ (x + z)^2', ['^'], [B0, 'b_x', 'b_z', 'b_x:z']),
  either('y ~ poly(x, 2)', ['poly'], [B0, 'b_poly(x, 2)1', 'b_poly(x, 2)2']),
  either('y ~ factor(n)', ['factor'], [B0, 'b_factor(n)2', 'b_factor(n)3', 'b_factor(n)4', 'b_factor(n)5']),
  either('y ~ x + offset(log(e))', ['offset'], [B0, 'b_x']),
  either('y ~ x + z - x', ['-'], [B0, 'b_z']),
  either('y ~ exp(x)', ['exp'], [B0, 'b_exp(x)']),
  either('y ~ x^2', ['^'], [B0, 'b_x']),
  either('y ~ I(x^2)', ['^'], [B0, 'b_I(x^2)']),
  either('y ~ x + (1 + x || g)', ['||'], [B0, 'b_x'], ['sd_g__Intercept', 'sd_g__x']),
  either('y ~ .', ['.'], [B0, 'b_x', 'b_z', 'b_gb', 'b_gc', 'b_gd', 'b_hh2', 'b_hh3', 'b_hh4', 'b_hh5', 'b_hh6', 'b_n', 'b_s', 'b_e', 'b_w']),
  either('y ~ x + (1 | g:h)', [':'], [B0, 'b_x'], ['sd_g:h__Intercept']),
  good('y ~ x', [B0, 'b_x']),
  good('y ~ 1', [B0]),
  good('y ~ 0 + x', ['b_x']),
  good('y ~ -1 + x', ['b_x']),
  good('y ~ x + z', [B0, 'b_x', 'b_z']),
  good('y ~ g', [B0, 'b_gb', 'b_gc', 'b_gd']),
  good('y ~ x:z', [B0, 'b_x:z']),
  good('y ~ x + (1 | g)', [B0, 'b_x'], ['sd_g__Intercept', 'r_g__Intercept[']),
  // lme4: (x | g) alone adds no fixed slope
  good('y ~ (x | g)', [B0], ['sd_g__Intercept', 'sd_g__x']),
  good('y ~ x + (0 + x | g)', [B0, 'b_x'], ['sd_g__x']),
  good('y ~ x + (1 | g) + (1 | h)', [B0, 'b_x'], ['sd_g__Intercept', 'sd_h__Intercept']),
  good('y ~ x + (1 | g/h)', [B0, 'b_x'], ['sd_g__Intercept']),
  good('y ~ scale(x)', [B0, 'b_scale(x)']),
  good('y ~ log(z)', [B0, 'b_log(z)']),
  good('y ~ I(g == "a")', [B0, 'b_I(g == "a")']),
  good('y ~ x + I(z > 2)', [B0, 'b_x', 'b_I(z > 2)']),
  good('y ~ `my var`', [B0, 'b_my var'], [], csv(withColumn(table(), 'my var', (r) => r[1]))),
  good('s | trials(n) ~ x', [B0, 'b_x']),
  good('y~x', [B0, 'b_x']),
  good('  y  ~  x  +  z  ', [B0, 'b_x', 'b_z']),
  {
    class: 'formula',
    name: 'log(x) naming the row with x ≤ 0',
    files: { 'd.csv': csv(withCell(table(), 4, 'z', '-1')) },
    args: fitArgs('y ~ log(z)'),
    expect: 'error',
    tokens: [/\bz\b/, /line 6\b/],
  },
  {
    class: 'formula',
    name: 'formula longer than 10,000 characters',
    files,
    args: fitArgs('y ~ ' + Array.from({ length: 2000 }, () => 'x').join(' + ')),
    expect: 'either',
    tokens: [/\bx\b|long|repeat/i],
    check: hasFixed([B0, 'b_x']),
  },
];
