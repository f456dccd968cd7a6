/**
 * Highest-density interval as ArviZ defines it (`arviz.hdi`, Kumar et al. 2019): among the intervals
 * [x₍ᵢ₎, x₍ᵢ₊ₖ₎] of the sorted draws with k = ⌊prob·n⌋ (so each holds k + 1 ≥ ⌈prob·n⌉ draws), the narrowest;
 * the first one on ties. For unimodal posteriors it estimates the shortest interval of probability `prob`.
 */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Default HDI probability, ArviZ's 94% (so as not to suggest a 95% test). */
export const DEFAULT_HDI_PROB = 0.94;

export function hdi(sorted: Float64Array, prob: number = DEFAULT_HDI_PROB): Interval {
  if (!(prob > 0 && prob < 1)) throw new RangeError(`hdi: probability must be in (0, 1), got ${prob}`);
  const n = sorted.length;
  if (n === 0) return { low: NaN, high: NaN };
  const k = Math.floor(prob * n);
  let best = 0;
  let bestWidth = Infinity;
  for (let i = 0; i + k < n; i++) {
    const w = sorted[i + k] - sorted[i];
    if (w < bestWidth) {
      bestWidth = w;
      best = i;
    }
  }
  return { low: sorted[best], high: sorted[best + k] };
}
