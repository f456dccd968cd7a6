/**
 * The offset around any backend. A model with an offset o (spec.offset: η_i = o_i + Xb + …) is, to a backend, the
 * same model with one more fixed column, holding o, whose coefficient is pinned at 1: the inner spec
 * (offsetColumnSpec) appends that column after the p fixed effects, shifting every later coordinate (log sd, the
 * levels, the auxiliary parameters) by one. This map writes 1 into the inner position's extra coordinate, lets the
 * inner backend evaluate it, removes the pinned coefficient's prior (a constant: its log density at 1; its gradient
 * at 1 is 0) and drops its gradient. So the kernels (C++, WGSL) need no offset of their own. Cost per call: a copy of
 * the C positions and gradients, O(C × dim); X gets one more column (n more values), once.
 */
import type { Backend, BackendOptions } from './backend.js';
import { mapBackend, type PullBack } from './coordinate-map.js';
import { priorLogDensity, type Prior } from '../model/prior.js';
import type { ModelSpec } from '../model/spec.js';

/** Name of the offset's column in the inner spec (never a parameter name of the outer model). */
export const OFFSET_COLUMN = '(offset)';

/** The pinned coefficient's prior in the inner spec; the map takes its value at 1 back out. */
const PINNED_PRIOR: Prior = { family: 'normal', params: [1, 1] };

/**
 * The spec an inner backend sees: the offset as fixed column p (after the model's p columns), coefficient at
 * coordinate p; every later coordinate one further on; no offset field. The spec must have no coordinate map of its
 * own (split terms, folds, fixed basis: src/backend/split-terms.ts maps those first).
 */
export function offsetColumnSpec(spec: ModelSpec): ModelSpec {
  const offset = spec.offset;
  if (!offset) throw new Error('offsetColumnSpec: the spec has no offset');
  if (spec.fixedBasis) throw new Error('offsetColumnSpec: map the fixed basis first (src/backend/split-terms.ts)');
  const p = spec.fixed.names.length;
  const n = spec.n;
  const X = new Float64Array(n * (p + 1));
  for (let i = 0; i < n; i++) {
    X.set(spec.fixed.X.subarray(i * p, (i + 1) * p), i * (p + 1));
    X[i * (p + 1) + p] = offset[i];
  }
  const { offset: _offset, ...rest } = spec;
  return {
    ...rest,
    fixed: {
      names: [...spec.fixed.names, OFFSET_COLUMN],
      X,
      interceptColumn: spec.fixed.interceptColumn,
      priors: [...spec.fixed.priors, PINNED_PRIOR],
    },
    terms: spec.terms.map((t) => ({ ...t, sdIndex: t.sdIndex + 1, offset: t.offset + 1 })),
    ...(spec.aux ? { aux: spec.aux.map((a) => ({ ...a, index: a.index + 1 })) } : {}),
    dim: spec.dim + 1,
    fixedBasis: null,
  };
}

/** Copies n outer positions (dim each) into inner ones (dim + 1 each) with 1 at coordinate p. */
function toInner(src: Float64Array, dst: Float64Array, n: number, dim: number, p: number): void {
  for (let c = 0; c < n; c++) {
    const from = c * dim;
    const to = c * (dim + 1);
    dst.set(src.subarray(from, from + p), to);
    dst[to + p] = 1;
    dst.set(src.subarray(from + p, from + dim), to + p + 1);
  }
}

/** `inner` must be built on offsetColumnSpec(outer). */
export function wrapOffset(outer: ModelSpec, inner: Backend, options: BackendOptions = {}): Backend {
  const dim = outer.dim;
  const p = outer.fixed.names.length;
  if (inner.dim !== dim + 1) throw new Error(`wrapOffset: the inner backend has dimension ${inner.dim}, expected ${dim + 1}`);
  const pinnedLogPrior = priorLogDensity(PINNED_PRIOR, 1);
  /** After the inner call: the gradient without the pinned column and the log density without its prior. */
  const pullBack: PullBack = (_positions, _innerPositions, gradient, nChains, logp, grad, active) => {
    for (let c = 0; c < nChains; c++) {
      if (active && active[c] === 0) continue;
      const from = c * (dim + 1);
      const to = c * dim;
      grad.set(gradient.subarray(from, from + p), to);
      grad.set(gradient.subarray(from + p + 1, from + dim + 1), to + p);
      logp[c] -= pinnedLogPrior;
      if (Number.isNaN(logp[c])) logp[c] = -Infinity;
    }
  };
  return mapBackend(
    outer,
    inner,
    { innerDim: dim + 1, separateGradient: true, toInner: (src, dst, n) => toInner(src, dst, n, dim, p), pullBack },
    options,
  );
}
