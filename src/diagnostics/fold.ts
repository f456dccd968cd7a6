/**
 * Draws folded around their median, |x − median(x)|: the quantity whose R-hat detects chains that differ in scale
 * (Vehtari et al. 2021, section 4.2, "folded-split-R-hat").
 */
import type { ChainDraws } from './chains.js';
import { withValues } from './chains.js';
import { medianSorted } from '../numeric/quantile.js';
import type { SortedDraws } from './sort.js';

export interface FoldedDraws {
  readonly folded: ChainDraws;
  /** The folded draws sorted; their median times 1.4826 is the MAD. */
  readonly sortedFolded: SortedDraws;
}

/**
 * Folds the draws and sorts the result in linear time: below the median the deviations grow as the sorted draws
 * fall, above it they grow as the sorted draws rise, so the order of the folded draws is the merge of two
 * monotone runs of the sorted draws.
 */
export function foldDraws(x: ChainDraws, sortedX: SortedDraws): FoldedDraws {
  const n = x.values.length;
  const med = medianSorted(sortedX.sorted);
  const folded = new Float64Array(n);
  for (let i = 0; i < n; i++) folded[i] = Math.abs(x.values[i] - med);
  return { folded: withValues(x, folded), sortedFolded: sortFolded(sortedX) };
}

/**
 * The folded draws |x − median(x)| in ascending order, with their permutation, from the sorted draws alone (the
 * merge described at `foldDraws`); `out`, when given, receives them instead of new arrays.
 */
export function sortFolded(sortedX: SortedDraws, out?: SortedDraws): SortedDraws {
  const { order: xOrder, sorted: xs } = sortedX;
  const n = xs.length;
  const med = medianSorted(xs);
  const order = out?.order ?? new Uint32Array(n);
  const sorted = out?.sorted ?? new Float64Array(n);
  // first sorted position at or above the median
  let up = 0;
  let hi = n;
  while (up < hi) {
    const mid = (up + hi) >>> 1;
    if (xs[mid] < med) up = mid + 1;
    else hi = mid;
  }
  let down = up - 1;
  let k = 0;
  // while both runs last; then what is left of the one that does
  while (up < n && down >= 0) {
    const upDev = xs[up] - med;
    const downDev = med - xs[down];
    if (upDev <= downDev) {
      order[k] = xOrder[up++];
      sorted[k++] = upDev;
    } else {
      order[k] = xOrder[down--];
      sorted[k++] = downDev;
    }
  }
  for (; up < n; up++, k++) {
    order[k] = xOrder[up];
    sorted[k] = xs[up] - med;
  }
  for (; down >= 0; down--, k++) {
    order[k] = xOrder[down];
    sorted[k] = med - xs[down];
  }
  return out ?? { order, sorted };
}
