/**
 * The Clopper–Pearson interval against R 4.2.2's `binom.test(k, n)$conf.int` (95%), printed with options(digits = 12).
 */
import { describe, expect, it } from 'vitest';
import { clopperPearson } from '../../src/diagnostics/binomial-interval.js';

describe('clopperPearson', () => {
  it.each([
    [13, 15, 0.595397303397, 0.98342408656],
    [0, 10, 0, 0.308497107819],
    [10, 10, 0.691502892181, 1],
    [36, 40, 0.763362600124, 0.972074584706],
    [108, 120, 0.831834787297, 0.94725221361],
  ])('%i of %i matches binom.test', (k, n, lower, upper) => {
    const [lo, hi] = clopperPearson(k, n);
    expect(lo).toBeCloseTo(lower, 10);
    expect(hi).toBeCloseTo(upper, 10);
  });

  it('gives NaN for impossible counts', () => {
    expect(clopperPearson(5, 4)).toEqual([NaN, NaN]);
    expect(clopperPearson(-1, 4)).toEqual([NaN, NaN]);
    expect(clopperPearson(1, 0)).toEqual([NaN, NaN]);
  });
});
