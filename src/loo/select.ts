/**
 * Partial sorting for PSIS: only the Pareto tail (the M + 1 smallest log-likelihood draws) needs an order; the rest
 * enters sums only. Hoare's quickselect (median-of-three pivot) moves the k smallest values to the front in O(S),
 * then only those k are sorted — O(S + k log k) instead of O(S log S).
 */
import { selectKth } from '../numeric/select.js';

/** Rearranges `a` so that a[0 … k) are its k smallest values, sorted ascending; a[k …) are the rest, unordered. */
export function partialSortSmallest(a: Float64Array, k: number): void {
  const n = a.length;
  if (k <= 0) return;
  if (k >= n) {
    a.sort();
    return;
  }
  selectKth(a, 0, n, k - 1);
  a.subarray(0, k).sort();
}
