/** partialSortSmallest against a full sort (reference: Float64Array.prototype.sort), ties included. */
import { describe, expect, it } from 'vitest';
import { partialSortSmallest } from '../../src/loo/select.js';
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
