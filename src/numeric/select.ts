/**
 * Rearranges a[from … to) so that position from + k holds its k-th smallest value (0-based), with no larger value
 * before it and no smaller one after it (Hoare's quickselect, median-of-three pivot). O(length) on average.
 */
export function selectKth(a: Float64Array, from: number, to: number, k: number): void {
  let lo = from;
  let hi = to - 1;
  const target = from + k;
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
        const tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return;
  }
}

/**
 * Rearranges `a` so that a[0 … k) are its k smallest values, sorted ascending; a[k …) are the rest, unordered:
 * O(n + k log k) instead of a full sort's O(n log n) (PSIS orders only the Pareto tail, src/loo/pointwise.ts).
 */
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
