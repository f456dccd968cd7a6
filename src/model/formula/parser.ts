/**
 * Recursive-descent parser for lme4/brms-style formulas, with R's operator precedence. Grammar (whitespace is free):
 *
 *   formula  := outcome [ '|' 'trials' '(' name ')' ] '~' sum  |  'cbind' '(' name ',' name '-' name ')' '~' sum
 *   sum      := ['-'] crossed { ('+' | '-') crossed }
 *   crossed  := inter { ('*' | '/') inter }
 *   inter    := power { ':' power }
 *   power    := primary [ '^' integer ]
 *   primary  := '1' | '0' | '(' sum ')' | '(' sum ('|' | '||') group { '/' group } ')' | 'offset' '(' var ')' | var
 *   var      := name | 'scale' '(' var ')' | 'log' '(' var ')' | 'I' '(' var op literal ')'
 *             | 'factor' '(' name ')' | 'poly' '(' var ',' ['degree' '='] integer ')'
 *   group    := gcol { ':' gcol }          gcol := name | 'factor' '(' name ')'
 *   literal  := ['-'] number | string
 *
 * Varying terms `( … | g )` and offsets `offset(var)` may only be added ('+') at the top level. The sums are expanded by R's algebra
 * (src/model/formula/expand.ts) into the AST's term lists, so the result is a syntax tree of expanded terms with
 * source spans. R formula syntax outside this grammar (`%in%`, `.`, other functions) is recognised
 * where it occurs and rejected with what to write instead (the messages are one line each).
 */
import type {
  ColumnRef,
  CompareOp,
  FormulaAst,
  GroupAtom,
  InterceptMark,
  ProductTerm,
  VarExpr,
  VaryingBlock,
} from './ast.js';
import { formulaError } from './errors.js';
import { expandTerms, type Expr } from './expand.js';
import { tokenize, type Token, type TokenKind } from './lexer.js';

const FUNCTIONS = 'scale(x), log(x), I(x op value), factor(x) and poly(x, k)';

/**
 * What to write instead of an R function nutmeg does not support, `arg` the text of its first argument. One line;
 * the generic advice (add the computed column to the data) covers every function not named here.
 */
function functionAdvice(name: string, arg: string): string {
  switch (name) {
    case 'as.factor':
      return `as.factor() is not supported; write factor(${arg}) (the column's values as categories)`;
    case 'ordered':
    case 'as.ordered':
      return `${name}() (ordered factors, polynomial contrasts) is not supported; write factor(${arg}) for treatment contrasts, or poly(${arg}, k) for a polynomial trend`;
    case 'as.numeric':
    case 'as.integer':
    case 'as.double':
    case 'numeric':
      return `${name}() is not supported: a numeric column is used as numbers already; write ${arg}`;
    case 's':
    case 'te':
    case 't2':
    case 'ti':
    case 'gp':
    case 'ns':
    case 'bs':
    case 'mo':
      return `smooth, spline and monotonic terms such as ${name}() are not supported; add basis columns computed outside nutmeg to the data`;
    case 'offset':
      return `offset() is a term of its own, added with '+' at the top level of the formula: … + offset(${arg})`;
    case 'log2':
    case 'log10':
      return `${name}() is not supported; write log(${arg}) (another base only rescales the coefficient)`;
    case 'log1p':
      return `log1p() is not supported; add a column ${arg}_1 = ${arg} + 1 to the data and write log(${arg}_1)`;
    default:
      return `function '${name}()' is not supported (formulas support ${FUNCTIONS}); add a column with ${name}(${arg}) to the data and use that`;
  }
}

/** Where a sum is parsed: the right-hand side, a varying term's left side, or parentheses around fixed terms. */
type Mode = 'top' | 'block' | 'paren';

