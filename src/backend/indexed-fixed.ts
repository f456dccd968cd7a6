/**
 * Indexed fixed-effect terms around any backend. An indexed term (spec.ts IndexedFixedTerm: a factor with many
 * levels, or its interaction with a numeric column or another factor) adds x_i · b[coefficient[cell_i]] to η — the
 * gather of a varying term, without its prior. So a backend sees it as one: the inner spec (indexedInnerSpec) keeps
 * the q dense columns as its fixed effects and appends, per indexed term, a flat centered term (spec.ts
 * VaryingTerm.flat: no level prior) on a grouping factor of the term's cells, with coordinates [log sd, r_1 … r_K]
 * after every outer coordinate. This map gathers r_k = b[coefficient[k]] (0 for a reference cell) and pins log sd at
 * 0, lets the inner backend evaluate, takes the pinned sd's prior (a constant) back out, scatters the gradient of
 * each r_k onto its coefficient and adds the indexed coefficients' own priors (the inner spec carries only the dense
 * columns' priors). The outer coordinates [q, p) stay in the inner vector, unread by the inner backend (gradient 0).
 * So the row kernels (C++, WGSL) reuse their varying-term gather and scatter-add and need only the flag that skips
 * the level prior. Cost per call: O(chains × (dim + Σ cells)) on the host; no n × levels array anywhere.
 */
import type { Backend, BackendOptions } from './backend.js';
import { logScalePriorLogDensity, priorDlogDensity, priorLogDensity, type Prior } from '../model/prior.js';
import { denseFixedCount, type GroupingFactor, type ModelSpec, type VaryingTerm } from '../model/spec.js';

/** Prior of the pinned sd coordinate of a flat term (unused: the map takes its value at log sd = 0 back out). */
const PINNED_SD_PRIOR: Prior = { family: 'normal', params: [0, 1] };

export function hasIndexedFixed(spec: ModelSpec): boolean {
  return (spec.fixed.indexed?.length ?? 0) > 0;
}

/**
 * The spec an inner backend sees: fixed effects the q dense columns; each indexed term a flat term on a group
 * "(indexed) <label>" whose levels are the term's cells, its coordinates appended after the outer dim. The spec's
 * split terms, folds and fixed basis must be mapped first (src/backend/split-terms.ts); the offset may remain.
 */
export function indexedInnerSpec(spec: ModelSpec): ModelSpec {
  const q = denseFixedCount(spec.fixed);
  const indexed = spec.fixed.indexed ?? [];
  const groups: GroupingFactor[] = [...spec.groups];
  const terms: VaryingTerm[] = [...spec.terms];
  let next = spec.dim;
  for (const term of indexed) {
    // level names are never read by a backend; an empty-string array of the right length keeps levelCount right
    groups.push({ name: `(indexed) ${term.label}`, levels: new Array<string>(term.levels).fill(''), index: term.index });
    terms.push({
      group: groups.length - 1,
      term: term.label,
      x: term.x,
      parameterization: 'centered',
      flat: true,
      sdPrior: PINNED_SD_PRIOR,
      sdIndex: next,
      offset: next + 1,
    });
    next += 1 + term.levels;
  }
  const { indexed: _indexed, ...fixed } = spec.fixed;
  return {
    ...spec,
    fixed: { ...fixed, names: spec.fixed.names.slice(0, q), priors: spec.fixed.priors.slice(0, q) },
    groups,
    terms,
    dim: next,
  };
}

export function wrapIndexedFixed(outer: ModelSpec, inner: Backend, options: BackendOptions = {}): Backend {
  const dim = outer.dim;
  const innerDim = inner.dim;
  const q = denseFixedCount(outer.fixed);
  const p = outer.fixed.names.length;
  const priors = outer.fixed.priors;
  const flat = inner.spec.terms.filter((t) => t.flat);
  const coefficients = (outer.fixed.indexed ?? []).map((t) => t.coefficient);
  const pinnedPrior = flat.length * logScalePriorLogDensity(PINNED_SD_PRIOR, 0);
  let positionsScratch = new Float64Array((options.maxChains ?? 4) * innerDim);
  let gradScratch = new Float64Array((options.maxChains ?? 4) * innerDim);
  let drawsScratch = new Float64Array(0);

  /** n outer positions (dim each) → inner ones (innerDim each). */
  function toInner(src: Float64Array, dst: Float64Array, n: number): void {
    for (let c = 0; c < n; c++) {
      const from = c * dim;
      const to = c * innerDim;
      dst.set(src.subarray(from, from + dim), to);
      flat.forEach((t, f) => {
        const coefficient = coefficients[f];
        dst[to + t.sdIndex] = 0;
        const first = to + t.offset;
        for (let k = 0; k < coefficient.length; k++) dst[first + k] = coefficient[k] >= 0 ? src[from + coefficient[k]] : 0;
      });
    }
  }

  return {
    kind: inner.kind,
    description: inner.description,
    spec: outer,
    dim,
    async logDensityGradient(positions, nChains, logp, grad, active) {
      if (positionsScratch.length < nChains * innerDim) {
        positionsScratch = new Float64Array(nChains * innerDim);
        gradScratch = new Float64Array(nChains * innerDim);
      }
      toInner(positions, positionsScratch, nChains);
      await inner.logDensityGradient(positionsScratch, nChains, logp, gradScratch, active);
      for (let c = 0; c < nChains; c++) {
        if (active && active[c] === 0) continue;
        const from = c * innerDim;
        const to = c * dim;
        grad.set(gradScratch.subarray(from, from + dim), to);
        let lp = logp[c] - pinnedPrior;
        // the indexed coefficients' priors (the inner spec has the dense columns' only)
        for (let j = q; j < p; j++) {
          const b = positions[to + j];
          lp += priorLogDensity(priors[j], b);
          grad[to + j] += priorDlogDensity(priors[j], b);
        }
        flat.forEach((t, f) => {
          const coefficient = coefficients[f];
          const first = from + t.offset;
          for (let k = 0; k < coefficient.length; k++) if (coefficient[k] >= 0) grad[to + coefficient[k]] += gradScratch[first + k];
        });
        logp[c] = Number.isNaN(lp) ? -Infinity : lp;
      }
    },
    async pointwiseLogLik(draws, nDraws, rowStart, rowCount, out) {
      if (drawsScratch.length < nDraws * innerDim) drawsScratch = new Float64Array(nDraws * innerDim);
      toInner(draws, drawsScratch, nDraws);
      await inner.pointwiseLogLik(drawsScratch, nDraws, rowStart, rowCount, out);
    },
    dispose: () => inner.dispose(),
  };
}
