/**
 * Recursive-descent parser for lme4/brms-style formulas. Grammar (whitespace is free):
 *
 *   formula  := outcome [ '|' 'trials' '(' name ')' ] '~' rhs
 *   rhs      := item { ('+' | '-') item }          with '-' allowed only before 1 or 0
 *   item     := '1' | '0' | '(' block ')' | product
 *   block    := blockItem { ('+' | '-') blockItem } '|' group { '/' group }
 *   product  := var { ':' var }
 *   var      := name | 'scale' '(' var ')' | 'log' '(' var ')' | 'I' '(' var op literal ')'
 *   group    := name { ':' name }
 *   literal  := ['-'] number | string
 *
 * Nothing is evaluated: the result is a syntax tree with source spans. R formula syntax outside this grammar (`*`,
 * `^`, `/` between fixed terms, `%in%`, `.`, `||`, parentheses around fixed terms, other functions) is recognised
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
import { tokenize, type Token, type TokenKind } from './lexer.js';

const FUNCTIONS = 'scale(x), log(x) and I(x op value)';

type Item = InterceptMark | ProductTerm | VaryingBlock;

/**
 * What to write instead of an R function nutmeg does not support, `arg` the text of its first argument. One line;
 * the generic advice (add the computed column to the data) covers every function not named here.
 */
function functionAdvice(name: string, arg: string): string {
  switch (name) {
    case 'factor':
    case 'as.factor':
    case 'ordered':
    case 'as.ordered':
      return `${name}() is not supported: a column of text values is already categorical; to use a numeric column's codes as categories write ${arg} and read it with --factor ${arg}`;
    case 'as.numeric':
    case 'as.integer':
    case 'as.double':
    case 'numeric':
      return `${name}() is not supported: a numeric column is used as numbers already; write ${arg}`;
    case 'poly':
      return `poly() is not supported; add the powers of ${arg} to the data as columns (e.g. ${arg}_sq = ${arg}²) and write ${arg} + ${arg}_sq`;
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
      return 'offset() is not supported: nutmeg models have no offset term; leave it out (for successes out of n trials write s | trials(n) ~ …)';
    case 'log2':
    case 'log10':
      return `${name}() is not supported; write log(${arg}) (another base only rescales the coefficient)`;
    case 'log1p':
      return `log1p() is not supported; add a column ${arg}_1 = ${arg} + 1 to the data and write log(${arg}_1)`;
    default:
      return `function '${name}()' is not supported (formulas support ${FUNCTIONS}); add a column with ${name}(${arg}) to the data and use that`;
  }
}

