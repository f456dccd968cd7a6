/**
 * Parameter names and the unconstrained → constrained map. One naming convention, used everywhere:
 *   b_<term>                      fixed effects
 *   sd_<group>__<term>            standard deviation of a varying term (unconstrained coordinate: log sd)
 *   z_<group>__<term>[k]          standard-normal innovations (non-centered terms only)
 *   r_<group>__<term>[k]          group effects, always present (generated quantity for non-centered terms)
 *   zbar_<group>__<term>, e_<group>__<term>[j]   the unconstrained coordinates of a split term, and of a
 *                                 non-centered term folded into a fixed effect (mean and Helmert deviations,
 *                                 src/model/split.ts); the constrained output gives r (and z) as usual
 *   bsum_<term>                   the unconstrained coordinate of a fixed effect that terms are folded into: b plus
 *                                 their levels' means, or plus the coefficients of r on the group-level columns
 *                                 (src/model/group-level-fold.ts); the constrained output gives b_<term>
 *   qb_<term>                     the fixed coordinates in the QR basis (src/model/fixed-basis.ts): θ = Lᵀ b, b
 *                                 with the folded coefficients (bsum) in place of those folded into
 *   sigma, shape                  the family's auxiliary parameters, as brms names them (unconstrained coordinate:
 *                                 their log, after every term; in the output after the sd_ and z_ blocks)
 * k is the 1-based level index; level names are kept as coordinates (see levelCoordinates).
 */
import { basisToFixed, fixedToBasis } from './fixed-basis.js';
import { applyGroupLevelFold } from './group-level-fold.js';
import { effectsToSplit, foldColumnOf, groupLevelFoldOf, isRotated, splitMean, splitToEffects } from './split.js';
import { levelCount, termLabel, type ModelSpec } from './spec.js';

/** Names of the unconstrained coordinates, in vector order (log-sd coordinates carry the sd_ name). */
export function unconstrainedNames(spec: ModelSpec): string[] {
  const folded = new Set(spec.terms.flatMap((t) => [foldColumnOf(t), ...(groupLevelFoldOf(t)?.columns ?? [])]));
  const names = spec.fixed.names.map((n, j) => (spec.fixedBasis ? `qb_${n}` : folded.has(j) ? `bsum_${n}` : `b_${n}`));
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
  for (const a of spec.aux ?? []) names.push(a.name);
  return names;
}

/**
 * Names of the constrained output, in output order: b_*, then per term sd_*, then z_*[k] for non-centered terms,
 * then the family's sigma/shape, then r_*[k] for every term (generated quantities last).
 */
export function constrainedNames(spec: ModelSpec): string[] {
  const names = spec.fixed.names.map((n) => `b_${n}`);
  spec.terms.forEach((term, t) => {
    const label = termLabel(spec, t);
    names.push(`sd_${label}`);
    if (term.parameterization === 'noncentered') {
      for (let k = 1; k <= levelCount(spec, t); k++) names.push(`z_${label}[${k}]`);
    }
  });
  for (const a of spec.aux ?? []) names.push(a.name);
  spec.terms.forEach((_, t) => {
    const label = termLabel(spec, t);
    for (let k = 1; k <= levelCount(spec, t); k++) names.push(`r_${label}[${k}]`);
  });
  return names;
}

export function constrainedDim(spec: ModelSpec): number {
  let d = spec.fixed.names.length;
  spec.terms.forEach((term, t) => {
    const K = levelCount(spec, t);
    d += 1 + K + (term.parameterization === 'noncentered' ? K : 0);
  });
  return d + (spec.aux?.length ?? 0);
}

/** Writes the constrained values of one unconstrained position `theta` into `out` (length constrainedDim). */
export function constrain(spec: ModelSpec, theta: ArrayLike<number>, out: Float64Array, outOffset = 0): void {
  let o = outOffset;
  const p = spec.fixed.names.length;
  for (let j = 0; j < p; j++) out[o++] = theta[j];
  if (spec.fixedBasis) basisToFixed(spec.fixedBasis, p, out, outOffset);
  spec.terms.forEach((term, t) => {
    const column = foldColumnOf(term);
    if (column >= 0) out[outOffset + column] -= splitMean(Math.exp(theta[term.sdIndex]), theta[term.offset], levelCount(spec, t));
  });
  spec.terms.forEach((term, t) => {
    out[o++] = Math.exp(theta[term.sdIndex]);
    if (term.parameterization === 'noncentered') {
      const K = levelCount(spec, t);
      if (isRotated(term)) splitToEffects(1, theta, term.offset, K, out, o);
      else for (let k = 0; k < K; k++) out[o + k] = theta[term.offset + k];
      o += K;
    }
  });
  for (const a of spec.aux ?? []) out[o++] = Math.exp(theta[a.index]);
  spec.terms.forEach((term, t) => {
    const K = levelCount(spec, t);
    writeGroupEffects(spec, t, theta, out, o);
    // b_j = β_j − rows_j · r: the group-level shear, from the r just written
    const groupLevel = groupLevelFoldOf(term);
    if (groupLevel) applyGroupLevelFold(groupLevel, K, 1, out, o, out, outOffset, -1);
    o += K;
  });
}

