/**
 * Quantiles, median and MAD of sorted draws, with the definitions R uses (and so R posterior's summaries), and the
 * type-7 quantile of an unsorted range by selection (per-row intervals in scoring).
 */
import { selectKth } from './select.js';

/**
 * Quantile of type 7 (Hyndman & Fan 1996, definition 7; R's `quantile` default): with h = (n − 1)·p, interpolate
 * linearly between the ⌊h⌋-th and ⌈h⌉-th order statistics (0-based). Written as R writes it, (1 − γ)·x_lo + γ·x_hi.
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const qlo = sorted[lo];
  const gamma = h - lo;
  if (gamma > 0 && sorted[hi] !== qlo) return (1 - gamma) * qlo + gamma * sorted[hi];
  return qlo;
}

/** Median of sorted values (R's `median`: the mean of the two middle values when n is even). */
export function medianSorted(sorted: Float64Array): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const half = n >>> 1;
  return n % 2 === 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/** R's scale constant for the MAD, 1/Φ⁻¹(3/4) rounded as `stats::mad` rounds it: a consistent estimator of σ for normal draws. */
export const MAD_CONSTANT = 1.4826;

/** Median absolute deviation from the median, scaled by 1.4826 (R's `mad`), from the sorted absolute deviations. */
export function madFromSortedDeviations(sortedDeviations: Float64Array): number {
  return MAD_CONSTANT * medianSorted(sortedDeviations);
}

/**
 * Quantile of type 7 (R's default; the same arithmetic as quantileSorted) of a[from … to),
 * found by selection; reorders that range.
 */
export function quantileInPlace(a: Float64Array, from: number, to: number, prob: number): number {
  const n = to - from;
  if (n === 0) return NaN;
  const h = (n - 1) * prob;
  const lo = Math.floor(h);
  selectKth(a, from, to, lo);
  const qlo = a[from + lo];
  const gamma = h - lo;
  if (gamma === 0) return qlo;
  // the next order statistic is the smallest value after position lo
  let qhi = Infinity;
  for (let i = from + lo + 1; i < to; i++) if (a[i] < qhi) qhi = a[i];
  return qhi !== qlo ? (1 - gamma) * qlo + gamma * qhi : qlo;
}
