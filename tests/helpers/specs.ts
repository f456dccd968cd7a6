/**
 * Hand-built ModelSpecs with random data, for backend parity and gradient tests that must not depend on the formula
 * builder. Layout follows src/model/spec.ts exactly.
 */
import { Rng } from '../../src/rng.js';
import { lgamma } from '../../src/numeric/log-gamma.js';
import type { Prior } from '../../src/model/prior.js';
import { fixedBasisFactor } from '../../src/model/fixed-basis.js';
import type { CorrelatedBlock, GroupingFactor, ModelSpec, Parameterization, VaryingTerm } from '../../src/model/spec.js';

export type SpecKind = 'pooled' | 'hierarchical' | 'crossed' | 'binomial' | 'manylevels';

export interface RandomSpecOptions {
  n?: number;
  seed?: number;
  /** Levels of the single grouping factor of 'manylevels' (default 100,000). */
  levels?: number;
}

const B_PRIOR: Prior = { family: 'normal', params: [0, 0.5] };
const INTERCEPT_PRIOR: Prior = { family: 'normal', params: [-3, 1] };
const SD_PRIOR: Prior = { family: 'halfnormal', params: [0.5] };

interface TermPlan {
  group: number;
  term: string;
  x: Float64Array | null;
  parameterization: Parameterization;
  sdPrior?: Prior;
}

function groupingFactor(name: string, K: number, n: number, rng: Rng): GroupingFactor {
  const index = new Uint32Array(n);
  for (let i = 0; i < n; i++) index[i] = i < K ? i : rng.int(K); // every level gets at least one row when n >= K
  return { name, levels: Array.from({ length: K }, (_, k) => `L${k + 1}`), index };
}

export function randomSpec(kind: SpecKind, options: RandomSpecOptions = {}): ModelSpec {
  const rng = new Rng(options.seed ?? 1);
  const n = options.n ?? (kind === 'manylevels' ? 2 * (options.levels ?? 100_000) : 2000);
  // fixed effects: intercept, a 0/1 treatment, a standardised covariate, a skewed covariate
  const names = ['Intercept', 'treatment', 'x1', 'x2'];
  const p = names.length;
  const X = new Float64Array(n * p);
  const treatment = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    treatment[i] = rng.bernoulli(0.66);
    X[i * p] = 1;
    X[i * p + 1] = treatment[i];
    X[i * p + 2] = rng.normal();
    X[i * p + 3] = Math.exp(0.5 * rng.normal()) - 1;
  }
  const groups: GroupingFactor[] = [];
  const plans: TermPlan[] = [];
  if (kind === 'hierarchical' || kind === 'crossed' || kind === 'binomial') {
    groups.push(groupingFactor('segment', 7, n, rng));
    plans.push({ group: 0, term: 'treatment', x: treatment, parameterization: 'noncentered' });
  }
  if (kind === 'crossed' || kind === 'binomial') {
    groups.push(groupingFactor('zip', 3, n, rng));
    groups.push(groupingFactor('channel', 5, n, rng));
    plans.push({ group: 1, term: 'Intercept', x: null, parameterization: 'centered' });
    plans.push({ group: 2, term: 'Intercept', x: null, parameterization: 'noncentered', sdPrior: { family: 'exponential', params: [2] } });
    plans.push({ group: 2, term: 'x1', x: X.filter((_, k) => k % p === 2), parameterization: 'centered', sdPrior: { family: 'halfstudent_t', params: [3, 1] } });
  }
  if (kind === 'manylevels') {
    groups.push(groupingFactor('user', options.levels ?? 100_000, n, rng));
    plans.push({ group: 0, term: 'Intercept', x: null, parameterization: 'noncentered' });
  }
  let offset = p;
  const terms: VaryingTerm[] = plans.map((plan) => {
    const K = groups[plan.group].levels.length;
    const term: VaryingTerm = {
      group: plan.group,
      term: plan.term,
      x: plan.x,
      parameterization: plan.parameterization,
      sdPrior: plan.sdPrior ?? SD_PRIOR,
      sdIndex: offset,
      offset: offset + 1,
    };
    offset += 1 + K;
    return term;
  });

  // outcome drawn at a plausible truth so that the data are informative but rare-event like the real data
  const y = new Float64Array(n);
  const trials = kind === 'binomial' ? new Float64Array(n) : null;
  const logChoose = kind === 'binomial' ? new Float64Array(n) : null;
  const truthB = [-2.5, 0.5, -0.2, 0.3];
  const effects = plans.map((plan) => Float64Array.from(groups[plan.group].levels, () => 0.3 * rng.normal()));
  for (let i = 0; i < n; i++) {
    let eta = 0;
    for (let j = 0; j < p; j++) eta += X[i * p + j] * truthB[j];
    plans.forEach((plan, t) => {
      eta += (plan.x ? plan.x[i] : 1) * effects[t][groups[plan.group].index[i]];
    });
    const prob = 1 / (1 + Math.exp(-eta));
    if (trials && logChoose) {
      trials[i] = 1 + rng.int(20);
      let k = 0;
      for (let m = 0; m < trials[i]; m++) k += rng.bernoulli(prob);
      y[i] = k;
      logChoose[i] = lgamma(trials[i] + 1) - lgamma(k + 1) - lgamma(trials[i] - k + 1);
    } else {
      y[i] = rng.bernoulli(prob);
    }
  }
  return {
    formula: `random ${kind}`,
    family: trials ? 'binomial' : 'bernoulli',
    n,
    outcome: 'y',
    y,
    trials,
    logChoose,
    fixed: { names, X, interceptColumn: 0, priors: [INTERCEPT_PRIOR, B_PRIOR, B_PRIOR, B_PRIOR] },
    groups,
    terms,
    dim: offset,
  };
}

