/**
 * One variable's draws as a chains × draws matrix, chain-major: values[c · nDraws + d]. This is the block a DrawSet
 * stores for each variable (src/draws.ts), so `variableChains` is a view, not a copy.
 */
import type { DrawSet } from '../draws.js';
import { variableDraws } from '../draws.js';
import type { SortedDraws } from './sort.js';

export interface ChainDraws {
  readonly values: Float64Array;
  readonly nChains: number;
  /** Draws per chain. */
  readonly nDraws: number;
}

export function variableChains(ds: DrawSet, v: number): ChainDraws {
  return { values: variableDraws(ds, v), nChains: ds.nChains, nDraws: ds.nDraws };
}

export function chainDraws(x: ChainDraws, c: number): Float64Array {
  return x.values.subarray(c * x.nDraws, (c + 1) * x.nDraws);
}

/** Draws in each half of a split chain: ⌊n/2⌋ (an odd middle draw is dropped, as in R posterior's `.split_chains`). */
export function splitLength(nDraws: number): number {
  return nDraws === 1 ? 1 : Math.floor(nDraws / 2);
}

/**
 * Split-chain index of draw d of chain c, or -1 for the dropped middle draw of an odd-length chain.
 * Vehtari et al. (2021), section 4.1: each chain's first and second halves are treated as separate chains.
 */
export function splitIndex(nDraws: number, c: number, d: number): number {
  if (nDraws === 1) return c;
  const h = Math.floor(nDraws / 2);
  if (d < h) return 2 * c * h + d;
  const secondStart = nDraws - h;
  return d < secondStart ? -1 : (2 * c + 1) * h + (d - secondStart);
}

/**
 * The split chains: 2 · nChains chains of ⌊nDraws/2⌋ draws; a chain of one draw is not split. With an even number of
 * draws the halves are already contiguous, so the result shares x's values; with an odd number it is a copy
 * without the middle draws.
 */
export function splitChains(x: ChainDraws): ChainDraws {
  if (x.nDraws === 1) return x;
  const h = splitLength(x.nDraws);
  if (x.nDraws % 2 === 0) return { values: x.values, nChains: 2 * x.nChains, nDraws: h };
  const out = new Float64Array(2 * x.nChains * h);
  const secondStart = x.nDraws - h;
  for (let c = 0; c < x.nChains; c++) {
    const src = c * x.nDraws;
    out.set(x.values.subarray(src, src + h), 2 * c * h);
    out.set(x.values.subarray(src + secondStart, src + x.nDraws), (2 * c + 1) * h);
  }
  return { values: out, nChains: 2 * x.nChains, nDraws: h };
}

/** Same shape as x, new values. */
export function withValues(x: ChainDraws, values: Float64Array): ChainDraws {
  return { values, nChains: x.nChains, nDraws: x.nDraws };
}

/**
 * True when R posterior would return NA for these draws (`should_return_NA`): any NaN or ±Inf, or constant, which
 * posterior's `is_constant` takes to mean max − min below machine epsilon (2.2e-16, an absolute tolerance).
 */
export function constantOrNonFinite(values: Float64Array): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return true; // NaN or ±Inf
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Math.abs(hi - lo) < Number.EPSILON;
}

/** `constantOrNonFinite` of draws from their sorted copy (which has no NaN: sorting requires that), in O(1). */
export function constantOrNonFiniteSorted(sorted: Float64Array): boolean {
  const n = sorted.length;
  if (n === 0) return false;
  const lo = sorted[0];
  const hi = sorted[n - 1];
  return !Number.isFinite(lo) || !Number.isFinite(hi) || Math.abs(hi - lo) < Number.EPSILON;
}

/** True when every draw is finite (R posterior returns NA for any diagnostic of draws with NA, NaN or ±Inf). */
export function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * The split chains' draws in ascending order, from x's: each index is mapped to its place in `splitChains(x)`, and
 * an odd chain's dropped middle draw is left out. With an even number of draws nothing moves.
 */
export function splitSortedDraws(x: ChainDraws, sorted: SortedDraws): SortedDraws {
  if (x.nDraws === 1 || x.nDraws % 2 === 0) return sorted;
  const size = x.nChains * 2 * splitLength(x.nDraws);
  const order = new Uint32Array(size);
  const values = new Float64Array(size);
  let k = 0;
  for (let r = 0; r < sorted.order.length; r++) {
    const i = sorted.order[r];
    const c = Math.floor(i / x.nDraws);
    const j = splitIndex(x.nDraws, c, i - c * x.nDraws);
    if (j >= 0) {
      order[k] = j;
      values[k++] = sorted.sorted[r];
    }
  }
  return { order, sorted: values };
}
