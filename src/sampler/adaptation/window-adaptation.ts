/**
 * Stan's warm-up adaptation (adapt_diag_e_nuts / adapt_dense_e_nuts::transition), for every chain independently:
 * after each warm-up transition the step size learns from the acceptance statistic by dual averaging; positions in a
 * slow window feed a Welford estimator; at the end of a window the inverse metric becomes the regularised estimate
 *   Σ̂ ← (n/(n + 5)) Σ̂ + 1e−3 · (5/(n + 5)) · I          (diagonal: the variances only)
 * and the caller re-initialises the step size (init_stepsize) and calls restartStepSize (μ = log(10 ε), restart).
 * At the end of warm-up, finish sets ε = exp(x̄).
 * With `earlyMetric` (nutmeg's default, off in STAN_ADAPTATION), the initial fast buffer also updates a diagonal
 * metric from draws and gradients (early-metric.ts); the slow windows and everything after them are unchanged.
 */
import { UserError } from '../../errors.js';
import type { Metric } from '../metric.js';
import { DualAveraging, STAN_DUAL_AVERAGING, type DualAveragingSettings } from './dual-averaging.js';
import { EarlyMetric } from './early-metric.js';
import { LowRankWindow } from './lowrank-window.js';
import { WelfordEstimator } from './welford.js';
import type { WarmupAdaptation } from './warmup.js';
import { adaptationWindows, inSlowWindow, STAN_WINDOWS, type AdaptationWindows, type WindowSettings } from './windows.js';
import * as pm from '../../numeric/portable-math.js';

export interface AdaptationSettings extends DualAveragingSettings, WindowSettings {
  /** Diagonal metric updates from draws and gradients inside the initial fast buffer (early-metric.ts). */
  readonly earlyMetric: boolean;
}

/** Stan's warm-up exactly (no early metric). */
export const STAN_ADAPTATION: AdaptationSettings = { ...STAN_DUAL_AVERAGING, ...STAN_WINDOWS, earlyMetric: false };

/** nutmeg's default: Stan's, plus the early metric of the initial buffer. */
export const NUTMEG_ADAPTATION: AdaptationSettings = { ...STAN_ADAPTATION, earlyMetric: true };

/** Stan's regularisation of a metric estimate from n draws, in place (diag: d values; dense: d × d). */
export function regularizeMetric(estimate: Float64Array, n: number, dim: number, dense: boolean): void {
  const w = n / (n + 5);
  const shrink = 1e-3 * (5 / (n + 5));
  for (let i = 0; i < estimate.length; i++) estimate[i] *= w;
  if (dense) for (let i = 0; i < dim; i++) estimate[i * dim + i] += shrink;
  else for (let i = 0; i < dim; i++) estimate[i] += shrink;
}

/** The most draws one slow window collects (at most 1000: a longer window keeps its last 1000 for the low-rank metric). */
function longestWindow(w: AdaptationWindows): number {
  let longest = 0;
  let start = w.initBuffer;
  for (const end of w.ends) {
    longest = Math.max(longest, end - start + 1);
    start = end + 1;
  }
  return Math.max(1, Math.min(longest, 1000));
}

/** Draws per chain the low-rank metric keeps for a Stan warm-up of numWarmup iterations (for the memory estimate). */
export function lowRankWindowCapacity(numWarmup: number, settings: WindowSettings = STAN_WINDOWS): number {
  return longestWindow(adaptationWindows(numWarmup, settings));
}

export class WindowedAdaptation implements WarmupAdaptation {
  readonly windows: AdaptationWindows;
  readonly dualAveraging: DualAveraging;
  private readonly estimator: WelfordEstimator;
  private readonly early: EarlyMetric;
  /** Low-rank metric only: the slow window's draws and gradients. */
  private readonly lowRank: LowRankWindow | null;
  private readonly scratch: Float64Array;
  private readonly diagonal: Float64Array;

  constructor(
    readonly nChains: number,
    readonly metric: Metric,
    numWarmup: number,
    settings: AdaptationSettings = STAN_ADAPTATION,
  ) {
    this.windows = adaptationWindows(numWarmup, settings);
    this.dualAveraging = new DualAveraging(nChains, settings);
    const dense = metric.kind === 'dense';
    this.estimator = new WelfordEstimator(nChains, metric.dim, dense);
    this.early = new EarlyMetric(nChains, metric.dim, this.windows.ends.length > 0 ? this.windows.initBuffer : 0, settings.earlyMetric);
    this.scratch = new Float64Array(metric.size);
    this.lowRank = metric.kind === 'lowrank' ? new LowRankWindow(nChains, metric.dim, longestWindow(this.windows)) : null;
    this.diagonal = new Float64Array(metric.dim);
  }