/** nChains random unconstrained positions (chains × dim), near the region the posterior occupies. */
export function randomPositions(spec: ModelSpec, nChains: number, seed = 7): Float64Array {
  const rng = new Rng(seed, 99);
  const out = new Float64Array(nChains * spec.dim);
  for (let c = 0; c < nChains; c++) {
    const theta = out.subarray(c * spec.dim, (c + 1) * spec.dim);
    for (let j = 0; j < spec.dim; j++) theta[j] = 0.5 * rng.normal();
    theta[0] = -2.5 + 0.3 * rng.normal();
    for (const term of spec.terms) theta[term.sdIndex] = Math.log(0.3) + 0.5 * rng.normal();
  }
  return out;
}

/** Relative difference |a − b| / max(|a|, |b|, floor). */
export function relDiff(a: number, b: number, floor = 1e-300): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), floor);
}

export interface CorrelatedSpecOptions {
  readonly n?: number;
  readonly seed?: number;
  /** One correlated block per entry: its grouping factor's level count, its number of terms m, its coordinates. */
  readonly blocks: readonly { readonly K: number; readonly m: number; readonly parameterization: Parameterization; readonly eta?: number }[];
  /** Adds an independent varying intercept on another factor, split and folded into the intercept. */
  readonly splitTerm?: boolean;
  /** Folds each block's intercept into the fixed intercept and its first slope into fixed column 2 (x1). */
  readonly fold?: boolean;
  /** Samples the fixed effects in their QR basis (src/model/fixed-basis.ts). */
  readonly fixedBasis?: boolean;
  readonly family?: 'bernoulli' | 'gaussian';
}

/**
 * A spec with correlated blocks (src/model/spec.ts, CorrelatedBlock) on the fixed design of randomSpec('pooled'):
 * block b has its own grouping factor g<b> with an intercept and m − 1 slopes on x1, x2, and standard-normal columns
 * (all independent of the outcome; gradient and parity tests need no particular truth).
 */
export function correlatedSpec(options: CorrelatedSpecOptions): ModelSpec {
  const base = randomSpec('pooled', { n: options.n ?? 400, seed: options.seed ?? 1 });
  const rng = new Rng(options.seed ?? 1, 77);
  const { n } = base;
  const p = base.fixed.names.length;
  const column = (j: number): Float64Array => Float64Array.from({ length: n }, (_, i) => base.fixed.X[i * p + j]);
  const covariates = [column(2), column(3), Float64Array.from({ length: n }, () => rng.normal())];
  const groups: GroupingFactor[] = [];
  const terms: VaryingTerm[] = [];
  const blocks: CorrelatedBlock[] = [];
  let next = p;
  options.blocks.forEach((plan, b) => {
    groups.push(groupingFactor(`g${b + 1}`, plan.K, n, rng));
    const indices: number[] = [];
    for (let j = 0; j < plan.m; j++) {
      indices.push(terms.length);
      terms.push({
        group: b,
        term: j === 0 ? 'Intercept' : `x${j}`,
        x: j === 0 ? null : covariates[j - 1],
        parameterization: plan.parameterization,
        sdPrior: j === 1 ? { family: 'exponential', params: [2] } : SD_PRIOR,
        sdIndex: next,
        offset: next + 1,
      });
      next += 1 + plan.K;
    }
    blocks.push({
      group: b,
      terms: indices,
      parameterization: plan.parameterization,
      eta: plan.eta ?? 1,
      cpcIndex: -1,
      ...(options.fold ? { foldColumns: indices.map((_, j) => (j === 0 ? 0 : j === 1 ? 2 : -1)) } : {}),
    });
  });
  if (options.splitTerm) {
    groups.push(groupingFactor('zip', 4, n, rng));
    terms.push({ group: groups.length - 1, term: 'Intercept', x: null, parameterization: 'split', foldColumn: 0, sdPrior: SD_PRIOR, sdIndex: next, offset: next + 1 });
    next += 1 + 4;
  }
  const correlated = blocks.map((block) => {
    const placed = { ...block, cpcIndex: next };
    next += (block.terms.length * (block.terms.length - 1)) / 2;
    return placed;
  });
  const gaussian = options.family === 'gaussian';
  const y = gaussian ? Float64Array.from({ length: n }, () => -1 + 1.5 * rng.normal()) : base.y;
  const aux = gaussian ? [{ name: 'sigma', prior: { family: 'halfstudent_t', params: [3, 2.5] } as Prior, index: next }] : [];
  next += aux.length;
  return {
    ...base,
    formula: 'random correlated',
    family: gaussian ? 'gaussian' : 'bernoulli',
    y,
    groups,
    terms,
    correlated,
    dim: next,
    fixedBasis: options.fixedBasis ? fixedBasisFactor(base.fixed.X, n, p) : null,
    ...(gaussian ? { aux } : {}),
  };
}

/** Random positions for correlatedSpec: partial-correlation coordinates spread over (−1.5, 1.5). */
export function correlatedPositions(spec: ModelSpec, nChains: number, seed = 7): Float64Array {
  const out = randomPositions(spec, nChains, seed);
  const rng = new Rng(seed, 98);
  for (let c = 0; c < nChains; c++) {
    for (const block of spec.correlated ?? []) {
      const count = (block.terms.length * (block.terms.length - 1)) / 2;
      for (let j = 0; j < count; j++) out[c * spec.dim + block.cpcIndex + j] = 0.6 * rng.normal();
    }
    for (const a of spec.aux ?? []) out[c * spec.dim + a.index] = 0.4 + 0.2 * rng.normal();
  }
  return out;
}
