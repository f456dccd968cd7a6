import { expect } from 'vitest';
import { UserError } from '../../src/errors.js';

/** The message of the UserError thrown by fn, checked to be one line; fails when fn throws nothing or another error. */
export function userErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const message = (e as UserError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UserError, nothing was thrown');
}
