/**
 * R's formula algebra on a parsed right-hand side: `+` joins term lists, `-` removes terms (or the intercept), `:`
 * interacts every term of the left with every term of the right, `a * b` is `a + b + a:b`, `a / b` is
 * `a + (all of a):b`, `(…)^k` crosses a sum with itself k times, and repeated terms collapse to one (`a + a` is `a`).
 * The rules follow R's terms.formula (src/main/model.c in R: PlusTerms, DeleteTerms, InteractTerms, CrossTerms,
 * NestTerms, PowerTerms, TrimRepeats), with one difference made on purpose: removing a term the model does not have is
 * an error here (R ignores it silently, which hides typos).
 */
import { groupedInteger } from '../../report/integer-text.js';
import { varLabel, type InterceptMark, type OffsetTerm, type ProductTerm, type Span, type VarExpr, type VaryingBlock } from './ast.js';
import { formulaError } from './errors.js';
import { productKey } from './terms.js';

/** A right-hand-side expression as written, before expansion. */
export type Expr =
  | { readonly kind: 'number'; readonly value: 0 | 1; readonly span: Span }
  | { readonly kind: 'var'; readonly v: VarExpr; readonly span: Span }
  | { readonly kind: 'block'; readonly block: VaryingBlock; readonly span: Span }
  | { readonly kind: 'offset'; readonly v: VarExpr; readonly span: Span }
  | { readonly kind: 'paren'; readonly inner: Expr; readonly span: Span }
  | {
      readonly kind: 'op';
      readonly op: '+' | '-' | ':' | '*' | '/';
      /** Null for a leading `-` (`y ~ -1 + x`). */
      readonly left: Expr | null;
      readonly right: Expr;
      /** Position of the operator. */
      readonly at: number;
      readonly span: Span;
    }
  | { readonly kind: 'power'; readonly base: Expr; readonly degree: number; readonly at: number; readonly span: Span };

export type Item = InterceptMark | ProductTerm | VaryingBlock | OffsetTerm;

/** Most products one interaction may form before repeats are removed: (a + … + z)^26 would make 2^26 terms. */
const MAX_PRODUCTS = 100_000;

const OPERATOR_NAMES: Readonly<Record<string, string>> = {
  ':': "an interaction ':'",
  '*': "a product '*'",
  '/': "a nesting '/'",
  '^': "a power '^'",
};

