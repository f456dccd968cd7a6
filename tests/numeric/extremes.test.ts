import { describe, expect, it } from 'vitest';
import { maxOf, minOf } from '../../src/numeric/extremes.js';

describe('maxOf / minOf', () => {
  it('match Math.max/min on small lists, skip NaN, give the fallback when empty', () => {
    expect(maxOf([3, -1, 7, 2])).toBe(7);
    expect(minOf(new Float64Array([3, -1, 7, 2]))).toBe(-1);
    expect(maxOf([NaN, 2, NaN])).toBe(2);
    expect(maxOf([], 0)).toBe(0);
    expect(minOf([NaN])).toBe(Infinity);
    expect(maxOf([-Infinity])).toBe(-Infinity);
  });

  it('take 1,000,000 values, where Math.max(...values) throws RangeError', () => {
    const values = Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 1_000_003);
    expect(() => Math.max(...values)).toThrow(RangeError);
    expect(maxOf(values)).toBe(values.reduce((a, b) => (b > a ? b : a)));
    expect(minOf(values)).toBe(0);
  });
});
