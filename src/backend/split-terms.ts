/**
 * Split and folded terms, and the fixed effects' QR basis, around any backend. Backends evaluate plain centered and
 * non-centered terms on the coefficients b; a split term (mean non-centered, deviations centered —
 * src/model/split.ts) is the centered term after a linear change of its K coordinates that depends on sd, and a
 * folded non-centered term is the non-centered term with its z rotated. A term folded into fixed column j also shears
 * that coordinate: b_j = coordinate − sd·u/√K (Jacobian 1), and a folded intercept term with group-level columns
 * shears theirs too (src/model/group-level-fold.ts). With a fixed basis (src/model/fixed-basis.ts) the fixed
 * coordinates are θ = Lᵀ b first (Jacobian constant). This wrapper maps every position to the plain coordinates, lets
 * the inner backend (built on the plain spec) evaluate it, adds the Jacobians (log sd per split term, the basis's
 * constant) and pulls the gradient back. Cost: O(chains × (levels · (1 + q) + p²)) per call on the host (q group-level
 * columns folded per term); buffers are allocated
 * once. An inner backend that can (Backend.rotateLevels: the native engine and its wasm build) maps the split and
 * rotated terms without a group-level fold itself, where it stages the positions and in its level prior's pass; this
 * map then only copies the positions (one native copy) and does the O(p + terms) rest: shear, basis, Jacobian. When
 * it maps every such term, it applies the folds' shears and the fixed basis too (rotateLevels with folds and basis)
 * and the positions pass through uncopied (CoordinateMap.identity); the pull-backs stay here (O(p² + terms)).
 */
import type { Backend, BackendOptions } from './backend.js';
import { mapBackend, type PullBack } from './coordinate-map.js';
import { basisToFixed, fixedBasisLogJacobian, pullBackFixedGradient } from '../model/fixed-basis.js';
import { applyGroupLevelFold, pullBackGroupLevelFold, type GroupLevelFold } from '../model/group-level-fold.js';
import { foldColumnOf, groupLevelFoldOf, helmertCoefficients, isRotated, pullBackSplitGradient, splitMean, splitToEffects } from '../model/split.js';
import { denseFixedCount, levelCount, type ModelSpec, type VaryingTerm } from '../model/spec.js';
import * as pm from '../numeric/portable-math.js';

/**
 * Whether the spec has coordinates a backend cannot evaluate directly (split terms, terms folded into a fixed effect,
 * a fixed basis, correlated blocks — src/backend/correlated-terms.ts).
 */
export function needsCoordinateMap(spec: ModelSpec): boolean {
  return (
    spec.fixedBasis != null ||
    (spec.correlated?.length ?? 0) > 0 ||
    spec.terms.some((t) => t.parameterization === 'split' || foldColumnOf(t) >= 0)
  );
}

/**
 * The spec the inner backend sees: split terms as centered, no folding, no fixed basis, every sd on log scale (a signed
 * sd is mapped outside this map: src/backend/signed-scale.ts); offsets and dim unchanged.
 */
export function centeredSpec(spec: ModelSpec): ModelSpec {
  const terms: VaryingTerm[] = spec.terms.map((t) => {
    const { foldColumn: _fold, groupLevelFold: _groupLevel, signedScale: _signed, levelInformation: _information, ...plain } = t;
    return t.parameterization === 'split' ? { ...plain, parameterization: 'centered' } : plain;
  });
  return { ...spec, terms, fixedBasis: null };
}

interface MappedTerm {
  readonly sdIndex: number;
  readonly offset: number;
  readonly K: number;
  /** Split (centered deviations, sd-scaled mean; Jacobian sd) or rotated non-centered (Jacobian 1). */
  readonly split: boolean;
  /** Fixed column the mean is folded into, or -1. */
  readonly column: number;
  /** Group-level columns folded too (src/model/group-level-fold.ts), or null. */
  readonly groupLevel: GroupLevelFold | null;
  /** The Helmert basis's scales for K (helmertCoefficients), computed once. */
  readonly helmert: Float64Array;
  /**
   * The inner backend maps this term's Helmert coordinates itself (Backend.rotateLevels: splitToEffects on the way in,
   * pullBackSplitGradient and the split map's ∂/∂log sd on the way out); here only the fold's shear and the Jacobian.
   */
  readonly inner: boolean;
  /** The inner backend also applies the fold's shear (Backend.rotateLevels with folds): toInner leaves b_j alone. */
  readonly innerFold: boolean;
}

/** The fixed basis of the outer spec: L (p × p) and p, or null. */
interface Basis {
  readonly L: Float64Array;
  readonly p: number;
}

/**
 * The coordinate ranges [kept[2i], kept[2i+1]) that no mapped term writes (fixed effects, log sds, unmapped terms):
 * toInner copies only these, since splitToEffects writes every coordinate of a mapped term (at 10⁵ levels, copying
 * them first was a pass over every chain's position for nothing).
 */
function keptRanges(mapped: readonly MappedTerm[], dim: number): Uint32Array {
  const written = mapped.filter((t) => !t.inner).map((t) => [t.offset, t.offset + t.K] as const).sort((a, b) => a[0] - b[0]);
  const kept: number[] = [];
  let at = 0;
  for (const [from, to] of written) {
    if (from > at) kept.push(at, from);
    at = Math.max(at, to);
  }
  if (dim > at) kept.push(at, dim);
  return Uint32Array.from(kept);
}

