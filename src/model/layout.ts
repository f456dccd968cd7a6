/**
 * Parameter names and the unconstrained → constrained map. One naming convention, used everywhere:
 *   b_<term>                      fixed effects
 *   sd_<group>__<term>            standard deviation of a varying term (unconstrained coordinate: log sd)
 *   z_<group>__<term>[k]          standard-normal innovations (non-centered independent terms only; a correlated
 *                                 block's z are coordinates but not output, r = diag(sd) L z)
 *   r_<group>__<term>[k]          group effects, always present (generated quantity for non-centered terms)
 *   zbar_<group>__<term>, e_<group>__<term>[j]   the unconstrained coordinates of a split term, and of a
 *                                 non-centered term folded into a fixed effect (mean and Helmert deviations,
 *                                 src/model/split.ts); the constrained output gives r (and z) as usual
 *   bsum_<term>                   the unconstrained coordinate of a fixed effect that terms are folded into: b plus
 *                                 their levels' means, or plus the coefficients of r on the group-level columns
 *                                 (src/model/group-level-fold.ts); the constrained output gives b_<term>
 *   qb_<term>                     the dense fixed coordinates in the QR basis (src/model/fixed-basis.ts): θ = Lᵀ b, b
 *                                 with the folded coefficients (bsum) in place of those folded into
 *   cor_<group>__<t1>__<t2>       the correlation of two correlated terms of `( … | group)` (brms's names and order:
 *                                 pairs (1,2), (1,3), (2,3), … of the bar's terms); unconstrained coordinate
 *                                 cpc_<group>__<t1>__<t2>, the atanh of a partial correlation (src/model/correlation.ts)
 *   sigma, shape                  the family's auxiliary parameters, as brms names them (unconstrained coordinate:
 *                                 their log, after every term and correlation; in the output after the sd_, z_ and
 *                                 cor_ blocks)
 * k is the 1-based level index; level names are kept as coordinates (see levelCoordinates).
 */
import { hasSignedScale, logToSigned, signedTerms, signedToLog, unsignedSpec } from './signed-scale.js';
import { basisToFixed, fixedToBasis } from './fixed-basis.js';
import { blockCoordinates, writeBlockEffects, type BlockCoordinates } from './correlated-effects.js';
import { choleskyFromCorrelation, choleskyFromCpc, correlationFromCholesky, cpcCount, cpcFromCholesky } from './correlation.js';
import { applyGroupLevelFold } from './group-level-fold.js';
import { effectsToSplit, foldColumnOf, groupLevelFoldOf, isRotated, splitMean, splitToEffects } from './split.js';
import { blockOfTerm, denseFixedCount, levelCount, termLabel, type ModelSpec } from './spec.js';
import * as pm from '../numeric/portable-math.js';

/** The names of a block's correlations' pairs, "<group>__<t_j>__<t_i>" in coordinate (= brms) order. */
function pairLabels(spec: ModelSpec, b: number): string[] {
  const block = (spec.correlated ?? [])[b];
  const group = spec.groups[block.group].name;
  const out: string[] = [];
  for (let i = 1; i < block.terms.length; i++) {
    for (let j = 0; j < i; j++) out.push(`${group}__${spec.terms[block.terms[j]].term}__${spec.terms[block.terms[i]].term}`);
  }
  return out;
}

/** Positions in the constrained vector, resolved once per spec. */
interface ConstrainedLayout {
  readonly dim: number;
  readonly sdAt: Int32Array;
  /** -1 where the term has no z_ output. */
  readonly zAt: Int32Array;
  readonly corAt: Int32Array;
  readonly auxAt: number;
  readonly rAt: Int32Array;
  readonly blockOf: Int32Array;
  readonly blocks: readonly BlockCoordinates[];
  /** Per block, the r_ starts of its terms (for writeBlockEffects). */
  readonly blockStarts: readonly Int32Array[];
}

const layouts = new WeakMap<ModelSpec, ConstrainedLayout>();

function layoutOf(spec: ModelSpec): ConstrainedLayout {
  const cached = layouts.get(spec);
  if (cached) return cached;
  const T = spec.terms.length;
  const blockOf = blockOfTerm(spec);
  const sdAt = new Int32Array(T);
  const zAt = new Int32Array(T).fill(-1);
  const rAt = new Int32Array(T);
  let o = spec.fixed.names.length;
  spec.terms.forEach((term, t) => {
    sdAt[t] = o++;
    if (term.parameterization === 'noncentered' && blockOf[t] < 0) {
      zAt[t] = o;
      o += levelCount(spec, t);
    }
  });
  const blocks = (spec.correlated ?? []).map((block) => blockCoordinates(spec, block));
  const corAt = Int32Array.from(blocks, (b) => {
    const at = o;
    o += cpcCount(b.m);
    return at;
  });
  const auxAt = o;
  o += spec.aux?.length ?? 0;
  spec.terms.forEach((_, t) => {
    rAt[t] = o;
    o += levelCount(spec, t);
  });
  const blockStarts = (spec.correlated ?? []).map((block) => Int32Array.from(block.terms, (t) => rAt[t]));
  const layout = { dim: o, sdAt, zAt, corAt, auxAt, rAt, blockOf, blocks, blockStarts };
  layouts.set(spec, layout);
  return layout;
}

