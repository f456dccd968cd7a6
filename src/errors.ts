/**
 * A mistake the user can fix (bad flag, bad file, bad formula). The CLI prints its message on one line and exits 2;
 * no stack trace is shown. Messages say what was wrong and where (file, row, column, formula position).
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
