/**
 * Prior predictive check: what conversion probabilities the priors alone imply (Gabry et al. 2019, "Visualization
 * in Bayesian workflow", section 3). Parameters are drawn from the model's priors — each b from its prior, each
 * varying term's sd from its prior and its level effects r = sd · z with z ~ N(0, 1) (a correlated block's r_k =
 * diag(sd) L z_k, L from a draw of its LKJ prior, drawLkjCpc) — and the linear predictor of
 * the model's own rows gives implied probabilities. Good priors put most of them at low, plausible conversion rates.
 */
import { sigmoid } from '../numeric/logistic.js';
import { quantileSorted } from '../numeric/quantile.js';
import { constrainedNames } from '../model/layout.js';
import type { Prior } from '../model/prior.js';
import { termLabel, type ModelSpec } from '../model/spec.js';
import { Rng } from '../rng.js';
import { betaVariate } from './gamma-beta.js';
import { choleskyFromCpc, cpcIndex } from '../model/correlation.js';
import { LinearPredictor } from './linear-predictor.js';

/** Student-t(ν) variate: Z / √(G/ν) with G ~ χ²_ν = 2 · Gamma(ν/2). */
function studentT(rng: Rng, nu: number): number {
  return rng.normal() / Math.sqrt((2 * rng.gamma(nu / 2)) / nu);
}

/** One draw from a prior (src/model/prior.ts's families and parameter order). */
export function drawFromPrior(rng: Rng, prior: Prior): number {
  const q = prior.params;
  switch (prior.family) {
    case 'normal':
      return q[0] + q[1] * rng.normal();
    case 'student_t':
      return q[1] + q[2] * studentT(rng, q[0]);
    case 'halfnormal':
      return Math.abs(q[0] * rng.normal());
    case 'halfstudent_t':
      return Math.abs(q[1] * studentT(rng, q[0]));
    case 'exponential':
      return rng.exponential() / q[0];
    case 'gamma':
      return rng.gamma(q[0]) / q[1];
  }
}

/**
 * One draw of the partial-correlation coordinates of an m × m correlation matrix Ω ~ LKJ(η) into out[at …]: the
 * partial correlations are independent with (z_ik + 1)/2 ~ Beta(β_k, β_k), β_k = η + (m − k − 2)/2 for column k
 * (0-based) — the C-vine method of Lewandowski, Kurowicka & Joe 2009, section 2.4, and the factorised density of
 * src/model/correlation.ts — and y = atanh z.
 */
export function drawLkjCpc(rng: Rng, m: number, eta: number, out: Float64Array, at: number): void {
  for (let i = 1; i < m; i++) {
    for (let k = 0; k < i; k++) {
      const beta = eta + (m - k - 2) / 2;
      out[at + cpcIndex(i, k)] = Math.atanh(2 * betaVariate(rng, beta, beta) - 1);
    }
  }
}

export interface PriorPredictive {
  readonly draws: number;
  /** Quantiles (5%, 25%, 50%, 75%, 95%) of the implied probability over draws × rows. */
  readonly probabilityQuantiles: readonly [number, number, number, number, number];
  /** Share of implied probabilities above 0.1 and above 0.5. */
  readonly shareAbove10: number;
  readonly shareAbove50: number;
  /** Mean implied probability over the rows, per prior draw. */
  readonly meanRates: Float64Array;
  /** Quantiles (5%, 50%, 95%) of meanRates. */
  readonly meanRateQuantiles: readonly [number, number, number];
  /** Observed rate of the data, for comparison. */
  readonly observedRate: number;
}

export interface PriorPredictiveOptions {
  readonly draws?: number;
  /** Rows (evenly spaced) whose implied probabilities enter the quantiles; every row enters meanRates. Default 2000. */
  readonly maxRows?: number;
  readonly seed?: number;
}

export function priorPredictive(spec: ModelSpec, options: PriorPredictiveOptions = {}): PriorPredictive {
  const S = options.draws ?? 500;
  const rowsKept = Math.min(options.maxRows ?? 2000, spec.n);
  const rng = new Rng(options.seed ?? 1, 11);
  const predictor = new LinearPredictor(spec);
  const names = constrainedNames(spec);
  const rStart = spec.terms.map((_, t) => names.indexOf(`r_${termLabel(spec, t)}[1]`));
  const theta = new Float64Array(predictor.dim);
  const eta = new Float64Array(spec.n);
  const kept = new Float64Array(S * rowsKept);
  const meanRates = new Float64Array(S);
  const sds = new Float64Array(spec.terms.length);
  const maxM = Math.max(1, ...(spec.correlated ?? []).map((b) => b.terms.length));
  const cpc = new Float64Array((maxM * (maxM - 1)) / 2);
  const L = new Float64Array(maxM * maxM);
  for (let s = 0; s < S; s++) {
    spec.fixed.priors.forEach((prior, j) => {
      theta[j] = drawFromPrior(rng, prior);
    });
    spec.terms.forEach((term, t) => {
      const sd = drawFromPrior(rng, term.sdPrior);
      const K = spec.groups[term.group].levels.length;
      for (let k = 0; k < K; k++) theta[rStart[t] + k] = sd * rng.normal();
      sds[t] = sd;
    });
    // correlated blocks: r_k = diag(sd) L z_k with the z_k just drawn (in place, rows from the bottom up)
    for (const block of spec.correlated ?? []) {
      const m = block.terms.length;
      drawLkjCpc(rng, m, block.eta, cpc, 0);
      choleskyFromCpc(cpc, 0, m, L);
      const K = spec.groups[block.group].levels.length;
      for (let k = 0; k < K; k++) {
        for (let i = m - 1; i >= 0; i--) {
          let v = 0;
          for (let j = 0; j <= i; j++) v += L[i * m + j] * (theta[rStart[block.terms[j]] + k] / sds[block.terms[j]]);
          theta[rStart[block.terms[i]] + k] = sds[block.terms[i]] * v;
        }
      }
    }
    predictor.evaluate(theta, eta);
    let sum = 0;
    for (let i = 0; i < spec.n; i++) sum += sigmoid(eta[i]);
    meanRates[s] = sum / spec.n;
    for (let r = 0; r < rowsKept; r++) kept[s * rowsKept + r] = sigmoid(eta[Math.floor((r * spec.n) / rowsKept)]);
  }
  let above10 = 0;
  let above50 = 0;
  for (let i = 0; i < kept.length; i++) {
    if (kept[i] > 0.1) above10++;
    if (kept[i] > 0.5) above50++;
  }
  kept.sort();
  const sortedRates = Float64Array.from(meanRates).sort();
  let observed = 0;
  let trials = 0;
  for (let i = 0; i < spec.n; i++) {
    observed += spec.y[i];
    trials += spec.trials ? spec.trials[i] : 1;
  }
  const q = (sorted: Float64Array, p: number): number => quantileSorted(sorted, p);
  return {
    draws: S,
    probabilityQuantiles: [q(kept, 0.05), q(kept, 0.25), q(kept, 0.5), q(kept, 0.75), q(kept, 0.95)],
    shareAbove10: above10 / kept.length,
    shareAbove50: above50 / kept.length,
    meanRates,
    meanRateQuantiles: [q(sortedRates, 0.05), q(sortedRates, 0.5), q(sortedRates, 0.95)],
    observedRate: observed / trials,
  };
}
