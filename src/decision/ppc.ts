/**
 * Posterior predictive checks (Gelman et al., BDA3 section 6.3): for each of up to `maxDraws` posterior draws (evenly
 * spaced over all chains), the linear predictor of every row, a replicated outcome per row drawn from the model's
 * family given that draw (src/decision/family-replicate.ts), and test statistics of the replicated data set beside
 * the same statistics of the observed one. The statistics suit the family:
 *   bernoulli/binomial:             rate       (mean of y; binomial Σy/Σtrials)
 *   gaussian, lognormal, gamma:     mean, sd   (of y on its own scale; sd with denominator n − 1)
 *   poisson, negbinomial:           mean, dispersion (variance/mean, n − 1; 0 for all zeros), zeros (share of rows with y = 0)
 * Each statistic's posterior predictive p-value is P(T(y_rep) ≥ T(y)) over the used draws; values near 0 or 1 say the
 * model does not reproduce that feature of the data (e.g. a poisson model of overdispersed counts: dispersion p ≈ 1).
 */
import { quantileSorted } from '../numeric/quantile.js';
import type { DrawSet } from '../draws.js';
import { familyModule } from '../model/families/index.js';
import type { Family, ModelSpec } from '../model/spec.js';
import { Rng } from '../rng.js';
import { rowReplicator } from './family-replicate.js';
import { LinearPredictor, drawColumns, gatherDraw } from './linear-predictor.js';

export type PpcStatisticName = 'rate' | 'mean' | 'sd' | 'dispersion' | 'zeros';

/** What each statistic is, for tables and plot titles. */
export const PPC_STATISTIC_LABELS: Readonly<Record<PpcStatisticName, string>> = {
  rate: 'rate (share of successes)',
  mean: 'mean of y',
  sd: 'sd of y',
  dispersion: 'dispersion (variance / mean)',
  zeros: 'share of zeros',
};

/** The statistics checked for each family. */
export function ppcStatisticNames(family: Family): readonly PpcStatisticName[] {
  switch (family) {
    case 'bernoulli':
    case 'binomial':
      return ['rate'];
    case 'poisson':
    case 'negbinomial':
      return ['mean', 'dispersion', 'zeros'];
    default:
      return ['mean', 'sd'];
  }
}

export interface PpcStatistic {
  readonly name: PpcStatisticName;
  readonly observed: number;
  /** The statistic of the replicated data set, one per used draw. */
  readonly replicated: Float64Array;
  readonly mean: number;
  readonly p05: number;
  readonly p95: number;
  /** Posterior predictive p-value P(T(y_rep) ≥ T(y)) over the used draws. */
  readonly pValue: number;
}

export interface PosteriorPredictiveCheck {
  readonly family: Family;
  readonly link: string;
  readonly draws: number;
  readonly statistics: readonly PpcStatistic[];
  /** The first `keepReplicates` replicated data sets (each of length spec.n), for plots of y against y_rep. */
  readonly replicates: readonly Float64Array[];
}

export interface PpcOptions {
  readonly maxDraws?: number;
  readonly seed?: number;
  /** How many replicated data sets to keep whole (for plots). Default 0. */
  readonly keepReplicates?: number;
}

/** Sums a statistic needs of one data set: Σy, Σy², rows with y = 0. */
interface Moments {
  sum: number;
  sumSq: number;
  zeros: number;
}

function statistic(name: PpcStatisticName, m: Moments, n: number, totalTrials: number): number {
  const mean = m.sum / n;
  // Σ(y − ȳ)² from Σy² − nȳ², clamped at 0 against rounding (the data sets here are small-valued or short)
  const variance = n > 1 ? Math.max(0, m.sumSq - n * mean * mean) / (n - 1) : NaN;
  switch (name) {
    case 'rate':
      return m.sum / totalTrials;
    case 'mean':
      return mean;
    case 'sd':
      return Math.sqrt(variance);
    case 'dispersion':
      // an all-zero data set has no variation: 0, not 0/0
      return mean === 0 ? 0 : variance / mean;
    case 'zeros':
      return m.zeros / n;
  }
}

function moments(y: ArrayLike<number>, into: Moments): Moments {
  into.sum = 0;
  into.sumSq = 0;
  into.zeros = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    into.sum += v;
    into.sumSq += v * v;
    if (v === 0) into.zeros++;
  }
  return into;
}

