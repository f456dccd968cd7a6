import { UserError } from '../../errors.js';

/**
 * A formula mistake: `formula '<formula>', position <p>: <what>` (p is 1-based). The position comes before the
 * message so that a message ending in advice ("…; write a + b + a:b") is not read as pointing at the position. The
 * formula is shown as typed, in single quotes (formulas quote strings with double quotes, which would need escaping).
 */
export function formulaError(formula: string, position: number, what: string): UserError {
  return new UserError(`formula '${formula}', position ${position}: ${what}`);
}