/** Drops repeated products (the first occurrence stays), as R's TrimRepeats. */
function dedupe(items: readonly Item[]): Item[] {
  const seen = new Set<string>();
  const out: Item[] = [];
  for (const item of items) {
    if (item.kind === 'product') {
      const key = productKey(item);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(item);
  }
  return out;
}

class Expander {
  constructor(private readonly formula: string) {}

  private fail(position: number, what: string): never {
    throw formulaError(this.formula, position, what);
  }

  expand(e: Expr): Item[] {
    switch (e.kind) {
      case 'number':
        return [{ kind: 'intercept', present: e.value === 1, span: e.span }];
      case 'var':
        return [{ kind: 'product', factors: [e.v], span: e.v.span }];
      case 'block':
        return [e.block];
      case 'offset':
        return [{ kind: 'offset', v: e.v, span: e.span }];
      case 'paren':
        return this.expand(e.inner);
      case 'power': {
        const base = this.products(e.base, '^');
        let result = base;
        for (let i = 1; i < e.degree; i++) result = this.interact(result, base);
        return result;
      }
      case 'op':
        return this.operator(e);
    }
  }

  private operator(e: Extract<Expr, { kind: 'op' }>): Item[] {
    switch (e.op) {
      case '+':
        return dedupe([...this.expand(e.left as Expr), ...this.expand(e.right)]);
      case '-':
        return this.remove(e.left === null ? [] : this.expand(e.left), e.right, e.at);
      case ':': {
        const left = this.products(e.left as Expr, ':');
        const right = this.products(e.right, ':');
        if (left.length === 1 && right.length === 1 && e.left?.kind === 'var' && e.right.kind === 'var') {
          const label = varLabel(e.left.v);
          // R reads x:x as x; someone who writes it means a square, so say so instead of dropping it silently
          if (label === varLabel(e.right.v)) {
            this.fail(e.right.span.start, `'${label}' appears twice in one interaction (R reads ${label}:${label} as ${label}); for a quadratic write poly(${label}, 2)`);
          }
        }
        return this.interact(left, right);
      }
      case '*': {
        const left = this.products(e.left as Expr, '*');
        const right = this.products(e.right, '*');
        return dedupe([...left, ...right, ...this.interact(left, right)]);
      }
      case '/': {
        const left = this.products(e.left as Expr, '/');
        const right = this.products(e.right, '/');
        // every variable of the left side, as one term: (a + b)/c = a + b + a:b:c (R's NestTerms)
        const all = left.reduce((acc, p) => this.join(acc, p));
        return dedupe([...left, ...this.interact([all], right)]);
      }
    }
  }

  /** `left - right`: right's products leave left; `- 1` and `- 0` flip the intercept. */
  private remove(left: Item[], rightExpr: Expr, minusAt: number): Item[] {
    let out = [...left];
    for (const item of this.expand(rightExpr)) {
      if (item.kind === 'intercept') {
        out.push({ kind: 'intercept', present: !item.present, span: { start: minusAt, end: item.span.end } });
      } else if (item.kind === 'varying') {
        this.fail(minusAt, "a varying term cannot be removed with '-'; leave it out of the formula");
      } else if (item.kind === 'offset') {
        this.fail(minusAt, "an offset cannot be removed with '-'; leave it out of the formula");
      } else {
        const key = productKey(item);
        const label = item.factors.map(varLabel).join(':');
        const kept = out.filter((i) => i.kind !== 'product' || productKey(i) !== key);
        if (kept.length === out.length) {
          this.fail(minusAt, `'- ${label}' removes nothing: ${label} is not among the terms before it; leave '- ${label}' out (or check the spelling)`);
        }
        out = kept;
      }
    }
    return out;
  }

  /** The products of an operand of `op`; numbers (the intercept) and varying terms cannot be operands. */
  private products(e: Expr, op: string): ProductTerm[] {
    const out: ProductTerm[] = [];
    for (const item of this.expand(e)) {
      if (item.kind === 'intercept') {
        this.fail(item.span.start, `the intercept (1 or 0) cannot be part of ${OPERATOR_NAMES[op]}; write it as its own term, + 1 or - 1`);
      }
      if (item.kind === 'varying') {
        this.fail(item.span.start, `a varying term cannot be part of ${OPERATOR_NAMES[op]}; add it to the formula with '+': … + (1 | g)`);
      }
      if (item.kind === 'offset') {
        this.fail(item.span.start, `an offset cannot be part of ${OPERATOR_NAMES[op]}; add it to the formula with '+': … + offset(log(exposure))`);
      }
      out.push(item);
    }
    return out;
  }

  /** One product with the variables of `a` and those of `b` not already in `a` (bitwise OR in R). */
  private join(a: ProductTerm, b: ProductTerm): ProductTerm {
    const labels = new Set(a.factors.map(varLabel));
    const factors = [...a.factors, ...b.factors.filter((f) => !labels.has(varLabel(f)))];
    return {
      kind: 'product',
      factors,
      span: { start: Math.min(a.span.start, b.span.start), end: Math.max(a.span.end, b.span.end) },
    };
  }

  /** Every product of a term of `left` with a term of `right`, repeats removed (R's InteractTerms). */
  private interact(left: readonly ProductTerm[], right: readonly ProductTerm[]): ProductTerm[] {
    if (left.length * right.length > MAX_PRODUCTS) {
      const at = Math.min(left[0].span.start, right[0].span.start);
      this.fail(at, `this expands to more than ${groupedInteger(MAX_PRODUCTS)} interaction terms; write the interactions you need, or a lower power`);
    }
    const out: Item[] = [];
    for (const l of left) for (const r of right) out.push(this.join(l, r));
    return dedupe(out) as ProductTerm[];
  }
}

/** The terms of a right-hand side (or of a varying term's left side) in R's algebra. */
export function expandTerms(formula: string, e: Expr): Item[] {
  return new Expander(formula).expand(e);
}
