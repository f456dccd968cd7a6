/**
 * Partial sorting for PSIS: only the Pareto tail (the M + 1 smallest log-likelihood draws) needs an order; the rest
 * enters sums only. Hoare's quickselect (median-of-three pivot) moves the k smallest values to the front in O(S),
 * then only those k are sorted — O(S + k log k) instead of O(S log S).
 */

/** Rearranges `a` so that a[0 … k) are its k smallest values, sorted ascending; a[k …) are the rest, unordered. */
export function partialSortSmallest(a: Float64Array, k: number): void {
  const n = a.length;
  if (k <= 0) return;
  if (k >= n) {
    a.sort();
    return;
  }
  const target = k - 1;
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    // a[lo … j] ≤ pivot, a[j+1 … i-1] = pivot, a[i … hi] ≥ pivot
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  a.subarray(0, k).sort();
}