/** All products of a non-empty subset of `parts` with at most `maxOrder` parts, lowest order first: a*b*c, (a+b)^2. */
function expandInteractions(parts: readonly string[], maxOrder: number): string {
  const terms: string[][] = [];
  const m = parts.length;
  for (let mask = 1; mask < 1 << m; mask++) {
    const chosen = parts.filter((_, j) => (mask >> j) & 1);
    if (chosen.length <= maxOrder) terms.push(chosen);
  }
  terms.sort((a, b) => a.length - b.length);
  return terms.map((t) => t.join(':')).join(' + ');
}

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

  /** The formula's text from token i to token j inclusive. */
  private source(i: number, j: number): string {
    return this.text.slice(this.tokens[i].start - 1, this.tokens[j].end - 1);
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
      if (first.text === 'cbind') {
        this.fail(first, 'cbind(successes, failures) outcomes are not supported; write successes | trials(n) ~ …, with n = successes + failures a column of the data');
      }
      this.fail(first, `the outcome must be a column, not ${first.text}(…); add the computed 0/1 column to the data (or write successes | trials(n) for counts)`);
    }
    const outcome = this.column('the outcome column');
    let trials: ColumnRef | null = null;
    if (this.peek().kind === '|') {
      const bar = this.next();
      const fn = this.peek();
      if (fn.kind !== 'name' || fn.quoted || fn.text !== 'trials' || this.peek(1).kind !== '(') {
        this.fail(bar, `after '${outcome.name} |' write trials(n), n the column of trial counts: ${outcome.name} | trials(n) ~ …`);
      }
      this.next();
      this.next(); // '('
      trials = this.column('the trials column');
      this.expect(')', "')' after the trials column");
    }
    const tilde = this.peek();
    if (tilde.kind !== '~') {
      if (tilde.kind === 'end') this.fail(tilde, "no '~' in the formula; write outcome ~ terms, e.g. y ~ x");
      this.fail(tilde, `expected '~' after the outcome but found ${this.describe(tilde)} (the outcome is one column)`);
    }
    this.next();
    if (this.peek().kind === 'end') this.fail(this.peek(), "nothing after '~'; write the terms, or y ~ 1 for an intercept-only model");
    const rhs = this.items(true);
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

  /** A '+'/'-' separated list of items; `top` allows varying blocks. Stops before '|', ')' or the end. */
  private items(top: true): Item[];
  private items(top: false): (InterceptMark | ProductTerm)[];
  private items(top: boolean): Item[] {
    const out: Item[] = [];
    let sign = this.peek().kind === '-' ? this.next() : null;
    for (;;) {
      const item = this.item(top, sign);
      out.push(item);
      this.rejectOperatorAfter(item);
      const t = this.peek();
      if (t.kind === '+') {
        this.next();
        sign = null;
      } else if (t.kind === '-') {
        sign = this.next();
      } else {
        return out;
      }
    }
  }

  /** `*`, `^`, `/` and `%in%` after an item (R's crossing, powers and nesting): says what to write instead. */
  private rejectOperatorAfter(item: Item): void {
    const op = this.peek();
    if (op.kind === 'other' && op.text === '*') {
      // collect the operands a*b*c when each is a plain product, to spell out the expansion
      const operands = item.kind === 'product' ? [this.spanText(item.span)] : [];
      while (operands.length > 0 && this.peek().kind === 'other' && this.peek().text === '*') {
        this.next();
        if (this.peek().kind !== 'name') operands.length = 0;
        else operands.push(this.spanText(this.product().span));
      }
      const fix =
        operands.length > 1 && operands.length <= 4
          ? `write ${expandInteractions(operands, operands.length)} for ${operands.join('*')}`
          : 'write the main effects and the interactions, e.g. a + b + a:b for a*b';
      this.fail(op, `'*' (main effects and their interaction) is not supported; ${fix}`);
    }
    if (op.kind === 'other' && op.text === '^') {
      const base = item.kind === 'product' ? this.spanText(item.span) : 'x';
      this.fail(op, `'^' is not supported; for the square of ${base} add a column ${base}_sq = ${base}² to the data and write ${base} + ${base}_sq`);
    }
    if (op.kind === '/') {
      const left = item.kind === 'product' ? this.spanText(item.span) : 'a';
      const after = this.peek(1);
      const right = after.kind === 'name' ? after.text : 'b';
      this.fail(op, `'/' (nesting) is only for grouping factors, as in (1 | ${left}/${right}); for fixed terms write ${left} + ${left}:${right} instead of ${left}/${right}`);
    }
    if (op.kind === 'other' && op.text.startsWith('%') && op.text.length > 1) {
      const left = item.kind === 'product' ? this.spanText(item.span) : 'a';
      const after = this.peek(1);
      const right = after.kind === 'name' ? after.text : 'b';
      this.fail(op, `'${op.text}' is not supported; write ${left}:${right} for the effect of ${left} within each level of ${right}`);
    }
  }

  /** When the tokens between `open` and `close` are `a + b + …` of plain column names: the names; else null. */
  private sumInParentheses(open: number, close: number): string[] | null {
    const names: string[] = [];
    for (let i = open + 1; i < close; i += 2) {
      const t = this.tokens[i];
      if (t.kind !== 'name') return null;
      names.push(t.quoted ? `\`${t.text}\`` : t.text);
      if (i + 1 < close && this.tokens[i + 1].kind !== '+') return null;
    }
    return names.length > 0 ? names : null;
  }

  private item(top: boolean, minus: Token | null): Item {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      if (t.value !== 0 && t.value !== 1) this.fail(t, `a number term must be 1 or 0 (the intercept), not ${t.text}`);
      const start = minus ? minus.start : t.start;
      // R's convention: +1 and -0 keep the intercept, +0 and -1 remove it
      return { kind: 'intercept', present: (t.value === 1) !== (minus !== null), span: { start, end: t.end } };
    }
    if (minus) {
      const what = t.kind === 'name' ? `'-${t.text}'` : "'-'";
      const drop = t.kind === 'name' ? `leave ${t.text} out of the formula` : 'leave the term out of the formula';
      this.fail(minus, `${what}: removing a term is not supported (only -1, which removes the intercept); ${drop}`);
    }
    if (t.kind === '(') return this.parenthesized(top);
    if (t.kind === 'name') return this.product();
    if (t.kind === 'end') this.fail(t, "expected a term after '+' but found the end of the formula; add a term or remove the '+'");
    if (t.kind === '+') this.fail(t, "expected a term but found '+' (two '+' in a row?)");
    if (t.kind === '-') this.fail(t, "expected a term but found '-'; to remove the intercept write '- 1' without the '+' before it");
    this.fail(t, `expected a term but found ${this.describe(t)}`);
  }

  /** `( … )` as a term: a varying block when it has a '|' of its own, otherwise parentheses around fixed terms. */
  private parenthesized(top: boolean): Item {
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
    if (bar < 0) {
      // strip redundant layers, ((x)) → x, to show what to write
      let a = open;
      let b = close;
      while (this.tokens[a + 1].kind === '(' && this.closeOf.get(a + 1) === b - 1) {
        a++;
        b--;
      }
      const after = this.tokens[close + 1];
      const inner = b - a > 1 ? this.source(a + 1, b - 1) : '';
      if (inner === '') this.fail(t, "empty parentheses '()'; a varying term is (terms | group)");
      if (after.kind === 'other' && after.text === '^') {
        const exponent = this.tokens[close + 2];
        const k = exponent.kind === 'number' && Number.isInteger(exponent.value) && exponent.value >= 1 ? exponent.value : 2;
        const names = this.sumInParentheses(a, b);
        const fix = names
          ? `write ${expandInteractions(names, k)} for ${this.source(open, close)}^${k}`
          : 'write the terms and their interactions, e.g. a + b + a:b for (a + b)^2';
        this.fail(after, `'^' (all interactions up to a degree) is not supported; ${fix}`);
      }
      if (after.kind === 'other' && after.text === '*') {
        this.fail(after, "'*' (main effects and their interaction) is not supported; write the terms and interactions, e.g. a + b + c + a:c + b:c for (a + b)*c");
      }
      this.fail(t, `'${this.source(open, close)}' has no '|': a varying term is (terms | group), and fixed terms are written without parentheses (${inner})`);
    }
    if (!top) this.fail(t, "varying terms '( … | g )' cannot be nested inside another varying term; write them side by side: (1 | g) + (1 | h)");
    return this.block();
  }

  private block(): VaryingBlock {
    const openIndex = this.pos;
    const open = this.expect('(');
    const terms = this.items(false);
    const bar = this.peek();
    if (bar.kind !== '|') this.unexpectedAfterTerm(bar, false);
    this.next();
    if (this.peek().kind === '|') {
      const second = this.peek();
      const close = this.tokens[this.closeOf.get(openIndex) as number];
      const termsText = this.text.slice(open.end - 1, bar.start - 1).trim();
      const groupText = this.text.slice(second.end - 1, close.start - 1).trim();
      this.fail(
        bar,
        `'||' is not needed: nutmeg's varying effects are always uncorrelated (independent normals per coefficient); write (${termsText} | ${groupText})`,
      );
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
    return { kind: 'varying', terms, nesting, span: { start: open.start, end: close.end } };
  }

  private group(): GroupAtom {
    const columns: ColumnRef[] = [this.column('a grouping column')];
    while (this.peek().kind === ':') {
      this.next();
      columns.push(this.column('a grouping column'));
    }
    return { columns, span: { start: columns[0].span.start, end: columns[columns.length - 1].span.end } };
  }

  private product(): ProductTerm {
    const factors: VarExpr[] = [this.variable()];
    while (this.peek().kind === ':') {
      this.next();
      if (this.peek().kind === 'end') this.fail(this.peek(), "expected a column after ':' but found the end of the formula");
      factors.push(this.variable());
    }
    return { kind: 'product', factors, span: { start: factors[0].span.start, end: factors[factors.length - 1].span.end } };
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
