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
 * Nothing is evaluated: the result is a syntax tree with source spans.
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

const FUNCTIONS = 'scale(), log() and I()';

class Parser {
  private pos = 0;
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

  fail(t: Token, what: string): never {
    throw formulaError(this.text, t.start, what);
  }

  private expect(kind: TokenKind, what = `'${kind}'`): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t, `expected ${what} but found ${this.describe(t)}`);
    return this.next();
  }

  parseFormula(): FormulaAst {
    const outcome = this.column('the outcome column');
    let trials: ColumnRef | null = null;
    if (this.peek().kind === '|') {
      this.next();
      const fn = this.peek();
      if (fn.kind !== 'name' || fn.quoted || fn.text !== 'trials') this.fail(fn, `expected 'trials(' but found ${this.describe(fn)}`);
      this.next();
      this.expect('(');
      trials = this.column('the trials column');
      this.expect(')');
    }
    const tilde = this.peek();
    if (tilde.kind !== '~') {
      this.fail(tilde, `expected '~' but found ${this.describe(tilde)}`);
    }
    this.next();
    const rhs = this.items(true);
    const end = this.peek();
    if (end.kind !== 'end') {
      if (end.kind === ')') this.fail(end, "unmatched ')'");
      this.fail(end, `expected '+' or the end of the formula but found ${this.describe(end)}`);
    }
    return { text: this.text, outcome, trials, rhs };
  }

  /** A '+'/'-' separated list of items; `top` allows varying blocks. Stops before '|', ')' or the end. */
  private items(top: true): (InterceptMark | ProductTerm | VaryingBlock)[];
  private items(top: false): (InterceptMark | ProductTerm)[];
  private items(top: boolean): (InterceptMark | ProductTerm | VaryingBlock)[] {
    const out: (InterceptMark | ProductTerm | VaryingBlock)[] = [];
    let sign = this.peek().kind === '-' ? this.next() : null;
    for (;;) {
      out.push(this.item(top, sign));
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

  private item(top: boolean, minus: Token | null): InterceptMark | ProductTerm | VaryingBlock {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      if (t.value !== 0 && t.value !== 1) this.fail(t, `a number term must be 1 or 0 (the intercept), not ${t.text}`);
      const start = minus ? minus.start : t.start;
      // R's convention: +1 and -0 keep the intercept, +0 and -1 remove it
      return { kind: 'intercept', present: (t.value === 1) !== (minus !== null), span: { start, end: t.end } };
    }
    if (minus) this.fail(minus, "only '-1' (remove the intercept) may follow '-'");
    if (t.kind === '(') {
      if (!top) this.fail(t, "varying terms '( … | g )' cannot be nested");
      return this.block();
    }
    if (t.kind === 'name') return this.product();
    this.fail(t, `expected a term but found ${this.describe(t)}`);
  }

  private block(): VaryingBlock {
    const open = this.expect('(');
    const terms = this.items(false);
    const bar = this.peek();
    if (bar.kind !== '|') this.fail(bar, `expected '|' but found ${this.describe(bar)}`);
    this.next();
    const nesting: GroupAtom[] = [this.group()];
    while (this.peek().kind === '/') {
      this.next();
      nesting.push(this.group());
    }
    const close = this.expect(')', "')'");
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
      factors.push(this.variable());
    }
    return { kind: 'product', factors, span: { start: factors[0].span.start, end: factors[factors.length - 1].span.end } };
  }

  private variable(): VarExpr {
    const t = this.peek();
    if (t.kind !== 'name') this.fail(t, `expected a column name but found ${this.describe(t)}`);
    if (t.quoted || this.peek(1).kind !== '(') return this.column('a column name');
    this.next();
    this.next(); // '('
    if (t.text === 'scale' || t.text === 'log') {
      const arg = this.variable();
      const close = this.expect(')', "')'");
      return { kind: t.text, arg, span: { start: t.start, end: close.end } };
    }
    if (t.text === 'I') {
      const left = this.variable();
      const opTok = this.peek();
      if (opTok.kind !== 'op') this.fail(opTok, `expected a comparison (==, !=, <, <=, >, >=) but found ${this.describe(opTok)}`);
      this.next();
      const value = this.literal();
      const close = this.expect(')', "')'");
      return { kind: 'compare', left, op: opTok.text as CompareOp, value, span: { start: t.start, end: close.end } };
    }
    this.fail(t, `unknown function '${t.text}()' (formulas support ${FUNCTIONS})`);
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
    if (num.kind !== 'number') this.fail(num, `expected a number or a quoted string but found ${this.describe(num)}`);
    this.next();
    return negative ? -num.value : num.value;
  }

  private column(what: string): ColumnRef {
    const t = this.peek();
    if (t.kind !== 'name') this.fail(t, `expected ${what} but found ${this.describe(t)}`);
    this.next();
    return { kind: 'column', name: t.text, span: { start: t.start, end: t.end } };
  }
}

/** Parses a formula string into its syntax tree; syntax errors throw UserError with the 1-based position. */
export function parseFormula(formula: string): FormulaAst {
  const parser = new Parser(formula, tokenize(formula));
  return parser.parseFormula();
}
