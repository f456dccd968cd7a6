/**
 * Draws of which some variables are not stored again but read from row-major per-chain draws — the sampler's
 * unconstrained chains (src/sampler/run.ts) —, optionally times another variable's draws. A non-centered group
 * term's z_g[k] is the sampler's coordinate itself and its r_g[k] = sd_g · z_g[k] (src/model/layout.ts), so a fit
 * with 10⁵ levels holds their draws once (the chains) instead of three times (chains, z_, r_): issue 16.
 *
 * Variable i of `names` is either variable source[i] ≥ 0 of `base` (a DrawSet, stored as usual), or column
 * j = −1 − source[i]: its value at chain c, draw d is chains[c][d · stride + column[j]], multiplied by the draw
 * (c, d) of base variable scale[j] when scale[j] ≥ 0 (in that order: scale · value, as constrain computes it).
 */
import { makeDrawSet, variableDraws, type DrawSet } from './draws.js';

export interface ColumnDraws {
  /** Every variable, in output order. */
  readonly names: readonly string[];
  readonly nChains: number;
  readonly nDraws: number;
  /** The stored variables. */
  readonly base: DrawSet;
  /** Per variable of `names`: its index in base (≥ 0), or −1 − j for column j. */
  readonly source: Int32Array;
  /** Per chain: nDraws rows of `stride` values. */
  readonly chains: readonly Float64Array[];
  readonly stride: number;
  /** Per column: its position within a row of the chains. */
  readonly column: Int32Array;
  /** Per column: the base variable it is multiplied by, or −1. */
  readonly scale: Int32Array;
}

/** A DrawSet as ColumnDraws without columns (every variable stored). */
export function allStored(ds: DrawSet): ColumnDraws {
  return {
    names: ds.names,
    nChains: ds.nChains,
    nDraws: ds.nDraws,
    base: ds,
    source: Int32Array.from(ds.names, (_, v) => v),
    chains: [],
    stride: 0,
    column: new Int32Array(0),
    scale: new Int32Array(0),
  };
}

/**
 * The draws of variable i (chains × draws, chain-major, as a DrawSet holds them): a view of base when it is stored,
 * else gathered into `target` (length nChains · nDraws; a new array when none is given).
 */
export function columnVariable(cd: ColumnDraws, i: number, target?: Float64Array): Float64Array {
  const v = cd.source[i];
  if (v >= 0) return variableDraws(cd.base, v);
  const j = -1 - v;
  const size = cd.nChains * cd.nDraws;
  const out = target ?? new Float64Array(size);
  const at = cd.column[j];
  const s = cd.scale[j];
  const scale = s >= 0 ? variableDraws(cd.base, s) : null;
  const { stride, nDraws } = cd;
  for (let c = 0; c < cd.nChains; c++) {
    const chain = cd.chains[c];
    const o = c * nDraws;
    if (scale === null) for (let d = 0; d < nDraws; d++) out[o + d] = chain[d * stride + at];
    else for (let d = 0; d < nDraws; d++) out[o + d] = scale[o + d] * chain[d * stride + at];
  }
  return out;
}

/** The value of variable i at chain c, draw d (the same arithmetic as columnVariable). */
export function columnValue(cd: ColumnDraws, i: number, c: number, d: number): number {
  const { nChains, nDraws } = cd;
  const v = cd.source[i];
  if (v >= 0) return cd.base.values[(v * nChains + c) * nDraws + d];
  const j = -1 - v;
  const x = cd.chains[c][d * cd.stride + cd.column[j]];
  const s = cd.scale[j];
  return s >= 0 ? cd.base.values[(s * nChains + c) * nDraws + d] * x : x;
}

/** Every variable stored, as one DrawSet (the form of old; for callers that need the draws whole). */
export function materializeColumns(cd: ColumnDraws, options: { readonly shared?: boolean } = {}): DrawSet {
  if (cd.column.length === 0 && cd.base.names.length === cd.names.length && cd.source.every((v, i) => v === i)) return cd.base;
  const out = makeDrawSet(cd.names, cd.nChains, cd.nDraws, options);
  const size = cd.nChains * cd.nDraws;
  for (let i = 0; i < cd.names.length; i++) {
    const target = out.values.subarray(i * size, (i + 1) * size);
    const values = columnVariable(cd, i, target);
    if (values !== target) target.set(values);
  }
  return out;
}