/** Writes r_t (K_t values) at unconstrained position theta into out[at …]. */
function writeGroupEffects(spec: ModelSpec, t: number, theta: ArrayLike<number>, out: Float64Array, at: number): void {
  const term = spec.terms[t];
  const K = levelCount(spec, t);
  if (term.parameterization === 'split') {
    splitToEffects(Math.exp(theta[term.sdIndex]), theta, term.offset, K, out, at);
    return;
  }
  if (isRotated(term)) {
    // z = u/√K · 1 + Q e, r = sd · z
    splitToEffects(1, theta, term.offset, K, out, at);
    const sd = Math.exp(theta[term.sdIndex]);
    for (let k = 0; k < K; k++) out[at + k] *= sd;
    return;
  }
  const scale = term.parameterization === 'noncentered' ? Math.exp(theta[term.sdIndex]) : 1;
  for (let k = 0; k < K; k++) out[at + k] = scale * theta[term.offset + k];
}

/** The group-effect values r_t (length K_t) at unconstrained position theta. */
export function groupEffects(spec: ModelSpec, t: number, theta: ArrayLike<number>): Float64Array {
  const r = new Float64Array(levelCount(spec, t));
  writeGroupEffects(spec, t, theta, r, 0);
  return r;
}

/** For each indexed parameter family ("r_zip_code__Intercept"), the level name of each 1-based index. */
export function levelCoordinates(spec: ModelSpec): Record<string, readonly string[]> {
  const coords: Record<string, readonly string[]> = {};
  spec.terms.forEach((term, t) => {
    const label = termLabel(spec, t);
    const levels = spec.groups[term.group].levels;
    coords[`r_${label}`] = levels;
    if (term.parameterization === 'noncentered') coords[`z_${label}`] = levels;
  });
  return coords;
}

/**
 * The inverse of constrain: the unconstrained position from one row of constrained values (in constrainedNames
 * order). Every unconstrained coordinate is recoverable: b directly, log sd, and z (non-centered), r (centered) or
 * the split coordinates from r and sd.
 */
export function unconstrain(spec: ModelSpec, constrained: ArrayLike<number>, theta: Float64Array, inOffset = 0): void {
  let o = inOffset;
  const p = spec.fixed.names.length;
  for (let j = 0; j < p; j++) theta[j] = constrained[o++];
  spec.terms.forEach((term, t) => {
    theta[term.sdIndex] = Math.log(constrained[o++]);
    if (term.parameterization === 'noncentered') {
      const K = levelCount(spec, t);
      if (isRotated(term)) effectsToSplit(1, constrained, o, K, theta, term.offset);
      else for (let k = 0; k < K; k++) theta[term.offset + k] = constrained[o + k];
      o += K;
    }
  });
  for (const a of spec.aux ?? []) theta[a.index] = Math.log(constrained[o++]);
  const effectsStart = o;
  spec.terms.forEach((term, t) => {
    const K = levelCount(spec, t);
    if (term.parameterization === 'centered') {
      for (let k = 0; k < K; k++) theta[term.offset + k] = constrained[o + k];
    } else if (term.parameterization === 'split') {
      effectsToSplit(Math.exp(theta[term.sdIndex]), constrained, o, K, theta, term.offset);
    }
    o += K;
  });
  spec.terms.forEach((term, t) => {
    const column = foldColumnOf(term);
    if (column >= 0) theta[column] += splitMean(Math.exp(theta[term.sdIndex]), theta[term.offset], levelCount(spec, t));
  });
  // β_j = b_j + rows_j · r, with r read from the constrained row (the last block, in term order)
  let at = effectsStart;
  spec.terms.forEach((term, t) => {
    const groupLevel = groupLevelFoldOf(term);
    if (groupLevel) applyGroupLevelFold(groupLevel, levelCount(spec, t), 1, constrained, at, theta, 0, 1);
    at += levelCount(spec, t);
  });
  if (spec.fixedBasis) fixedToBasis(spec.fixedBasis, p, theta, 0);
}
