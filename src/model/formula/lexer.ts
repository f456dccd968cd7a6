/**
 * Tokenizer for model formulas. Positions are 1-based character offsets into the formula string, so messages can
 * point at the exact character the user typed.
 */
import { formulaError } from './errors.js';

export type TokenKind =
  | 'name' // column or function name; `quoted` tells whether it was written in backquotes
  | 'number'
  | 'string'
  | '~'
  | '+'
  | '-'
  | ':'
  | '|'
  | '/'
  | '('
  | ')'
  | 'op' // comparison: == != < <= > >=
  | 'other' // syntax nutmeg does not support (* ^ , & %in% = !): tokenized so the parser can say what to write instead
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The token's text: the name without backquotes, the string's unescaped content, the operator itself. */
  readonly text: string;
  /** Numeric value for 'number' tokens, NaN otherwise. */
  readonly value: number;
  /** 1-based position of the first character. */
  readonly start: number;
  /** 1-based position one past the last character. */
  readonly end: number;
  readonly quoted: boolean;
}

const SINGLE: Readonly<Record<string, TokenKind>> = {
  '~': '~',
  '+': '+',
  '-': '-',
  ':': ':',
  '|': '|',
  '/': '/',
  '(': '(',
  ')': ')',
};

/** Characters of R formula syntax that nutmeg does not support; the parser explains each in context. */
const UNSUPPORTED = new Set(['*', '^', ',', '&']);

/** Typographic quotes that word processors substitute for " and '. */
const CURLY_QUOTES = new Set(['\u201c', '\u201d', '\u2018', '\u2019']);

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isNameStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '.';
}

function isNameChar(c: string): boolean {
  return isNameStart(c) || isDigit(c);
}

/** Splits `formula` into tokens, ending with one 'end' token at position length + 1. */
export function tokenize(formula: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = formula.length;
  const push = (kind: TokenKind, text: string, from: number, to: number, value = NaN, quoted = false): void => {
    tokens.push({ kind, text, value, start: from + 1, end: to + 1, quoted });
  };
  while (i < n) {
    const c = formula[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const from = i;
    if (c in SINGLE) {
      push(SINGLE[c], c, from, ++i);
      continue;
    }
    if (c === '=' || c === '!' || c === '<' || c === '>') {
      const two = formula.slice(i, i + 2);
      if (two === '==' || two === '!=' || two === '<=' || two === '>=') {
        i += 2;
        push('op', two, from, i);
      } else if (c === '<' || c === '>') {
        push('op', c, from, ++i);
      } else if (two === '=>' || two === '=<') {
        throw formulaError(formula, from + 1, `'${two}' is not a comparison; write '${two[1]}='`);
      } else {
        // a lone '=' or '!': the parser says what was meant where it occurs
        push('other', c, from, ++i);
      }
      continue;
    }
    if (isDigit(c) || (c === '.' && i + 1 < n && isDigit(formula[i + 1]))) {
      while (i < n && isDigit(formula[i])) i++;
      if (formula[i] === '.') {
        i++;
        while (i < n && isDigit(formula[i])) i++;
      }
      if (formula[i] === 'e' || formula[i] === 'E') {
        let j = i + 1;
        if (formula[j] === '+' || formula[j] === '-') j++;
        if (j < n && isDigit(formula[j])) {
          while (j < n && isDigit(formula[j])) j++;
          i = j;
        }
      }
      const text = formula.slice(from, i);
      push('number', text, from, i, Number(text));
      continue;
    }
    if (isNameStart(c)) {
      while (i < n && isNameChar(formula[i])) i++;
      push('name', formula.slice(from, i), from, i);
      continue;
    }
    if (c === '`') {
      const close = formula.indexOf('`', i + 1);
      if (close < 0) throw formulaError(formula, from + 1, 'unterminated backquoted name: the ` here is never closed');
      if (close === i + 1) throw formulaError(formula, from + 1, 'empty backquoted name');
      i = close + 1;
      push('name', formula.slice(from + 1, close), from, i, NaN, true);
      continue;
    }
    if (c === '"' || c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= n) throw formulaError(formula, from + 1, `unterminated string: the ${c} here is never closed; end the string with ${c}`);
        const d = formula[i];
        if (d === c) break;
        if (d === '\\' && i + 1 < n) {
          text += formula[i + 1];
          i += 2;
        } else {
          text += d;
          i++;
        }
      }
      i++;
      push('string', text, from, i);
      continue;
    }
    if (UNSUPPORTED.has(c)) {
      push('other', c, from, ++i);
      continue;
    }
    if (c === '%') {
      // R's %in% and other %op% operators: one token up to the closing '%'
      const close = formula.indexOf('%', i + 1);
      i = close < 0 ? i + 1 : close + 1;
      push('other', formula.slice(from, i), from, i);
      continue;
    }
    if (CURLY_QUOTES.has(c)) {
      throw formulaError(formula, from + 1, `typographic quote '${c}'; write strings in straight quotes, "…" or '…'`);
    }
    throw formulaError(
      formula,
      from + 1,
      `unexpected character '${c}'; write column names as they are, in backquotes if they contain other characters (\`my col\`)`,
    );
  }
  push('end', '', n, n);
  return tokens;
}