/** Names of the unconstrained coordinates, in vector order (log-sd coordinates carry the sd_ name). */
export function unconstrainedNames(spec: ModelSpec): string[] {
  const folded = new Set([
    ...spec.terms.flatMap((t) => [foldColumnOf(t), ...(groupLevelFoldOf(t)?.columns ?? [])]),
    ...(spec.correlated ?? []).flatMap((b) => b.foldColumns ?? []),
  ]);
  const q = denseFixedCount(spec.fixed);
  const names = spec.fixed.names.map((n, j) => (spec.fixedBasis && j < q ? `qb_${n}` : folded.has(j) ? `bsum_${n}` : `b_${n}`));
  spec.terms.forEach((term, t) => {
    const label = termLabel(spec, t);
    names.push(`sd_${label}`);
    if (term.parameterization === 'split' || isRotated(term)) {
      names.push(`zbar_${label}`);
      for (let j = 1; j < levelCount(spec, t); j++) names.push(`e_${label}[${j}]`);
      return;
    }
    const prefix = term.parameterization === 'noncentered' ? 'z' : 'r';
    for (let k = 1; k <= levelCount(spec, t); k++) names.push(`${prefix}_${label}[${k}]`);
  });
  (spec.correlated ?? []).forEach((_, b) => {
    for (const pair of pairLabels(spec, b)) names.push(`cpc_${pair}`);
  });
  for (const a of spec.aux ?? []) names.push(a.name);
  return names;
}

/**
 * Names of the constrained output, in output order: b_*, then per term sd_* (and z_*[k] for a non-centered
 * independent term), then cor_* of each correlated block, then the family's sigma/shape, then r_*[k] for every term
 * (generated quantities last).
 */
export function constrainedNames(spec: ModelSpec): string[] {
  const { zAt } = layoutOf(spec);
  const names = spec.fixed.names.map((n) => `b_${n}`);
  spec.terms.forEach((_, t) => {
    const label = termLabel(spec, t);
    names.push(`sd_${label}`);
    if (zAt[t] >= 0) {
      for (let k = 1; k <= levelCount(spec, t); k++) names.push(`z_${label}[${k}]`);
    }
  });
  (spec.correlated ?? []).forEach((_, b) => {
    for (const pair of pairLabels(spec, b)) names.push(`cor_${pair}`);
  });
  for (const a of spec.aux ?? []) names.push(a.name);
  spec.terms.forEach((_, t) => {
    const label = termLabel(spec, t);
    for (let k = 1; k <= levelCount(spec, t); k++) names.push(`r_${label}[${k}]`);
  });
  return names;
}

export function constrainedDim(spec: ModelSpec): number {
  return layoutOf(spec).dim;
}

/**
 * Where the per-level constrained values of each position can be kept once the position has been constrained: in
 * the place of the term's own level coordinates (offset … offset + K − 1), which `constrain` has then read. Per
 * constrained variable i: place[i] is that coordinate, or −1 for a variable kept elsewhere (population-level ones and
 * the r_ of a correlated block); times[i] is the constrained index of the sd that multiplies the value in place, or
 * −1 when the value in place is the variable itself. A non-centered independent term keeps z_ in place and has
 * r_ = sd · z_ — exactly as `constrain` computes r_ (writeGroupEffects: sd · z, or z then ·= sd for a rotated term;
 * the same on the log-sd position of a signed-scale spec) —; any other independent term keeps r_ in place.
 * (src/column-draws.ts; issue 16: the draws of 10⁵ levels held once.)
 */
export function levelPlaces(spec: ModelSpec): { readonly place: Int32Array; readonly times: Int32Array } {
  const layout = layoutOf(spec);
  const place = new Int32Array(layout.dim).fill(-1);
  const times = new Int32Array(layout.dim).fill(-1);
  spec.terms.forEach((term, t) => {
    if (layout.blockOf[t] >= 0) return;
    const K = levelCount(spec, t);
    const z = layout.zAt[t];
    for (let k = 0; k < K; k++) {
      place[layout.rAt[t] + k] = term.offset + k;
      if (z < 0) continue;
      place[z + k] = term.offset + k;
      times[layout.rAt[t] + k] = layout.sdAt[t];
    }
  });
  return { place, times };
}