  /** Stan starts from the unit metric. */
  initOf(): void {}

  /** Stan's warm-up always lasts numWarmup iterations. */
  isLastOf(_c: number, i: number): boolean {
    return i === this.windows.numWarmup - 1;
  }

  /** Before warm-up: μ = log(10 ε0) with the user's initial step size ε0, as Stan's services do. */
  start(stepSize: Float64Array): void {
    for (let c = 0; c < this.nChains; c++) this.restartStepSizeOf(c, stepSize);
  }

  /**
   * After warm-up iteration i (0-based) of every chain: updates stepSize from acceptStat and collects positions and
   * their gradients (C × d). Returns true when the metric was re-estimated (the caller then re-initialises the step
   * size and calls restartStepSize).
   */
  learn(i: number, acceptStat: Float64Array, positions: Float64Array, gradients: Float64Array, stepSize: Float64Array): boolean {
    let updated = false;
    for (let c = 0; c < this.nChains; c++) updated = this.learnOf(c, i, acceptStat, positions, gradients, stepSize) || updated;
    return updated;
  }

  /**
   * After chain c's warm-up iteration i (0-based): updates stepSize[c] from acceptStat[c] and collects chain c's
   * position and its log-density gradient (rows c of C × d arrays). Returns true when chain c's metric was
   * re-estimated (the caller then re-initialises its step size and calls restartStepSizeOf). Chains are independent:
   * each may be at its own i.
   */
  learnOf(
    c: number,
    i: number,
    acceptStat: Float64Array,
    positions: Float64Array,
    gradients: Float64Array,
    stepSize: Float64Array,
  ): boolean {
    const { estimator, metric, windows, early } = this;
    const d = metric.dim;
    stepSize[c] = this.dualAveraging.learn(c, acceptStat[c]);
    if (early.collects(i)) {
      early.add(c, positions, gradients);
      if (early.ends.includes(i)) return this.setEarlyMetric(c);
      return false;
    }
    if (inSlowWindow(windows, i)) estimator.add(c, positions, c * d);
    if (inSlowWindow(windows, i)) this.lowRank?.add(c, positions, gradients);
    if (!windows.ends.includes(i)) return false;
    if (this.lowRank) {
      estimator.restart(c);
      return this.lowRank.finish(c, metric);
    }
    const dense = metric.kind === 'dense';
    const est = this.scratch;
    est.set(metric.inverseOf(c));
    estimator.sample(c, est);
    regularizeMetric(est, estimator.count[c], d, dense);
    let finite = true;
    for (let k = 0; k < est.length; k++) if (!Number.isFinite(est[k])) finite = false;
    if (!finite || !metric.setInverse(c, est)) {
      throw new UserError(
        `chain ${c + 1}: the metric estimated at warm-up iteration ${i + 1} is not finite or not positive definite; the posterior may be improper or extremely wide (check the priors)`,
      );
    }
    estimator.restart(c);
    return true;
  }

  /** The early metric of chain c at the end of an early window (a diagonal matrix for a dense metric). */
  private setEarlyMetric(c: number): boolean {
    const { metric } = this;
    const d = metric.dim;
    const diagonal = this.diagonal;
    const current = metric.inverseOf(c);
    for (let k = 0; k < d; k++) diagonal[k] = metric.kind === 'dense' ? current[k * d + k] : current[k];
    if (!this.early.estimate(c, diagonal)) return false;
    if (metric.kind !== 'dense') return metric.setInverse(c, diagonal); // lowrank: the diagonal D, rank 0
    const full = this.scratch.fill(0);
    for (let k = 0; k < d; k++) full[k * d + k] = diagonal[k];
    return metric.setInverse(c, full);
  }

  /** After the step size was re-initialised following a metric update: μ = log(10 ε), dual averaging restarted. */
  restartStepSize(stepSize: Float64Array): void {
    for (let c = 0; c < this.nChains; c++) this.restartStepSizeOf(c, stepSize);
  }

  /** restartStepSize for chain c only. */
  restartStepSizeOf(c: number, stepSize: Float64Array): void {
    this.dualAveraging.setMu(c, pm.log(10 * stepSize[c]));
    this.dualAveraging.restart(c);
  }

  /** End of warm-up: each chain's step size becomes exp(x̄). */
  finish(stepSize: Float64Array): void {
    for (let c = 0; c < this.nChains; c++) this.finishOf(c, stepSize);
  }

  /** End of chain c's warm-up: stepSize[c] = exp(x̄). */
  finishOf(c: number, stepSize: Float64Array): void {
    stepSize[c] = this.dualAveraging.final(c);
  }
}
