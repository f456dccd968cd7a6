/**
 * Rank normalization (Vehtari et al. 2021, section 4.1, eq. 14): replace each draw by its rank among all draws
 * (ties get their average rank, so discrete quantities keep their distinct values), then map rank r of S draws to
 * Φ⁻¹((r − 3/8)/(S − 3/4 + 1)), Blom's (1958) fractional offset c = 3/8 — R posterior's `z_scale`.
 */
import type { ChainDraws } from './chains.js';
import { splitChains, splitSortedDraws, withValues } from './chains.js';
import { normalQuantile } from '../numeric/normal-quantile.js';
import { rhatFromMoments } from './rhat-moments.js';
import type { SortedDraws } from './sort.js';
import { sortDraws } from './sort.js';
import type { WorkSlot } from './workspace.js';
import { DiagnosticsWorkspace, workSlot } from './workspace.js';

const BLOM_OFFSET = 3 / 8;

/** Φ⁻¹((r − 3/8)/(S − 3/4 + 1)) for the untied ranks r = 1 … S. */
function blomScores(s: number): Float64Array {
  const scores = new Float64Array(s);
  const denominator = s - 2 * BLOM_OFFSET + 1;
  for (let k = 0; k < s; k++) scores[k] = normalQuantile((k + 1 - BLOM_OFFSET) / denominator);
  return scores;
}

/** The scores for the last S asked for (every variable of a fit has the same number of draws); read only. */
const BLOM_SCORES: WorkSlot<Float64Array> = workSlot('Blom scores', blomScores);

/** Rank-normalized values of the draws whose ascending order (and sorted values) `sorted` gives. */
export function zScale(sorted: SortedDraws, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): Float64Array {
  const { order, sorted: v } = sorted;
  const s = order.length;
  const z = new Float64Array(s);
  const scores = ws.get(BLOM_SCORES, s);
  const denominator = s - 2 * BLOM_OFFSET + 1;
  let start = 0;
  while (start < s) {
    let end = start + 1;
    while (end < s && v[end] === v[start]) end++;
    // ranks start+1 … end share their average
    const zv = end === start + 1 ? scores[start] : normalQuantile(((start + 1 + end) / 2 - BLOM_OFFSET) / denominator);
    for (let k = start; k < end; k++) z[order[k]] = zv;
    start = end;
  }
  return z;
}

/**
 * The split chains of x, rank-normalized (the draws R posterior's bulk-ESS and R-hat use: `z_scale(.split_chains(x))`);
 * `sorted` is x's ascending order, reused rather than recomputed.
 */
export function rankNormalizedSplit(
  x: ChainDraws,
  sorted?: SortedDraws,
  ws: DiagnosticsWorkspace = new DiagnosticsWorkspace(),
): ChainDraws {
  const split = splitChains(x);
  return withValues(split, zScale(splitSortedDraws(x, sorted ?? sortDraws(x.values, undefined, ws)), ws));
}

/**
 * Split R-hat of the rank-normalized draws (posterior's `.rhat(z_scale(.split_chains(x)))`) straight from the
 * ascending order of the split draws: each draw's normal score is added to the sums of its split chain (chain
 * ⌊i/nDraws⌋ of the split layout) in rank order, so no rank-normalized copy need be built and read again. Each
 * chain's sums are taken about its first score seen, which keeps the one-pass variance as accurate as a two-pass
 * one for scores that lie within a few units of each other. `zOut`, when given, also receives the normal scores
 * in draw order (the bulk draws `rankNormalizedSplit` gives). Null when all draws tie (constant scores: NA) or the
 * R-hat is not finite. `ws` keeps the normal scores of the untied ranks.
 */
export function rankNormalizedRhat(
  sorted: SortedDraws,
  nChains: number,
  nDraws: number,
  zOut: Float64Array | null = null,
  ws: DiagnosticsWorkspace = new DiagnosticsWorkspace(),
): number | null {
  const { order, sorted: v } = sorted;
  const s = order.length;
  const scores = ws.get(BLOM_SCORES, s);
  const denominator = s - 2 * BLOM_OFFSET + 1;
  const first = new Float64Array(nChains).fill(NaN);
  const sums = new Float64Array(nChains);
  const squares = new Float64Array(nChains);
  for (let start = 0; start < s; ) {
    let end = start + 1;
    let zv = scores[start];
    if (end < s && v[end] === v[start]) {
      // ranks start+1 … end share their average
      while (end < s && v[end] === v[start]) end++;
      zv = normalQuantile(((start + 1 + end) / 2 - BLOM_OFFSET) / denominator);
    }
    for (let k = start; k < end; k++) {
      const i = order[k];
      const c = (i / nDraws) | 0;
      if (zOut !== null) zOut[i] = zv;
      let f = first[c];
      if (f !== f) f = first[c] = zv; // NaN: the chain's first score
      const d = zv - f;
      sums[c] += d;
      squares[c] += d * d;
    }
    start = end;
  }
  // all draws tied: constant scores, NA (the scores are still written, for the caller's ESS, which is NA too)
  if (s === 0 || v[s - 1] === v[0]) return null;
  const means = new Float64Array(nChains);
  const variances = new Float64Array(nChains);
  for (let c = 0; c < nChains; c++) {
    means[c] = first[c] + sums[c] / nDraws;
    variances[c] = (squares[c] - (sums[c] * sums[c]) / nDraws) / (nDraws - 1);
  }
  return rhatFromMoments(means, variances, nDraws);
}