/** Writes the constrained values of one unconstrained position `theta` into `out` (length constrainedDim). */
export function constrain(spec: ModelSpec, theta: ArrayLike<number>, out: Float64Array, outOffset = 0): void {
  if (hasSignedScale(spec)) {
    // sd = |v|, z' = sign(v)·z: the same values as the log-sd position (src/model/signed-scale.ts)
    const plain = new Float64Array(spec.dim);
    signedToLog(signedTerms(spec), spec.dim, theta, plain, 1);
    constrain(unsignedSpec(spec), plain, out, outOffset);
    return;
  }
  const layout = layoutOf(spec);
  const p = spec.fixed.names.length;
  for (let j = 0; j < p; j++) out[outOffset + j] = theta[j];
  if (spec.fixedBasis) basisToFixed(spec.fixedBasis, denseFixedCount(spec.fixed), out, outOffset);
  spec.terms.forEach((term, t) => {
    const column = foldColumnOf(term);
    if (column >= 0) out[outOffset + column] -= splitMean(pm.exp(theta[term.sdIndex]), theta[term.offset], levelCount(spec, t));
  });
  spec.terms.forEach((term, t) => {
    out[outOffset + layout.sdAt[t]] = pm.exp(theta[term.sdIndex]);
    const z = layout.zAt[t];
    if (z < 0) return;
    const K = levelCount(spec, t);
    if (isRotated(term)) splitToEffects(1, theta, term.offset, K, out, outOffset + z);
    else for (let k = 0; k < K; k++) out[outOffset + z + k] = theta[term.offset + k];
  });
  layout.blocks.forEach((block, b) => {
    const L = new Float64Array(block.m * block.m);
    choleskyFromCpc(theta, block.cpcIndex, block.m, L);
    correlationFromCholesky(L, block.m, out, outOffset + layout.corAt[b]);
    const starts = layout.blockStarts[b];
    writeBlockEffects(block, theta, 0, L, new Float64Array(block.m), out, outOffset, starts);
    // b_j = coordinate − mean_k r_k for a folded term (src/backend/correlated-terms.ts)
    (spec.correlated ?? [])[b].foldColumns?.forEach((column, i) => {
      if (column >= 0) out[outOffset + column] -= levelMean(out, outOffset + starts[i], block.K);
    });
  });
  (spec.aux ?? []).forEach((a, j) => {
    out[outOffset + layout.auxAt + j] = pm.exp(theta[a.index]);
  });
  spec.terms.forEach((term, t) => {
    if (layout.blockOf[t] >= 0) return;
    writeGroupEffects(spec, t, theta, out, outOffset + layout.rAt[t]);
    // b_j = β_j − rows_j · r: the group-level shear, from the r just written
    const groupLevel = groupLevelFoldOf(term);
    if (groupLevel) applyGroupLevelFold(groupLevel, levelCount(spec, t), 1, out, outOffset + layout.rAt[t], out, outOffset, -1);
  });
}

function levelMean(values: ArrayLike<number>, at: number, K: number): number {
  let s = 0;
  for (let k = 0; k < K; k++) s += values[at + k];
  return s / K;
}

/** Writes r_t (K_t values) of an independent term at unconstrained position theta into out[at …]. */
function writeGroupEffects(spec: ModelSpec, t: number, theta: ArrayLike<number>, out: Float64Array, at: number): void {
  const term = spec.terms[t];
  const K = levelCount(spec, t);
  if (term.parameterization === 'split') {
    splitToEffects(pm.exp(theta[term.sdIndex]), theta, term.offset, K, out, at);
    return;
  }
  if (isRotated(term)) {
    // z = u/√K · 1 + Q e, r = sd · z
    splitToEffects(1, theta, term.offset, K, out, at);
    const sd = pm.exp(theta[term.sdIndex]);
    for (let k = 0; k < K; k++) out[at + k] *= sd;
    return;
  }
  const scale = term.parameterization === 'noncentered' ? pm.exp(theta[term.sdIndex]) : 1;
  for (let k = 0; k < K; k++) out[at + k] = scale * theta[term.offset + k];
}

/** The group-effect values r_t (length K_t) at unconstrained position theta. */
export function groupEffects(spec: ModelSpec, t: number, theta: ArrayLike<number>): Float64Array {
  const all = new Float64Array(constrainedDim(spec));
  constrain(spec, theta, all);
  const at = layoutOf(spec).rAt[t];
  return all.slice(at, at + levelCount(spec, t));
}

/** For each indexed parameter family ("r_zip_code__Intercept"), the level name of each 1-based index. */
export function levelCoordinates(spec: ModelSpec): Record<string, readonly string[]> {
  const { zAt } = layoutOf(spec);
  const coords: Record<string, readonly string[]> = {};
  spec.terms.forEach((term, t) => {
    const label = termLabel(spec, t);
    const levels = spec.groups[term.group].levels;
    coords[`r_${label}`] = levels;
    if (zAt[t] >= 0) coords[`z_${label}`] = levels;
  });
  return coords;
}

