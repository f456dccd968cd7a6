/** requireSameOutcome: one-line refusals naming both models and the first difference; no refusal for equal data. */
import { describe, expect, it } from 'vitest';
import { requireSameOutcome, type OutcomeData } from '../../src/loo/same-outcome.js';
import { userErrorOf } from '../helpers/user-error.js';

const expectUserError = (fn: () => unknown, message: string): void => {
  expect(userErrorOf(fn)).toBe(message);
};

const base: OutcomeData = { model: 'a', outcome: 'y', family: 'poisson', y: Float64Array.of(1, 2, 3), trials: null };
const other = (changes: Partial<OutcomeData>): OutcomeData => ({ ...base, model: 'b', ...changes });

describe('requireSameOutcome', () => {
  it('accepts the same outcome values under another family', () => {
    expect(requireSameOutcome(base, other({ family: 'negbinomial', y: Float64Array.of(1, 2, 3) }))).toBeUndefined();
  });
  it('refuses another outcome, other rows, other values, other trials', () => {
    const tail = '; LOO compares models of the same outcome on the same rows';
    expectUserError(() => requireSameOutcome(base, other({ outcome: 'z' })), `compare: b and a model different outcomes (z and y)${tail}`);
    expectUserError(() => requireSameOutcome(base, other({ y: Float64Array.of(1, 2) })), `compare: b and a were fitted to different rows (2 and 3 rows)${tail}`);
    expectUserError(() => requireSameOutcome(base, other({ y: Float64Array.of(1, 2, 4) })), `compare: b and a were fitted to different rows (y is 4 and 3 at row 3)${tail}`);
    const binomial = { ...base, family: 'binomial', trials: Float64Array.of(5, 5, 5) };
    expectUserError(
      () => requireSameOutcome(binomial, { ...binomial, model: 'b', trials: Float64Array.of(5, 6, 5) }),
      `compare: b and a have different trials at row 2 (6 and 5)${tail}`,
    );
    expectUserError(() => requireSameOutcome(base, { ...binomial, model: 'b' }), `compare: b and a model y differently (binomial and poisson: trials per row in one only)${tail}`);
  });
});
