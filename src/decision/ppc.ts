/**
 * Posterior predictive check of the overall conversion rate (Gelman et al., BDA3 section 6.3): for each of up to
 * `maxDraws` posterior draws (evenly spaced over all chains), the probability of every row from the linear
 * predictor, a replicated outcome per row drawn from it, and the replicated data's conversion rate. The observed
 * rate should sit well inside the replicated rates; the tail probability P(rate_rep ≥ rate_obs) says how far.
 */
import { sigmoid } from '../numeric/logistic.js';
import { quantileSorted } from '../diagnostics/quantile.js';
import type { DrawSet } from '../draws.js';
import type { ModelSpec } from '../model/spec.js';
import { Rng } from '../rng.js';
import { LinearPredictor, drawColumns, gatherDraw } from './linear-predictor.js';

export interface PosteriorPredictiveRate {
  readonly observedRate: number;
  /** Replicated conversion rate per used draw. */
  readonly replicatedRates: Float64Array;
  readonly mean: number;
  readonly p05: number;
  readonly p95: number;
  /** P(rate_rep ≥ rate_obs) over the used draws. */
  readonly tailProbability: number;
}

export interface PpcOptions {
  readonly maxDraws?: number;
  readonly seed?: number;
}

/** The posterior predictive distribution of the overall rate of spec.y (bernoulli: mean of y; binomial: Σy/Σtrials). */
export function posteriorPredictiveRate(spec: ModelSpec, draws: DrawSet, options: PpcOptions = {}): PosteriorPredictiveRate {
  const S = draws.nChains * draws.nDraws;
  const used = Math.min(options.maxDraws ?? 1000, S);
  const rng = new Rng(options.seed ?? 1, 7);
  const predictor = new LinearPredictor(spec);
  const columns = drawColumns(spec, draws);
  const theta = new Float64Array(predictor.dim);
  const eta = new Float64Array(spec.n);
  const trials = spec.trials;
  let totalTrials = spec.n;
  let observed = 0;
  for (let i = 0; i < spec.n; i++) observed += spec.y[i];
  if (trials) {
    totalTrials = 0;
    for (let i = 0; i < spec.n; i++) totalTrials += trials[i];
  }
  const rates = new Float64Array(used);
  for (let u = 0; u < used; u++) {
    const s = Math.floor((u * S) / used);
    gatherDraw(draws, columns, s, theta);
    predictor.evaluate(theta, eta);
    let count = 0;
    for (let i = 0; i < spec.n; i++) {
      const p = sigmoid(eta[i]);
      if (trials) {
        for (let t = 0; t < trials[i]; t++) count += rng.uniform() < p ? 1 : 0;
      } else {
        count += rng.uniform() < p ? 1 : 0;
      }
    }
    rates[u] = count / totalTrials;
  }
  const observedRate = observed / totalTrials;
  const sorted = Float64Array.from(rates).sort();
  let sum = 0;
  let above = 0;
  for (let u = 0; u < used; u++) {
    sum += rates[u];
    if (rates[u] >= observedRate) above++;
  }
  return {
    observedRate,
    replicatedRates: rates,
    mean: sum / used,
    p05: quantileSorted(sorted, 0.05),
    p95: quantileSorted(sorted, 0.95),
    tailProbability: above / used,
  };
}