/**
 * The inverse of constrain: the unconstrained position from one row of constrained values (in constrainedNames
 * order). Every unconstrained coordinate is recoverable: b directly, log sd, z (non-centered), r (centered) or the
 * split coordinates from r and sd; a correlated block's partial correlations from the Cholesky factor of its
 * correlations, and its z_k = L⁻¹ diag(sd)⁻¹ r_k (non-centered) or r (centered).
 */
export function unconstrain(spec: ModelSpec, constrained: ArrayLike<number>, theta: Float64Array, inOffset = 0): void {
  if (hasSignedScale(spec)) {
    unconstrain(unsignedSpec(spec), constrained, theta, inOffset);
    logToSigned(signedTerms(spec), theta);
    return;
  }
  const layout = layoutOf(spec);
  const p = spec.fixed.names.length;
  for (let j = 0; j < p; j++) theta[j] = constrained[inOffset + j];
  spec.terms.forEach((term, t) => {
    theta[term.sdIndex] = pm.log(constrained[inOffset + layout.sdAt[t]]);
    const z = layout.zAt[t];
    if (z < 0) return;
    const K = levelCount(spec, t);
    if (isRotated(term)) effectsToSplit(1, constrained, inOffset + z, K, theta, term.offset);
    else for (let k = 0; k < K; k++) theta[term.offset + k] = constrained[inOffset + z + k];
  });
  (spec.aux ?? []).forEach((a, j) => {
    theta[a.index] = pm.log(constrained[inOffset + layout.auxAt + j]);
  });
  spec.terms.forEach((term, t) => {
    if (layout.blockOf[t] >= 0) return;
    const K = levelCount(spec, t);
    const o = inOffset + layout.rAt[t];
    if (term.parameterization === 'centered') {
      for (let k = 0; k < K; k++) theta[term.offset + k] = constrained[o + k];
    } else if (term.parameterization === 'split') {
      effectsToSplit(pm.exp(theta[term.sdIndex]), constrained, o, K, theta, term.offset);
    }
  });
  layout.blocks.forEach((block, b) => {
    const { m, K } = block;
    const L = new Float64Array(m * m);
    choleskyFromCorrelation(constrained, inOffset + layout.corAt[b], m, L);
    cpcFromCholesky(L, m, theta, block.cpcIndex);
    const starts = layout.blockStarts[b];
    const w = new Float64Array(m);
    // z = L⁻¹ (x / sd) by forward substitution, for x = r_k (non-centered) or μ = √K · mean r (split: u)
    const whiten = (x: (i: number) => number, write: (i: number, z: number) => void): void => {
      for (let i = 0; i < m; i++) {
        let s = x(i) / pm.exp(theta[block.sdIndex[i]]);
        for (let j = 0; j < i; j++) s -= L[i * m + j] * w[j];
        w[i] = s / L[i * m + i];
        write(i, w[i]);
      }
    };
    if (block.kind === 'split') {
      // (√K·mean, Qᵀ r) per term, then the means → u
      for (let i = 0; i < m; i++) effectsToSplit(1, constrained, inOffset + starts[i], K, theta, block.offset[i]);
      whiten((i) => theta[block.offset[i]], (i, z) => (theta[block.offset[i]] = z));
      return;
    }
    for (let k = 0; k < K; k++) {
      if (block.kind === 'centered') {
        for (let i = 0; i < m; i++) theta[block.offset[i] + k] = constrained[inOffset + starts[i] + k];
        continue;
      }
      whiten((i) => constrained[inOffset + starts[i] + k], (i, z) => (theta[block.offset[i] + k] = z));
    }
  });
  spec.terms.forEach((term, t) => {
    const column = foldColumnOf(term);
    if (column >= 0) theta[column] += splitMean(pm.exp(theta[term.sdIndex]), theta[term.offset], levelCount(spec, t));
  });
  layout.blocks.forEach((block, b) => {
    (spec.correlated ?? [])[b].foldColumns?.forEach((column, i) => {
      if (column >= 0) theta[column] += levelMean(constrained, inOffset + layout.blockStarts[b][i], block.K);
    });
  });
  // β_j = b_j + rows_j · r, with r read from the constrained row
  spec.terms.forEach((term, t) => {
    const groupLevel = groupLevelFoldOf(term);
    if (groupLevel) applyGroupLevelFold(groupLevel, levelCount(spec, t), 1, constrained, inOffset + layout.rAt[t], theta, 0, 1);
  });
  if (spec.fixedBasis) fixedToBasis(spec.fixedBasis, denseFixedCount(spec.fixed), theta, 0);
}