/** The observed value of each of the family's statistics for spec.y (no draws needed). */
export function observedStatistics(spec: ModelSpec): Map<PpcStatisticName, number> {
  const totalTrials = spec.trials ? spec.trials.reduce((a, b) => a + b, 0) : spec.n;
  const m = moments(spec.y, { sum: 0, sumSq: 0, zeros: 0 });
  return new Map(ppcStatisticNames(spec.family).map((name) => [name, statistic(name, m, spec.n, totalTrials)]));
}

/** The family's posterior predictive check of spec.y against the draws. */
export function posteriorPredictiveCheck(spec: ModelSpec, draws: DrawSet, options: PpcOptions = {}): PosteriorPredictiveCheck {
  const S = draws.nChains * draws.nDraws;
  const used = Math.min(options.maxDraws ?? 1000, S);
  const keep = Math.min(options.keepReplicates ?? 0, used);
  const rng = new Rng(options.seed ?? 1, 7);
  const predictor = new LinearPredictor(spec);
  const columns = drawColumns(spec, draws);
  const auxSpec = spec.aux ?? [];
  const auxAt = Int32Array.from(auxSpec, (a) => {
    const v = draws.names.indexOf(a.name);
    if (v < 0) throw new Error(`draws have no variable ${a.name} of the ${spec.family} model ${spec.formula}`);
    return v;
  });
  const replicate = rowReplicator(spec.family, spec.link);
  const names = ppcStatisticNames(spec.family);
  const observed = observedStatistics(spec);
  const totalTrials = spec.trials ? spec.trials.reduce((a, b) => a + b, 0) : spec.n;
  const theta = new Float64Array(predictor.dim);
  const eta = new Float64Array(spec.n);
  const aux = new Float64Array(auxAt.length);
  const values = names.map(() => new Float64Array(used));
  const replicates: Float64Array[] = [];
  const m: Moments = { sum: 0, sumSq: 0, zeros: 0 };
  const trials = spec.trials;
  for (let u = 0; u < used; u++) {
    const s = Math.floor((u * S) / used);
    gatherDraw(draws, columns, s, theta);
    for (let a = 0; a < auxAt.length; a++) aux[a] = draws.values[auxAt[a] * S + s];
    predictor.evaluate(theta, eta);
    const kept = u < keep ? new Float64Array(spec.n) : null;
    m.sum = 0;
    m.sumSq = 0;
    m.zeros = 0;
    for (let i = 0; i < spec.n; i++) {
      const v = replicate(rng, eta[i], trials ? trials[i] : 1, aux);
      m.sum += v;
      m.sumSq += v * v;
      if (v === 0) m.zeros++;
      if (kept) kept[i] = v;
    }
    if (kept) replicates.push(kept);
    names.forEach((name, j) => (values[j][u] = statistic(name, m, spec.n, totalTrials)));
  }
  const statistics = names.map((name, j): PpcStatistic => {
    const rep = values[j];
    const obs = observed.get(name)!;
    const sorted = Float64Array.from(rep).sort();
    let sum = 0;
    let above = 0;
    for (let u = 0; u < used; u++) {
      sum += rep[u];
      if (rep[u] >= obs) above++;
    }
    return {
      name,
      observed: obs,
      replicated: rep,
      mean: sum / used,
      p05: quantileSorted(sorted, 0.05),
      p95: quantileSorted(sorted, 0.95),
      pValue: above / used,
    };
  });
  return { family: spec.family, link: spec.link ?? familyModule(spec.family).link, draws: used, statistics, replicates };
}

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

/**
 * The posterior predictive distribution of the overall rate of a bernoulli/binomial model (bernoulli: mean of y;
 * binomial: Σy/Σtrials): the 'rate' statistic of posteriorPredictiveCheck.
 */
export function posteriorPredictiveRate(spec: ModelSpec, draws: DrawSet, options: PpcOptions = {}): PosteriorPredictiveRate {
  if (spec.family !== 'bernoulli' && spec.family !== 'binomial') {
    throw new Error(`posteriorPredictiveRate: a ${spec.family} model has no rate; use posteriorPredictiveCheck`);
  }
  const rate = posteriorPredictiveCheck(spec, draws, options).statistics[0];
  return {
    observedRate: rate.observed,
    replicatedRates: rate.replicated,
    mean: rate.mean,
    p05: rate.p05,
    p95: rate.p95,
    tailProbability: rate.pValue,
  };
}
