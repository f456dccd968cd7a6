/**
 * Correlated varying effects around any backend (src/model/correlated-effects.ts has the algebra). The inner backend
 * is built on the spec without correlated blocks, where every term of a block is a plain non-centered term; it is
 * given log sd = 0 for those terms and the effects r themselves as their coordinates, so it computes the likelihood
 * at the right linear predictor and, for those terms, the level prior −½ Σ r² − K log √(2π) and the sd prior at
 * sd = 1 — both known in closed form, subtracted here. Then this adds the terms' sd priors at their real sd, the
 * block's density (MVN through the Cholesky factor, LKJ, Jacobians), and pulls the gradient back: the inner
 * gradient at an effect coordinate is g − r (g = ∂ likelihood/∂r, at sd = 1), so g is recovered exactly.
 * No backend kernel changes: native, WebGPU and reference all run it.
 *
 * Host cost per call: O(chains × Σ_blocks K·m²) (K levels, m terms per block), plus an O(chains × dim) copy of the
 * positions; buffers are allocated once (positions grow only if a call has more chains than maxChains).
 */
import type { Backend, BackendOptions } from './backend.js';
import { mapBackend, type PullBack } from './coordinate-map.js';
import { CorrelatedBlockDensity } from '../model/correlated-effects.js';
import { logScalePriorDlogDensity, logScalePriorLogDensity, type Prior } from '../model/prior.js';
import { denseFixedCount, type ModelSpec, type VaryingTerm } from '../model/spec.js';
import * as pm from '../numeric/portable-math.js';

/** A term of a block whose levels' mean is folded into fixed column `column` (CorrelatedBlock.foldColumns). */
interface Fold {
  /** Index of the term within the block. */
  readonly term: number;
  readonly column: number;
}

const LOG_SQRT_2PI = 0.5 * pm.log(2 * Math.PI);

export function hasCorrelatedTerms(spec: ModelSpec): boolean {
  return (spec.correlated?.length ?? 0) > 0;
}

/** The spec the inner backend sees: the blocks' terms plain non-centered (no fold), no blocks; dim and offsets unchanged. */
export function uncorrelatedSpec(spec: ModelSpec): ModelSpec {
  const inBlock = new Set((spec.correlated ?? []).flatMap((b) => b.terms));
  const terms: VaryingTerm[] = spec.terms.map((t, i) => {
    if (!inBlock.has(i)) return t;
    const { foldColumn: _fold, ...plain } = t;
    return { ...plain, parameterization: 'noncentered' };
  });
  const { correlated: _blocks, ...rest } = spec;
  return { ...rest, terms };
}

interface MappedBlock {
  readonly density: CorrelatedBlockDensity;
  readonly sdPriors: readonly Prior[];
  /** The inner sd prior's log density at log sd = 0, per term (subtracted). */
  readonly atZero: Float64Array;
  readonly folds: readonly Fold[];
}

export function wrapCorrelatedTerms(outer: ModelSpec, inner: Backend, options: BackendOptions = {}): Backend {
  const blocks: MappedBlock[] = (outer.correlated ?? []).map((block) => {
    const sdPriors = block.terms.map((t) => outer.terms[t].sdPrior);
    return {
      density: new CorrelatedBlockDensity(outer, block),
      sdPriors,
      atZero: Float64Array.from(sdPriors, (p) => logScalePriorLogDensity(p, 0)),
      folds: (block.foldColumns ?? []).flatMap((column, term) => (column >= 0 ? [{ term, column }] : [])),
    };
  });
  // b_j = coordinate − mean_k r_k moves the fixed coordinates θ = Lᵀb (src/model/fixed-basis.ts) by −mean · Lᵀe_j,
  // i.e. θ_a −= mean · L_ja (a ≤ j); without a basis θ_j −= mean. `shift(j, a)` is that coefficient.
  const p = denseFixedCount(outer.fixed);
  const basis = outer.fixedBasis ?? null;
  const shift = (j: number, a: number): number => (basis ? (a <= j ? basis[j * p + a] : 0) : a === j ? 1 : 0);
  const dim = outer.dim;
  const toInner = (src: Float64Array, dst: Float64Array, n: number): void => {
    dst.set(src.subarray(0, n * dim));
    for (let c = 0; c < n; c++) {
      const base = c * dim;
      for (const { density } of blocks) {
        density.effects(src, base, dst, base);
        for (let i = 0; i < density.m; i++) dst[base + density.sdIndex[i]] = 0;
      }
      for (const { density, folds } of blocks) {
        for (const { term, column } of folds) {
          let mean = 0;
          for (let k = 0; k < density.K; k++) mean += dst[base + density.offset[term] + k];
          mean /= density.K;
          for (let a = 0; a <= column; a++) dst[base + a] -= mean * shift(column, a);
        }
      }
    }
  };
  /**
   * After the inner call on the group effects r (toInner's output, `effects`): the blocks' densities added and the
   * gradient pulled back to their coordinates.
   */
  const pullBack: PullBack = (positions, effects, _innerGrad, nChains, logp, grad, active) => {
    for (let c = 0; c < nChains; c++) {
      if (active && active[c] === 0) continue;
      const base = c * dim;
      let lp = logp[c];
      for (const { density, sdPriors, atZero, folds } of blocks) {
        const { m, K, offset, sdIndex } = density;
        // a fold makes every r_ki of the term move the fixed coordinates by −(1/K)·Lᵀe_j: ∂/∂r_ki += h/K
        for (const { term, column } of folds) {
          let h = 0;
          for (let a = 0; a <= column; a++) h -= shift(column, a) * grad[base + a];
          for (let k = 0; k < K; k++) grad[base + offset[term] + k] += h / K;
        }
        for (let i = 0; i < m; i++) {
          // the inner level prior at sd = 1 out, g = inner gradient + r
          let sumSq = 0;
          for (let k = 0; k < K; k++) {
            const r = effects[base + offset[i] + k];
            sumSq += r * r;
            grad[base + offset[i] + k] += r;
          }
          const u = positions[base + sdIndex[i]];
          lp += 0.5 * sumSq + K * LOG_SQRT_2PI - atZero[i] + logScalePriorLogDensity(sdPriors[i], u);
          grad[base + sdIndex[i]] = logScalePriorDlogDensity(sdPriors[i], u);
        }
        grad.fill(0, base + density.cpcIndex, base + density.cpcIndex + (m * (m - 1)) / 2);
        lp += density.addLogDensity(positions, base, effects, base, grad, base);
      }
      logp[c] = Number.isFinite(lp) ? lp : -Infinity;
    }
  };
  return mapBackend(outer, inner, { innerDim: dim, separateGradient: false, toInner, pullBack }, options);
}