class Parser {
  private pos = 0;
  /** For each '(' token, the index of its ')' token (the parentheses are balanced: checked first). */
  private readonly closeOf = new Map<number, number>();

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'end') this.pos++;
    return t;
  }

  private describe(t: Token): string {
    if (t.kind === 'end') return 'the end of the formula';
    if (t.kind === 'string') return `string ${JSON.stringify(t.text)}`;
    if (t.kind === 'name' && t.quoted) return `\`${t.text}\``;
    return `'${t.text}'`;
  }

  private spanText(span: { start: number; end: number }): string {
    return this.text.slice(span.start - 1, span.end - 1);
  }

  fail(t: Token, what: string): never {
    throw formulaError(this.text, t.start, what);
  }

  private expect(kind: TokenKind, what = `'${kind}'`): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t, `expected ${what} but found ${this.describe(t)}`);
    return this.next();
  }

  /** Matches every parenthesis before parsing, so an unbalanced one is reported where it is, not where parsing stops. */
  private checkParentheses(): void {
    const open: number[] = [];
    this.tokens.forEach((t, i) => {
      if (t.kind === '(') open.push(i);
      if (t.kind === ')') {
        const o = open.pop();
        if (o === undefined) this.fail(t, "unbalanced parentheses: this ')' has no '(' before it; remove it");
        this.closeOf.set(o, i);
      }
    });
    const unclosed = open.pop();
    if (unclosed !== undefined) this.fail(this.tokens[unclosed], "unbalanced parentheses: this '(' is never closed; add ')'");
  }

  parseFormula(): FormulaAst {
    this.checkParentheses();
    const first = this.peek();
    if (first.kind === 'end') this.fail(first, 'the formula is empty; write outcome ~ terms, e.g. y ~ x');
    if (first.kind === '~') this.fail(first, "no outcome before '~'; write the outcome column first, e.g. y ~ x");
    if (first.kind === 'name' && !first.quoted && this.peek(1).kind === '(') {
      if (first.text === 'cbind') return this.finishFormula(...this.cbindOutcome());
      // (log(y): the lognormal family is that model; I(y >= 4): a 0/1 column, as lme4's InstEval users write it)
      const instead = first.text === 'log' ? 'use --family lognormal, or add the computed column to the data' : 'add the computed column (a 0/1 column for a comparison) to the data';
      this.fail(first, `the outcome must be a column, not ${first.text}(…); ${instead} (or write successes | trials(n) for counts)`);
    }
    const outcome = this.column('the outcome column');
    return this.finishFormula(outcome, this.trialsAddition(outcome));
  }

  /**
   * lme4's binomial outcome `cbind(s, n - s)` (successes, failures as trials minus successes): the same model as brms's
   * `s | trials(n)`, read as that. A failures column of its own (`cbind(s, f)`) has no trials column to name, so it is
   * refused with what to add.
   */
  private cbindOutcome(): [ColumnRef, ColumnRef] {
    const cbind = this.next();
    this.next(); // '('
    const successes = this.column('the successes column of cbind(successes, failures)');
    const comma = this.peek();
    if (comma.kind !== 'other' || comma.text !== ',') {
      this.fail(comma, `expected ',' after the successes column in cbind(successes, failures) but found ${this.describe(comma)}`);
    }
    this.next();
    const trials = this.column('the trials column of cbind(successes, trials - successes)');
    const minus = this.peek();
    if (minus.kind === ')') {
      this.fail(
        cbind,
        `cbind(${successes.name}, ${trials.name}) with a failures column is not supported; add n = ${successes.name} + ${trials.name} to the data and write cbind(${successes.name}, n - ${successes.name}) or ${successes.name} | trials(n) ~ …`,
      );
    }
    if (minus.kind !== '-') this.fail(minus, `expected '-' in cbind(successes, trials - successes) but found ${this.describe(minus)}`);
    this.next();
    const again = this.column('the successes column after trials -');
    if (again.name !== successes.name) {
      this.fail(
        this.tokens[this.pos - 1],
        `cbind's failures must be the trials minus the successes column '${successes.name}', not minus '${again.name}': write cbind(${successes.name}, ${trials.name} - ${successes.name})`,
      );
    }
    this.expect(')', "')' to close cbind(successes, trials - successes)");
    if (this.peek().kind === '|') this.fail(this.peek(), "cbind(…) already gives the trials; remove '| trials(…)'");
    return [successes, trials];
  }

  /** The optional `| trials(n)` after the outcome column. */
  private trialsAddition(outcome: ColumnRef): ColumnRef | null {
    let trials: ColumnRef | null = null;
    if (this.peek().kind === '|') {
      const bar = this.next();
      const fn = this.peek();
      if (fn.kind === 'name' && !fn.quoted && fn.text !== 'trials' && this.peek(1).kind === '(') {
        // brms's other addition terms (weights, cens, se, mi, trunc, rate, …) are not modelled: say so, not only what fits
        this.fail(fn, `'${outcome.name} | ${fn.text}(…)' is not supported: the only term after '|' is trials(n), the trial counts of a binomial outcome (${outcome.name} | trials(n) ~ …)`);
      }
      if (fn.kind !== 'name' || fn.quoted || fn.text !== 'trials' || this.peek(1).kind !== '(') {
        this.fail(bar, `after '${outcome.name} |' write trials(n), n the column of trial counts: ${outcome.name} | trials(n) ~ …`);
      }
      this.next();
      this.next(); // '('
      trials = this.column('the trials column');
      this.expect(')', "')' after the trials column");
    }
    return trials;
  }

  /** From the '~' on, after the outcome (and its trials). */
  private finishFormula(outcome: ColumnRef, trials: ColumnRef | null): FormulaAst {
    const tilde = this.peek();
    if (tilde.kind !== '~') {
      if (tilde.kind === 'end') this.fail(tilde, "no '~' in the formula; write outcome ~ terms, e.g. y ~ x");
      this.fail(tilde, `expected '~' after the outcome but found ${this.describe(tilde)} (the outcome is one column)`);
    }
    this.next();
    if (this.peek().kind === 'end') this.fail(this.peek(), "nothing after '~'; write the terms, or y ~ 1 for an intercept-only model");
    const rhs = expandTerms(this.text, this.sum('top'));
    const end = this.peek();
    if (end.kind !== 'end') this.unexpectedAfterTerm(end, true);
    return { text: this.text, outcome, trials, rhs };
  }

  /** Why `t` cannot follow a term, for tokens the item loop does not handle itself. */
  private unexpectedAfterTerm(t: Token, top: boolean): never {
    if (t.kind === '~') this.fail(t, "a formula has one '~'; this is a second one");
    if (t.kind === '|' && top) this.fail(t, "'|' outside parentheses; write a varying term in parentheses: (terms | group)");
    if (t.kind === 'other' && t.text === ',') this.fail(t, "',' between terms; separate terms with '+'");
    if (t.kind === 'other') this.fail(t, `'${t.text}' is not supported between terms; separate terms with '+'`);
    this.fail(t, `expected '+' between terms${top ? ' or the end of the formula' : " or '|'"} but found ${this.describe(t)}`);
  }

  /**
   * A '+'/'-' separated sum, R's lowest precedence; `mode` says where it is: the right-hand side ('top', where varying
   * terms may appear), a varying term's left side ('block') or parentheses around fixed terms ('paren'). Stops before
   * '|', ')' or the end.
   */
  private sum(mode: Mode): Expr {
    let left: Expr | null = null;
    if (this.peek().kind === '-') {
      const minus = this.next();
      const right = this.crossed(mode);
      left = { kind: 'op', op: '-', left: null, right, at: minus.start, span: { start: minus.start, end: right.span.end } };
    } else {
      left = this.crossed(mode);
    }
    for (;;) {
      const t = this.peek();
      if (t.kind !== '+' && t.kind !== '-') return left;
      this.next();
      const right = this.crossed(mode);
      left = { kind: 'op', op: t.kind, left, right, at: t.start, span: { start: left.span.start, end: right.span.end } };
    }
  }

  /** `a * b` and `a / b` (left-associative, above '+' and below ':' as in R). */
  private crossed(mode: Mode): Expr {
    let left = this.interaction(mode);
    for (;;) {
      const t = this.peek();
      const op = t.kind === '/' ? '/' : t.kind === 'other' && t.text === '*' ? '*' : null;
      if (op === null) return left;
      this.next();
      const right = this.interaction(mode);
      left = { kind: 'op', op, left, right, at: t.start, span: { start: left.span.start, end: right.span.end } };
    }
  }

  /** `a:b:c`. */
  private interaction(mode: Mode): Expr {
    let left = this.power(mode);
    for (;;) {
      const t = this.peek();
      if (t.kind === 'other' && t.text.startsWith('%') && t.text.length > 1) {
        const after = this.peek(1);
        const right = after.kind === 'name' ? after.text : 'b';
        const leftText = this.spanText(left.span);
        this.fail(t, `'${t.text}' is not supported; write ${leftText}:${right} for the effect of ${leftText} within each level of ${right}`);
      }
      if (t.kind !== ':') return left;
      this.next();
      if (this.peek().kind === 'end') this.fail(this.peek(), "expected a column after ':' but found the end of the formula");
      const right = this.power(mode);
      left = { kind: 'op', op: ':', left, right, at: t.start, span: { start: left.span.start, end: right.span.end } };
    }
  }

  /** `(a + b)^k`, k a whole number ≥ 1. */
  private power(mode: Mode): Expr {
    const base = this.primary(mode);
    const hat = this.peek();
    if (hat.kind !== 'other' || hat.text !== '^') return base;
    this.next();
    const k = this.peek();
    if (k.kind !== 'number' || !Number.isInteger(k.value) || k.value < 1) {
      this.fail(k, `expected a whole number ≥ 1 after '^' (the highest order of interaction, as in (a + b)^2) but found ${this.describe(k)}`);
    }
    this.next();
    if (base.kind === 'var') {
      const label = this.spanText(base.span);
      this.fail(hat, `'${label}^${k.text}' is ${label} in R's formula algebra ('^' expands sums: (a + b)^2 = a + b + a:b); for a polynomial in ${label} write poly(${label}, ${k.text})`);
    }
    return { kind: 'power', base, degree: k.value, at: hat.start, span: { start: base.span.start, end: k.end } };
  }

  private primary(mode: Mode): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      if (t.value !== 0 && t.value !== 1) this.fail(t, `a number term must be 1 or 0 (the intercept), not ${t.text}`);
      return { kind: 'number', value: t.value === 1 ? 1 : 0, span: { start: t.start, end: t.end } };
    }
    if (t.kind === '(') return this.parenthesized(mode);
    if (t.kind === 'name' && !t.quoted && t.text === 'offset' && this.peek(1).kind === '(') return this.offsetCall(mode);
    if (t.kind === 'name') {
      const v = this.variable();
      return { kind: 'var', v, span: v.span };
    }
    if (t.kind === 'end') this.fail(t, "expected a term after '+' but found the end of the formula; add a term or remove the '+'");
    if (t.kind === '+') this.fail(t, "expected a term but found '+' (two '+' in a row?)");
    if (t.kind === '-') this.fail(t, "expected a term but found '-'; to remove the intercept write '- 1' without the '+' before it");
    this.fail(t, `expected a term but found ${this.describe(t)}`);
  }

  /** `( … )`: a varying term when it has a '|' of its own, otherwise parentheses grouping fixed terms. */
  private parenthesized(mode: Mode): Expr {
    const open = this.pos;
    const close = this.closeOf.get(open) as number;
    let depth = 0;
    let bar = -1;
    for (let i = open + 1; i < close && bar < 0; i++) {
      const k = this.tokens[i].kind;
      if (k === '(') depth++;
      else if (k === ')') depth--;
      else if (k === '|' && depth === 0) bar = i;
    }
    const t = this.tokens[open];
    if (bar >= 0) {
      if (mode === 'block') {
        this.fail(t, "varying terms '( … | g )' cannot be nested inside another varying term; write them side by side: (1 | g) + (1 | h)");
      }
      if (mode === 'paren') {
        this.fail(t, "a varying term '( … | g )' cannot be inside parentheses; add it to the formula with '+': … + (1 | g)");
      }
      const block = this.block();
      return { kind: 'block', block, span: block.span };
    }
    if (close === open + 1) this.fail(t, "empty parentheses '()'; a varying term is (terms | group)");
    this.next();
    const inner = this.sum(mode === 'block' ? 'block' : 'paren');
    const end = this.peek();
    if (end.kind !== ')') this.unexpectedAfterTerm(end, false);
    this.next();
    return { kind: 'paren', inner, span: { start: t.start, end: end.end } };
  }

  private block(): VaryingBlock {
    const open = this.expect('(');
    const terms = expandTerms(this.text, this.sum('block')).filter((i) => i.kind !== 'varying');
    const bar = this.peek();
    if (bar.kind !== '|') this.unexpectedAfterTerm(bar, false);
    this.next();
    // `||`: the terms' effects are independent (lme4, brms); `|`: correlated when there are two or more
    let correlated = true;
    if (this.peek().kind === '|') {
      const second = this.peek();
      if (second.start !== bar.end) this.fail(second, "write '||' without a space between the bars for independent effects, or one '|' for correlated ones");
      this.next();
      correlated = false;
    }
    const nesting: GroupAtom[] = [this.group()];
    while (this.peek().kind === '/') {
      this.next();
      nesting.push(this.group());
    }
    const after = this.peek();
    if (after.kind === '+' || (after.kind === 'other' && after.text === '*')) {
      const termsText = this.text.slice(open.end - 1, bar.start - 1).trim();
      const g = nesting.map((a) => this.spanText(a.span)).join('/');
      const h = this.peek(1).kind === 'name' ? this.peek(1).text : 'h';
      const fix =
        after.kind === '+'
          ? `(${termsText} | ${g}) + (${termsText} | ${h})`
          : `(${termsText} | ${g}) + (${termsText} | ${h}) + (${termsText} | ${g}:${h})`;
      this.fail(after, `one grouping factor per varying term: after '|' write one column (or a:b, or a/b); for crossed factors write ${fix}`);
    }
    const close = this.expect(')', "')' after the grouping factor");
    return { kind: 'varying', terms: terms as (InterceptMark | ProductTerm)[], nesting, correlated, span: { start: open.start, end: close.end } };
  }

  private group(): GroupAtom {
    const columns: ColumnRef[] = [this.groupColumn()];
    while (this.peek().kind === ':') {
      this.next();
      columns.push(this.groupColumn());
    }
    return { columns, span: { start: columns[0].span.start, end: columns[columns.length - 1].span.end } };
  }

  /** A grouping column; `factor(x)` is accepted as `x` (a grouping column is categorical already, levels by value). */
  private groupColumn(): ColumnRef {
    const t = this.peek();
    if (t.kind === 'name' && !t.quoted && (t.text === 'factor' || t.text === 'as.factor') && this.peek(1).kind === '(') {
      this.next();
      this.next();
      const column = this.column('a grouping column');
      this.expect(')', `')' after ${t.text}(${column.name}`);
      return column;
    }
    return this.column('a grouping column');
  }
  private variable(): VarExpr {
    const t = this.peek();
    if (t.kind !== 'name') {
      if (t.kind === '(') this.fail(t, "a varying term or parentheses cannot be part of an interaction ':'; write the interaction of columns, a:b");
      this.fail(t, `expected a column name but found ${this.describe(t)}`);
    }
    if (t.quoted || this.peek(1).kind !== '(') return this.column('a column name');
    const open = this.pos + 1;
    const close = this.closeOf.get(open) as number;
    if (t.text === 'factor') return this.factorCall();
    if (t.text === 'poly') return this.polyCall();
    if (t.text !== 'scale' && t.text !== 'log' && t.text !== 'I') {
      const arg = this.tokens[open + 1];
      this.fail(t, functionAdvice(t.text, arg.kind === 'name' && open + 1 < close ? arg.text : 'x'));
    }
    this.next();
    this.next(); // '('
    if (t.text === 'scale' || t.text === 'log') {
      if (this.peek().kind === ')') this.fail(this.peek(), `${t.text}() needs a column, e.g. ${t.text}(x)`);
      const arg = this.variable();
      const after = this.peek();
      if (after.kind === 'other' && after.text === ',') {
        const base = t.text === 'log' ? ' (another base only rescales the coefficient)' : '';
        this.fail(after, `${t.text}() takes one argument; write ${t.text}(${this.spanText(arg.span)})${base}`);
      }
      if (after.kind !== ')') this.fail(after, `${t.text}() takes one column or transform of one; arithmetic inside it is not supported: add the computed column to the data`);
      const closeTok = this.next();
      return { kind: t.text, arg, span: { start: t.start, end: closeTok.end } };
    }
    // I(x op value)
    const first = this.peek();
    if (first.kind === 'string' || first.kind === 'number') this.fail(first, 'put the column first in I(): I(column op value)');
    if (first.kind === ')') this.fail(first, 'I() needs a comparison, I(x op value)');
    const left = this.variable();
    const opTok = this.peek();
    if (opTok.kind !== 'op') {
      const leftText = this.spanText(left.span);
      if (opTok.kind === ')') {
        this.fail(opTok, `I(${leftText}) has no comparison; write ${leftText} for its values, or I(${leftText} == value) for a 0/1 indicator`);
      }
      if (opTok.kind === 'other' && opTok.text === '=') this.fail(opTok, "'=' is not a comparison; write '=='");
      if (opTok.kind === 'other' && opTok.text === '!') this.fail(opTok, "'!' is not a comparison; write '!=' (not equal)");
      if (opTok.kind === '+' || opTok.kind === '-' || opTok.kind === '/' || opTok.kind === 'other') {
        this.fail(
          opTok,
          `arithmetic inside I() is not supported (I() takes one comparison, I(x op value)); add the computed column to the data`,
        );
      }
      this.fail(opTok, `expected a comparison (==, !=, <, <=, >, >=) but found ${this.describe(opTok)}`);
    }
    this.next();
    const value = this.literal();
    const after = this.peek();
    if (after.kind === 'other' && after.text === '&') {
      this.fail(after, "'&' is not supported in I(); I() takes one comparison — for both conditions multiply indicators: I(a > 0):I(b < 1)");
    }
    if (after.kind === '|' || after.kind === 'op' || after.kind === 'other') {
      this.fail(after, 'I() takes one comparison, I(x op value); for both of two conditions write I(a > 0):I(b < 1)');
    }
    const closeTok = this.expect(')', "')' after the comparison");
    return { kind: 'compare', left, op: opTok.text as CompareOp, value, span: { start: t.start, end: closeTok.end } };
  }

  /** `offset(var)`, a term of the right-hand side itself (not inside parentheses or a varying term). */
  private offsetCall(mode: Mode): Expr {
    const fn = this.next();
    if (mode === 'block') this.fail(fn, "an offset cannot be part of a varying term; add it to the formula with '+': … + offset(x) + (1 | g)");
    if (mode === 'paren') this.fail(fn, "an offset cannot be inside parentheses; add it to the formula with '+': … + offset(x)");
    this.next(); // '('
    if (this.peek().kind === ')') this.fail(this.peek(), 'offset() needs a column or a transform of one, e.g. offset(log(exposure))');
    const v = this.variable();
    const after = this.peek();
    if (after.kind !== ')') {
      this.fail(after, `offset() takes one column or transform of one, e.g. offset(log(exposure)); arithmetic inside it is not supported: add the computed column to the data`);
    }
    const close = this.next();
    return { kind: 'offset', v, span: { start: fn.start, end: close.end } };
  }

  /** `factor(column)`. */
  private factorCall(): VarExpr {
    const fn = this.next();
    this.next(); // '('
    const inner = this.peek();
    if (inner.kind === ')') this.fail(inner, 'factor() needs a column, e.g. factor(x)');
    if (inner.kind === 'name' && !inner.quoted && this.peek(1).kind === '(') {
      this.fail(inner, `factor() takes a column, not ${inner.text}(…); add the computed column to the data`);
    }
    const arg = this.column('a column in factor()');
    const after = this.peek();
    if (after.kind === 'other' && after.text === ',') {
      this.fail(after, `factor() takes one argument (levels = and labels = are not supported: the levels are the values of ${arg.name}, sorted); write factor(${arg.name})`);
    }
    if (after.kind !== ')') this.fail(after, `factor() takes one column; write factor(${arg.name})`);
    const close = this.next();
    return { kind: 'factor', arg, span: { start: fn.start, end: close.end } };
  }

  /** `poly(x, k)` or `poly(x, degree = k)`: orthogonal polynomials (raw = TRUE is not supported). */
  private polyCall(): VarExpr {
    const fn = this.next();
    this.next(); // '('
    if (this.peek().kind === ')') this.fail(this.peek(), 'poly() needs a column and a degree, e.g. poly(x, 2)');
    const arg = this.variable();
    const argText = this.spanText(arg.span);
    const comma = this.peek();
    if (comma.kind !== 'other' || comma.text !== ',') {
      if (comma.kind === ')') this.fail(comma, `poly() needs a degree: write poly(${argText}, 2) for a quadratic`);
      this.fail(comma, `poly() takes a column (or transform of one) and a degree, poly(${argText}, k); arithmetic inside it is not supported`);
    }
    this.next();
    const rawAdvice = `raw polynomials (raw = TRUE) are not supported; poly(${argText}, k) spans the same columns, orthogonalised, which samples better`;
    const named = this.peek();
    if (named.kind === 'name' && this.peek(1).kind === 'other' && this.peek(1).text === '=') {
      if (named.text === 'raw') this.fail(named, rawAdvice);
      if (named.text !== 'degree') this.fail(named, `poly() takes a column and a degree, poly(${argText}, k); '${named.text} =' is not supported`);
      this.next();
      this.next();
    }
    const k = this.peek();
    if (k.kind !== 'number' || !Number.isInteger(k.value) || k.value < 1) {
      this.fail(k, `the degree of poly() must be a whole number ≥ 1, e.g. poly(${argText}, 2); found ${this.describe(k)}`);
    }
    this.next();
    const after = this.peek();
    if (after.kind === 'other' && after.text === ',') {
      const next = this.peek(1);
      if (next.kind === 'name' && next.text === 'raw') this.fail(next, rawAdvice);
      this.fail(after, `poly() takes a column and a degree, poly(${argText}, ${k.text}); other arguments are not supported`);
    }
    if (after.kind !== ')') this.fail(after, `expected ')' after the degree of poly() but found ${this.describe(after)}`);
    const close = this.next();
    return { kind: 'poly', arg, degree: k.value, span: { start: fn.start, end: close.end } };
  }

  private literal(): number | string {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return t.text;
    }
    let negative = false;
    if (t.kind === '-') {
      this.next();
      negative = true;
    }
    const num = this.peek();
    if (num.kind !== 'number') {
      if (num.kind === 'name' && !negative) {
        if (['TRUE', 'FALSE', 'T', 'F'].includes(num.text)) {
          this.fail(num, `write 1 or 0 instead of ${num.text} (a logical column holds 1 and 0)`);
        }
        this.fail(num, `compare with a number or a quoted string: write "${num.text}" in quotes for a level (comparing two columns is not supported)`);
      }
      this.fail(num, `expected a number or a quoted string but found ${this.describe(num)}`);
    }
    this.next();
    return negative ? -num.value : num.value;
  }

  private column(what: string): ColumnRef {
    const t = this.peek();
    if (t.kind !== 'name') this.fail(t, `expected ${what} but found ${this.describe(t)}`);
    if (!t.quoted && t.text === '.') {
      this.fail(t, "'.' (all other columns) is not supported; name the columns, e.g. y ~ a + b + c");
    }
    if (!t.quoted && this.peek(1).kind === '(') {
      this.fail(t, `${what} must be a column, not a function call ${t.text}(…); add the computed column to the data`);
    }
    this.next();
    return { kind: 'column', name: t.text, span: { start: t.start, end: t.end } };
  }
}

/** Parses a formula string into its syntax tree; syntax errors throw UserError with the 1-based position. */
export function parseFormula(formula: string): FormulaAst {
  const parser = new Parser(formula, tokenize(formula));
  return parser.parseFormula();
}
