/** selectKth and partialSortSmallest against a full sort (reference: Float64Array.prototype.sort), ties included. */
import { describe, expect, it } from 'vitest';
import { partialSortSmallest, selectKth } from '../../src/numeric/select.js';
import { Rng } from '../../src/rng.js';

describe('partialSortSmallest', () => {
  it('puts the k smallest first in order and keeps the rest (random data with many ties)', () => {
    const rng = new Rng(4);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + rng.int(300);
      const ties = trial % 3 === 0;
      const a = Float64Array.from({ length: n }, () => (ties ? rng.int(7) : rng.normal()));
      const k = rng.int(n + 2);
      const sorted = a.slice().sort();
      partialSortSmallest(a, k);
      const m = Math.min(k, n);
      expect(Array.from(a.subarray(0, m))).toEqual(Array.from(sorted.subarray(0, m)));
      expect(Array.from(a.slice(m).sort())).toEqual(Array.from(sorted.subarray(m)));
    }
  });
});

describe('selectKth', () => {
  it('selectKth puts the k-th order statistic in place with the partition property', () => {
    const rng = new Rng(6, 0);
    const x = Float64Array.from({ length: 500 }, () => rng.normal());
    const sorted = Float64Array.from(x).sort();
    for (const k of [0, 1, 249, 498, 499]) {
      const a = Float64Array.from(x);
      selectKth(a, 0, a.length, k);
      expect(a[k]).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(a[k]);
      for (let i = k + 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[k]);
    }
  });
});
