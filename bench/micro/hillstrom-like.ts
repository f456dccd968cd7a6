/**
 * Hillstrom-like ModelSpecs of any size for the micro benchmarks: the same columns, priors and parameter layout
 * as the reference analysis (DESIGN.md), with simulated rows, so that rows can be scaled from 1k to 1M.
 * (Stand-in until src/data/simulate/hillstrom.ts lands; only the shape of the data matters for throughput.)
 *
 *   pooled:       y ~ treatment + recency_z + history_z + mens + womens + newbie              (p = 7)
 *   hierarchical: the same + (0 + treatment | history_segment), non-centered, 7 segments
 */
import { Rng } from '../../src/rng.js';
import type { Prior } from '../../src/model/prior.js';
import type { GroupingFactor, ModelSpec, VaryingTerm } from '../../src/model/spec.js';
import type { ModelShape } from '../machine.js';

export type MicroModel = 'pooled' | 'hierarchical';

const FIXED = ['Intercept', 'treatment', 'recency_z', 'history_z', 'mens', 'womens', 'newbie'];
const INTERCEPT_PRIOR: Prior = { family: 'normal', params: [-3, 1] };
const SLOPE_PRIOR: Prior = { family: 'normal', params: [0, 0.5] };
const SD_PRIOR: Prior = { family: 'halfnormal', params: [0.5] };
/** history_segment cut points in dollars, as in the data set's seven labelled segments. */
const HISTORY_CUTS = [100, 200, 350, 500, 750, 1000];
const SEGMENTS = ['1) $0 - $100', '2) $100 - $200', '3) $200 - $350', '4) $350 - $500', '5) $500 - $750', '6) $750 - $1,000', '7) $1,000 +'];
/** Roughly the real data's fitted coefficients (conversion rate ≈ 0.9%). */
const TRUTH = [-5.2, 0.6, -0.25, 0.15, 0.1, 0.1, -0.4];

export function modelShape(model: MicroModel): ModelShape {
  return { p: FIXED.length, terms: model === 'hierarchical' ? [{ covariate: true }] : [] };
}

function standardise(v: Float64Array): void {
  let mean = 0;
  for (let i = 0; i < v.length; i++) mean += v[i];
  mean /= v.length;
  let ss = 0;
  for (let i = 0; i < v.length; i++) ss += (v[i] - mean) ** 2;
  const sd = Math.sqrt(ss / Math.max(1, v.length - 1)) || 1;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] - mean) / sd;
}

export function hillstromLikeSpec(model: MicroModel, rows: number, seed = 1): ModelSpec {
  const rng = new Rng(seed);
  const n = rows;
  const p = FIXED.length;
  const recency = new Float64Array(n);
  const history = new Float64Array(n);
  const treatment = new Float64Array(n);
  const segment = new Uint32Array(n);
  const X = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    recency[i] = 1 + rng.int(12);
    history[i] = Math.exp(5 + 0.9 * rng.normal());
    let s = 0;
    while (s < HISTORY_CUTS.length && history[i] >= HISTORY_CUTS[s]) s++;
    segment[i] = s;
    treatment[i] = rng.bernoulli(2 / 3);
  }
  standardise(recency);
  standardise(history);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mens = rng.bernoulli(0.55);
    const womens = mens ? rng.bernoulli(0.55) : 1;
    const row = [1, treatment[i], recency[i], history[i], mens, womens, rng.bernoulli(0.5)];
    let eta = 0;
    for (let j = 0; j < p; j++) {
      X[i * p + j] = row[j];
      eta += row[j] * TRUTH[j];
    }
    y[i] = rng.bernoulli(1 / (1 + Math.exp(-eta)));
  }
  const groups: GroupingFactor[] = [];
  const terms: VaryingTerm[] = [];
  let dim = p;
  if (model === 'hierarchical') {
    groups.push({ name: 'history_segment', levels: SEGMENTS, index: segment });
    terms.push({
      group: 0,
      term: 'treatment',
      x: treatment,
      parameterization: 'noncentered',
      sdPrior: SD_PRIOR,
      sdIndex: p,
      offset: p + 1,
    });
    dim += 1 + SEGMENTS.length;
  }
  return {
    formula: `conversion ~ ${FIXED.slice(1).join(' + ')}${model === 'hierarchical' ? ' + (0 + treatment | history_segment)' : ''}`,
    family: 'bernoulli',
    n,
    outcome: 'conversion',
    y,
    trials: null,
    logChoose: null,
    fixed: { names: FIXED, X, interceptColumn: 0, priors: [INTERCEPT_PRIOR, ...FIXED.slice(1).map(() => SLOPE_PRIOR)] },
    groups,
    terms,
    dim,
  };
}

/** nChains unconstrained positions scattered around the truth (chains × dim, row-major). */
export function positionsNearTruth(spec: ModelSpec, nChains: number, seed = 2): Float64Array {
  const rng = new Rng(seed, 1);
  const out = new Float64Array(nChains * spec.dim);
  const p = spec.fixed.names.length;
  for (let c = 0; c < nChains; c++) {
    const base = c * spec.dim;
    for (let j = 0; j < p; j++) out[base + j] = TRUTH[j] + 0.05 * rng.normal();
    for (const term of spec.terms) {
      out[base + term.sdIndex] = Math.log(0.2) + 0.3 * rng.normal();
      for (let k = 0; k < spec.groups[term.group].levels.length; k++) out[base + term.offset + k] = rng.normal();
    }
  }
  return out;
}
