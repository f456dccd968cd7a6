/**
 * R-hat (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021, Bayesian Analysis 16(2), 667–718), as R posterior 1.4
 * computes it. Null where posterior returns NA: constant or non-finite draws.
 */
import type { ChainDraws } from './chains.js';
import { allFinite, chainDraws, constantOrNonFinite, splitLength, splitSortedDraws } from './chains.js';
import { sortFolded } from './fold.js';
import { mean, variance } from './moments.js';
import { rhatFromMoments } from './rhat-moments.js';
import { rankNormalizedRhat } from './rank-normalize.js';
import type { SortedDraws } from './sort.js';
import { sortDraws } from './sort.js';
import { DiagnosticsWorkspace } from './workspace.js';

/**
 * Potential scale reduction of the chains as given (Gelman et al. 2013, BDA3 section 11.4; Vehtari et al. 2021,
 * eqs. 1–4): with n draws per chain, B = n·var(chain means), W = mean within-chain variance,
 * R̂ = √(((n − 1)/n·W + B/n)/W) = √((B/W + n − 1)/n) (posterior's `.rhat`).
 */
export function rhatOfChains(x: ChainDraws): number | null {
  if (constantOrNonFinite(x.values)) return null;
  const n = x.nDraws;
  const m = x.nChains;
  const chainMeans = new Float64Array(m);
  const chainVariances = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    const y = chainDraws(x, c);
    chainMeans[c] = mean(y);
    chainVariances[c] = variance(y, chainMeans[c]);
  }
  return rhatFromMoments(chainMeans, chainVariances, n);
}

/**
 * Rank-normalized split-R̂: the larger of the bulk version (rank-normalized split chains, section 4.1) and the
 * folded version (the same for |x − median(x)|, section 4.2) — posterior's `rhat`. Both come from the orders of the
 * draws and of the folded draws (`rankNormalizedRhat`); `sorted` may be passed in when already computed.
 */
export function rhat(x: ChainDraws, sorted?: SortedDraws, ws: DiagnosticsWorkspace = new DiagnosticsWorkspace()): number | null {
  if (!allFinite(x.values)) return null;
  const s = sorted ?? sortDraws(x.values, undefined, ws);
  const nSplit = x.nDraws === 1 ? x.nChains : 2 * x.nChains;
  const h = splitLength(x.nDraws);
  const rBulk = rankNormalizedRhat(splitSortedDraws(x, s), nSplit, h, null, ws);
  const rTail = rankNormalizedRhat(splitSortedDraws(x, sortFolded(s)), nSplit, h, null, ws);
  return rBulk === null || rTail === null ? null : Math.max(rBulk, rTail);
}
