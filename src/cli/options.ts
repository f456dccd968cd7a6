/** Parsing of numeric and enumerated command-line values, with one-line errors naming the flag. */
import { groupedInteger } from '../report/integer-text.js';
import { UserError } from '../errors.js';
import type { IntRange } from '../fit/bounds.js';

const DECIMAL_DIGITS = /^[0-9]+$/;

/**
 * A whole number written in decimal digits only: no sign, exponent ("1e3"), hex ("0x10"), fraction, spaces,
 * "Infinity" or "NaN" — a count or a seed that is not exactly what was typed is refused rather than rounded. The
 * error names the flag, the accepted range and the text given.
 */
export function intInRange(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = DECIMAL_DIGITS.test(text) ? Number(text) : NaN;
  if (!(v >= min && v <= max)) {
    const top = max === Number.MAX_SAFE_INTEGER ? `${max} (2^53−1)` : groupedInteger(max);
    throw new UserError(`${flag} must be a whole number from ${groupedInteger(min)} to ${top}, in decimal digits; got "${text}"`);
  }
  return v;
}

/** intInRange with a range from src/fit/bounds.ts. */
export function intIn(flag: string, text: string, range: IntRange): number {
  return intInRange(flag, text, range.min, range.max);
}

export function positiveInt(flag: string, text: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  return intInRange(flag, text, min, max);
}

export function nonNegativeInt(flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number {
  return intInRange(flag, text, 0, max);
}

export function probability(flag: string, text: string): number {
  const v = Number(text);
  if (!(v > 0 && v < 1)) throw new UserError(`${flag} must be a number strictly between 0 and 1, got "${text}"`);
  return v;
}

export function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) {
    throw new UserError(`${flag} must be one of ${choices.join(', ')}, got "${text}"`);
  }
  return text as T;
}

/** Commander collector for repeatable flags (--prior a --prior b). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
