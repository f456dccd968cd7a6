/**
 * Rank normalization (Vehtari et al. 2021, section 4.1, eq. 14): replace each draw by its rank among all draws
 * (ties get their average rank, so discrete quantities keep their distinct values), then map rank r of S draws to
 * Φ⁻¹((r − 3/8)/(S − 3/4 + 1)), Blom's (1958) fractional offset c = 3/8 — R posterior's `z_scale`.
 */
import type { ChainDraws } from './chains.js';
import { splitChains, splitOrder, withValues } from './chains.js';
import { normalQuantile } from './normal-quantile.js';
import type { SortedDraws } from './sort.js';
import { sortDraws } from './sort.js';

const BLOM_OFFSET = 3 / 8;

/** Rank-normalized values, given the ascending order of the values (from `sortDraws` or `splitOrder`). */
export function zScale(values: Float64Array, order: Uint32Array): Float64Array {
  const s = order.length;
  const z = new Float64Array(values.length);
  const denominator = s - 2 * BLOM_OFFSET + 1;
  let start = 0;
  while (start < s) {
    const v = values[order[start]];
    let end = start + 1;
    while (end < s && values[order[end]] === v) end++;
    // ranks start+1 … end share their average
    const rank = (start + 1 + end) / 2;
    const zv = normalQuantile((rank - BLOM_OFFSET) / denominator);
    for (let k = start; k < end; k++) z[order[k]] = zv;
    start = end;
  }
  return z;
}

/**
 * The split chains of x, rank-normalized (the draws R posterior's bulk-ESS and R-hat use: `z_scale(.split_chains(x))`);
 * `sorted` is x's ascending order, reused rather than recomputed.
 */
export function rankNormalizedSplit(x: ChainDraws, sorted: SortedDraws = sortDraws(x.values)): ChainDraws {
  const split = splitChains(x);
  return withValues(split, zScale(split.values, splitOrder(x, sorted.order)));
}
