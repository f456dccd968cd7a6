/**
 * Split terms around any backend. Backends evaluate centered and non-centered terms; a split term (mean
 * non-centered, deviations centered — src/model/split.ts) is the centered term after a linear change of its K
 * coordinates that depends on sd. This wrapper maps every position to the centered coordinates, lets the inner
 * backend (built on the same spec with split terms marked centered) evaluate it, adds the Jacobian log sd per split
 * term and pulls the gradient back. A split term that shares fixed column j also shears that coordinate:
 * b_j = coordinate − sd·u/√K (Jacobian 1). Cost: O(chains × levels) per call on the host; buffers are allocated once.
 */
import type { Backend, BackendOptions } from './backend.js';
import { pullBackSplitGradient, splitMean, splitToEffects } from '../model/split.js';
import { levelCount, type ModelSpec, type VaryingTerm } from '../model/spec.js';

export function hasSplitTerms(spec: ModelSpec): boolean {
  return spec.terms.some((t) => t.parameterization === 'split');
}

/** The spec the inner backend sees: split terms as centered, everything else (offsets, dim) unchanged. */
export function centeredSpec(spec: ModelSpec): ModelSpec {
  const terms: VaryingTerm[] = spec.terms.map((t) => (t.parameterization === 'split' ? { ...t, parameterization: 'centered' } : t));
  return { ...spec, terms };
}

interface SplitTerm {
  readonly sdIndex: number;
  readonly offset: number;
  readonly K: number;
  /** Shared fixed column (sheared), or -1. */
  readonly column: number;
}

/** Rewrites n positions (row-major, dim each) from split to centered coordinates, from `src` into `dst`. */
function toCentered(split: readonly SplitTerm[], dim: number, src: Float64Array, dst: Float64Array, n: number): void {
  dst.set(src.subarray(0, n * dim));
  for (let c = 0; c < n; c++) {
    const base = c * dim;
    for (const t of split) {
      const sd = Math.exp(src[base + t.sdIndex]);
      splitToEffects(sd, src, base + t.offset, t.K, dst, base + t.offset);
      if (t.column >= 0) dst[base + t.column] -= splitMean(sd, src[base + t.offset], t.K);
    }
  }
}

export function wrapSplitTerms(outer: ModelSpec, inner: Backend, options: BackendOptions = {}): Backend {
  const split: SplitTerm[] = [];
  outer.terms.forEach((t, i) => {
    if (t.parameterization === 'split') {
      split.push({ sdIndex: t.sdIndex, offset: t.offset, K: levelCount(outer, i), column: t.splitColumn ?? -1 });
    }
  });
  const dim = outer.dim;
  let positionsScratch = new Float64Array((options.maxChains ?? 4) * dim);
  let drawsScratch = new Float64Array(0);
  return {
    kind: inner.kind,
    description: inner.description,
    spec: outer,
    dim,
    async logDensityGradient(positions, nChains, logp, grad, active) {
      if (positionsScratch.length < nChains * dim) positionsScratch = new Float64Array(nChains * dim);
      toCentered(split, dim, positions, positionsScratch, nChains);
      await inner.logDensityGradient(positionsScratch, nChains, logp, grad, active);
      for (let c = 0; c < nChains; c++) {
        if (active && active[c] === 0) continue;
        const base = c * dim;
        for (const t of split) {
          const logSd = positions[base + t.sdIndex];
          const sd = Math.exp(logSd);
          const u = positions[base + t.offset];
          // the shared coefficient's gradient, before it is used below: b_j = coordinate − sd·u/√K
          const gb = t.column >= 0 ? grad[base + t.column] : 0;
          const extra = pullBackSplitGradient(sd, u, grad, base + t.offset, t.K);
          grad[base + t.offset] -= (sd / Math.sqrt(t.K)) * gb;
          grad[base + t.sdIndex] += extra - splitMean(sd, u, t.K) * gb + 1;
          logp[c] += logSd;
        }
        if (Number.isNaN(logp[c])) logp[c] = -Infinity;
      }
    },
    async pointwiseLogLik(draws, nDraws, rowStart, rowCount, out) {
      if (drawsScratch.length < nDraws * dim) drawsScratch = new Float64Array(nDraws * dim);
      toCentered(split, dim, draws, drawsScratch, nDraws);
      await inner.pointwiseLogLik(drawsScratch, nDraws, rowStart, rowCount, out);
    },
    dispose: () => inner.dispose(),
  };
}
