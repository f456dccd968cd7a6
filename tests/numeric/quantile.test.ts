/**
 * Quantiles, median and MAD of sorted values against values worked by hand from R's definitions (`quantile(type =
 * 7)`, `median`, `mad` with constant 1.4826); the quantile by selection against the sorted one.
 */
import { describe, expect, it } from 'vitest';
import { madFromSortedDeviations, medianSorted, quantileInPlace, quantileSorted } from '../../src/numeric/quantile.js';
import { Rng } from '../../src/rng.js';

describe('quantiles (R type 7), median, MAD', () => {
  const s = (xs: number[]): Float64Array => Float64Array.from(xs).sort();
  it('type 7: h = (n − 1)p, linear between order statistics', () => {
    // R: quantile(1:10, c(0.05, 0.95)) = 1.45, 9.55; quantile(1:4, 0.1) = 1.3
    expect(quantileSorted(s([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0.05)).toBeCloseTo(1.45, 14);
    expect(quantileSorted(s([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 0.95)).toBeCloseTo(9.55, 14);
    expect(quantileSorted(s([4, 3, 2, 1]), 0.1)).toBeCloseTo(1.3, 14);
    expect(quantileSorted(s([7]), 0.3)).toBe(7);
    expect(quantileSorted(s([1, 2]), 0)).toBe(1);
    expect(quantileSorted(s([1, 2]), 1)).toBe(2);
  });
  it('median of odd and even counts', () => {
    expect(medianSorted(s([5, 1, 3]))).toBe(3);
    expect(medianSorted(s([5, 1, 3, 4]))).toBe(3.5);
  });
  it('MAD = 1.4826 · median |x − median|', () => {
    // |x − 3| for 1, 2, 3, 4, 100 is 2, 1, 0, 1, 97: median 1
    const x = [1, 2, 3, 4, 100];
    expect(madFromSortedDeviations(s(x.map((v) => Math.abs(v - 3))))).toBeCloseTo(1.4826, 14);
  });
});

describe('quantileInPlace (selection)', () => {
  it('equal quantileSorted (R type 7) for many sizes, probabilities and ties', () => {
    const rng = new Rng(5, 0);
    for (const n of [1, 2, 3, 10, 101, 1000]) {
      for (const ties of [false, true]) {
        const x = Float64Array.from({ length: n }, () => (ties ? Math.round(rng.normal() * 2) + 0 : rng.normal()));
        const sorted = Float64Array.from(x).sort();
        for (const p of [0, 0.1, 0.25, 0.5, 0.9, 0.975, 1]) {
          // pad with sentinels to check that only [from, to) is used
          const a = new Float64Array(n + 4).fill(99);
          a.set(x, 2);
          expect(quantileInPlace(a, 2, 2 + n, p)).toBe(quantileSorted(sorted, p));
          expect([a[0], a[1], a[n + 2], a[n + 3]]).toEqual([99, 99, 99, 99]);
        }
      }
    }
  });
});
