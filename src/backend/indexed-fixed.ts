/**
 * Indexed fixed-effect terms around any backend. An indexed term (spec.ts IndexedFixedTerm: a factor with many
 * levels, or its interaction with a numeric column or another factor) adds x_i · b[coefficient[cell_i]] to η — the
 * gather of a varying term, without its prior. So a backend sees it as one: the inner spec (indexedInnerSpec) keeps
 * the q dense columns as its fixed effects, drops the indexed coefficients [q, p) from its vector (every later
 * coordinate moves down by p − q) and appends, per indexed term, a flat centered term (spec.ts VaryingTerm.flat: no
 * level prior) on a grouping factor of the term's cells, with coordinates [log sd, r_1 … r_K]. This map gathers
 * r_k = b[coefficient[k]] (0 for a reference cell) and pins log sd at 0, lets the inner backend evaluate, takes the
 * pinned sd's prior (a constant) back out, scatters the gradient of each r_k onto its coefficient and adds the indexed
 * coefficients' own priors (the inner spec carries only the dense columns'). So the row kernels (C++, WGSL) reuse
 * their varying-term gather and scatter-add and need only the flag that skips the level prior. Cost per call:
 * O(chains × (dim + Σ cells)) on the host, in flat typed-array loops; no n × levels array anywhere.
 */
import type { Backend, BackendOptions } from './backend.js';
import { mapBackend, type PullBack } from './coordinate-map.js';
import { logScalePriorLogDensity, priorDlogDensity, priorLogDensity, type Prior } from '../model/prior.js';
import { denseFixedCount, type GroupingFactor, type ModelSpec, type VaryingTerm } from '../model/spec.js';

/** Prior of the pinned sd coordinate of a flat term (unused: the map takes its value at log sd = 0 back out). */
const PINNED_SD_PRIOR: Prior = { family: 'normal', params: [0, 1] };

export function hasIndexedFixed(spec: ModelSpec): boolean {
  return (spec.fixed.indexed?.length ?? 0) > 0;
}

/**
 * The spec an inner backend sees: fixed effects the q dense columns; the outer coordinates from p on moved down by
 * p − q; each indexed term a flat term on a group "(indexed) <label>" whose levels are the term's cells, its
 * coordinates appended at the end. The spec's split terms, folds and fixed basis must be mapped first
 * (src/backend/split-terms.ts); the offset may remain.
 */
export function indexedInnerSpec(spec: ModelSpec): ModelSpec {
  const q = denseFixedCount(spec.fixed);
  const shift = spec.fixed.names.length - q;
  const groups: GroupingFactor[] = [...spec.groups];
  const terms: VaryingTerm[] = spec.terms.map((t) => ({ ...t, sdIndex: t.sdIndex - shift, offset: t.offset - shift }));
  let next = spec.dim - shift;
  for (const term of spec.fixed.indexed ?? []) {
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
    ...(spec.aux ? { aux: spec.aux.map((a) => ({ ...a, index: a.index - shift })) } : {}),
    ...(spec.correlated ? { correlated: spec.correlated.map((b) => ({ ...b, cpcIndex: b.cpcIndex - shift })) } : {}),
    dim: next,
  };
}

/** The priors of coefficients [q, p): Normal ones as arrays (the common case: one flat loop), others one by one. */
interface IndexedPriors {
  readonly normal: boolean;
  readonly mean: Float64Array;
  readonly precision: Float64Array;
  /** Σ (−log sd − log √(2π)) over the normal priors. */
  readonly constant: number;
}

function indexedPriors(priors: readonly Prior[], q: number, p: number): IndexedPriors {
  const normal = priors.slice(q, p).every((prior) => prior.family === 'normal');
  const mean = new Float64Array(normal ? p - q : 0);
  const precision = new Float64Array(normal ? p - q : 0);
  let constant = 0;
  if (normal) {
    for (let j = q; j < p; j++) {
      const [mu, sd] = priors[j].params;
      mean[j - q] = mu;
      precision[j - q] = 1 / (sd * sd);
      constant += priorLogDensity(priors[j], mu);
    }
  }
  return { normal, mean, precision, constant };
}

export function wrapIndexedFixed(outer: ModelSpec, inner: Backend, options: BackendOptions = {}): Backend {
  const dim = outer.dim;
  const innerDim = inner.dim;
  const q = denseFixedCount(outer.fixed);
  const p = outer.fixed.names.length;
  const appended = dim - (p - q);
  // per appended inner coordinate: the outer coordinate it gathers, or −1 (a pinned log sd, a reference cell)
  const source = new Int32Array(innerDim - appended).fill(-1);
  let at = 0;
  for (const term of outer.fixed.indexed ?? []) {
    source.set(term.coefficient, at + 1);
    at += 1 + term.levels;
  }
  const flatTerms = inner.spec.terms.filter((t) => t.flat).length;
  const pinnedPrior = flatTerms * logScalePriorLogDensity(PINNED_SD_PRIOR, 0);
  const priors = indexedPriors(outer.fixed.priors, q, p);

  /** n outer positions (dim each) → inner ones (innerDim each). */
  function toInner(src: Float64Array, dst: Float64Array, n: number): void {
    for (let c = 0; c < n; c++) {
      const from = c * dim;
      const to = c * innerDim;
      dst.set(src.subarray(from, from + q), to);
      dst.set(src.subarray(from + p, from + dim), to + q);
      for (let k = 0; k < source.length; k++) dst[to + appended + k] = source[k] >= 0 ? src[from + source[k]] : 0;
    }
  }

  /** The indexed coefficients' priors at positions[to + q … to + p), their gradient into grad there. */
  function addPriors(positions: Float64Array, grad: Float64Array, to: number): number {
    if (priors.normal) {
      let ss = 0;
      for (let j = 0; j < p - q; j++) {
        const d = positions[to + q + j] - priors.mean[j];
        const w = d * priors.precision[j];
        ss += d * w;
        grad[to + q + j] -= w;
      }
      return priors.constant - 0.5 * ss;
    }
    let lp = 0;
    for (let j = q; j < p; j++) {
      lp += priorLogDensity(outer.fixed.priors[j], positions[to + j]);
      grad[to + j] += priorDlogDensity(outer.fixed.priors[j], positions[to + j]);
    }
    return lp;
  }

  /** After the inner call: the gradient gathered back to the outer coordinates, the indexed coefficients' priors added. */
  const pullBack: PullBack = (positions, _innerPositions, gradScratch, nChains, logp, grad, active) => {
    for (let c = 0; c < nChains; c++) {
      if (active && active[c] === 0) continue;
      const from = c * innerDim;
      const to = c * dim;
      grad.set(gradScratch.subarray(from, from + q), to);
      grad.fill(0, to + q, to + p);
      grad.set(gradScratch.subarray(from + q, from + appended), to + p);
      for (let k = 0; k < source.length; k++) if (source[k] >= 0) grad[to + source[k]] += gradScratch[from + appended + k];
      const lp = logp[c] - pinnedPrior + addPriors(positions, grad, to);
      logp[c] = Number.isNaN(lp) ? -Infinity : lp;
    }
  };
  return mapBackend(outer, inner, { innerDim, separateGradient: true, toInner, pullBack }, options);
}