/** Rewrites n positions (row-major, dim each) to the inner backend's coordinates, from `src` into `dst`. */
function toInner(mapped: readonly MappedTerm[], kept: Uint32Array, basis: Basis | null, dim: number, src: Float64Array, dst: Float64Array, n: number): void {
  // everything kept (only terms the inner backend maps): one native copy when src holds exactly the n positions
  const whole = kept.length === 2 && kept[0] === 0 && kept[1] === dim && src.length === n * dim && dst.length >= src.length;
  if (whole) dst.set(src);
  for (let c = 0; c < n; c++) {
    const base = c * dim;
    for (let r = 0; r < kept.length && !whole; r += 2) {
      for (let j = base + kept[r]; j < base + kept[r + 1]; j++) dst[j] = src[j];
    }
    // b (folded) = L⁻ᵀ θ first: the folds below act on the folded coefficients
    if (basis) basisToFixed(basis.L, basis.p, dst, base);
    for (const t of mapped) {
      const sd = pm.exp(src[base + t.sdIndex]);
      // split: r = sd·u/√K·1 + Q e;  rotated: z = u/√K·1 + Q e (by the inner backend for an `inner` term)
      if (!t.inner) splitToEffects(t.split ? sd : 1, src, base + t.offset, t.K, dst, base + t.offset, t.helmert);
      if (t.column >= 0 && !t.innerFold) dst[base + t.column] -= splitMean(sd, src[base + t.offset], t.K);
      // b_j −= C_j = s · rows_j · v with v = r (split, s = 1) or z (rotated, s = sd)
      if (t.groupLevel) applyGroupLevelFold(t.groupLevel, t.K, t.split ? 1 : sd, dst, base + t.offset, dst, base, -1);
    }
  }
}

export function wrapSplitTerms(outer: ModelSpec, inner: Backend, options: BackendOptions = {}): Backend {
  // terms without a group-level fold (whose shear reads the mapped effects) are mapped by the inner backend when it can
  const indices = outer.terms.flatMap((t, i) => (t.parameterization === 'split' || isRotated(t) ? [i] : []));
  const byInner = indices.filter((i) => groupLevelFoldOf(outer.terms[i]) === null);
  // every mapped term by the inner backend: the folds' shears and the fixed basis too when it can, and the positions
  // then pass through unchanged (no copy of every chain's position per call)
  const folds = byInner.map((i) => foldColumnOf(outer.terms[i]));
  const allInner = byInner.length > 0 && byInner.length === indices.length;
  const basis: Basis | null = outer.fixedBasis ? { L: outer.fixedBasis, p: denseFixedCount(outer.fixed) } : null;
  let innerMaps = false;
  let innerFolds = false;
  if (byInner.length > 0 && inner.rotateLevels) {
    if (allInner && (folds.some((column) => column >= 0) || basis)) {
      innerFolds = innerMaps = inner.rotateLevels(byInner, folds, basis ?? undefined) === true;
    }
    if (!innerMaps) innerMaps = inner.rotateLevels(byInner) === true;
  }
  const mapped: MappedTerm[] = indices.map((i) => {
    const t = outer.terms[i];
    const K = levelCount(outer, i);
    const byItself = innerMaps && byInner.includes(i);
    return { sdIndex: t.sdIndex, offset: t.offset, K, split: t.parameterization === 'split', column: foldColumnOf(t), groupLevel: groupLevelFoldOf(t), helmert: byItself ? new Float64Array(0) : helmertCoefficients(K), inner: byItself, innerFold: innerFolds };
  });
  const identity = innerMaps && allInner && (innerFolds || (folds.every((column) => column < 0) && !basis));
  const dim = outer.dim;
  const kept = keptRanges(mapped, dim);
  const basisJacobian = basis ? fixedBasisLogJacobian(basis.L, basis.p) : 0;
  /** The Jacobians and the gradient pulled back to the outer coordinates, after the inner call. */
  const pullBack: PullBack = (positions, innerPositions, _innerGrad, nChains, logp, grad, active) => {
    for (let c = 0; c < nChains; c++) {
      if (active && active[c] === 0) continue;
      const base = c * dim;
      for (const t of mapped) {
        const logSd = positions[base + t.sdIndex];
        const sd = pm.exp(logSd);
        const u = positions[base + t.offset];
        // the shared coefficient's gradient, before it is used below: b_j = coordinate − sd·u/√K
        const gb = t.column >= 0 ? grad[base + t.column] : 0;
        // the group-level shear b_j = β_j − s · rows_j · v: into the gradient with respect to v (the inner
        // coordinates, innerPositions) before v is pulled back; `sdShear` = Σ C_j g_b[j] is its
        // derivative factor for log sd when s = sd (rotated)
        const sdShear = t.groupLevel
          ? pullBackGroupLevelFold(t.groupLevel, t.K, t.split ? 1 : sd, innerPositions, base + t.offset, grad, base, base + t.offset)
          : 0;
        // (u, e) ← [s/√K · 1, Q]ᵀ g with s = sd (split) or 1 (rotated); `extra` = (s·u/√K)·Σg is ∂/∂log sd of
        // the split map at fixed (u, e) — the rotated map does not depend on sd (an `inner` term's backend did both)
        const extra = t.inner ? 0 : pullBackSplitGradient(t.split ? sd : 1, u, grad, base + t.offset, t.K, t.helmert);
        grad[base + t.offset] -= (sd / Math.sqrt(t.K)) * gb;
        grad[base + t.sdIndex] += (t.split ? extra + 1 : -sdShear) - splitMean(sd, u, t.K) * gb;
        if (t.split) logp[c] += logSd;
      }
      if (basis) {
        pullBackFixedGradient(basis.L, basis.p, grad, base);
        logp[c] += basisJacobian;
      }
      if (Number.isNaN(logp[c])) logp[c] = -Infinity;
    }
  };
  return mapBackend(
    outer,
    inner,
    { innerDim: dim, separateGradient: false, identity, toInner: (src, dst, n) => toInner(mapped, kept, innerFolds ? null : basis, dim, src, dst, n), pullBack },
    options,
  );
}
