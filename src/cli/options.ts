/** Parsing of numeric and enumerated command-line values, with one-line errors naming the flag. */
import { UserError } from '../errors.js';

export function positiveInt(flag: string, text: string, min = 1): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) throw new UserError(`${flag} must be a whole number ≥ ${min}, got "${text}"`);
  return v;
}

export function nonNegativeInt(flag: string, text: string): number {
  return positiveInt(flag, text, 0);
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
