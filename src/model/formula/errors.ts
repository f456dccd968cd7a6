import { UserError } from '../../errors.js';

/** A formula mistake: `formula: <what> at position <p>: <formula>` (p is 1-based). */
export function formulaError(formula: string, position: number, what: string): UserError {
  return new UserError(`formula: ${what} at position ${position}: ${formula}`);
}
