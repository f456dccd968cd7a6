import { describe, expect, it } from 'vitest';
import { pooledSuccessRate, totalTrials } from '../../src/numeric/success-rate.js';

describe('pooled success rate (closed form: Σ y / Σ trials)', () => {
  it('bernoulli rows: the mean of y', () => {
    expect(pooledSuccessRate(Float64Array.of(1, 0, 0, 1, 1), null)).toBe(3 / 5);
    expect(totalTrials(5, null)).toBe(5);
  });
  it('binomial rows: successes over trials, not the mean of the row rates', () => {
    // rows 2/4 and 1/16: pooled 3/20 = 0.15 (the mean of the row rates would be 0.28125)
    expect(pooledSuccessRate(Float64Array.of(2, 1), Float64Array.of(4, 16))).toBe(3 / 20);
    expect(totalTrials(2, Float64Array.of(4, 16))).toBe(20);
  });
  it('no trials: 0', () => {
    expect(pooledSuccessRate(new Float64Array(0), null)).toBe(0);
    expect(pooledSuccessRate(Float64Array.of(0), Float64Array.of(0))).toBe(0);
  });
});
