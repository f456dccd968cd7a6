/**
 * nutmeg's default warm-up: the metric is estimated from draws and their gradients for the whole warm-up (the
 * Fisher-divergence diagonal of fisher-metric.ts) and updated after every transition, on the schedule of Seyboldt,
 * Carlson & Carpenter, "If only my posterior were normal: Fisher-informed HMC", § "Adaptation Schema" (nutpie):
 *
 * - The metric starts as diag(1/h) with h the diagonal of the curvature −∇² log p at each chain's starting point,
 *   estimated from 4 gradients (curvature-diagonal.ts; run.ts calls it), or on request (`initialMetric: 'gradient'`)
 *   as the paper's diag(1/g₀²) from the initial gradient (§ "Choice of initial diffeomorphism"). Why not 1/g₀²: at a
 *   random start g₀ measures how far a coordinate is from the bulk, not how tightly it is held, and over many
 *   coordinates some g₀ᵢ are near 0 by chance, so their 1/g₀ᵢ² is huge; on sim:levels with 10⁴ levels of 10 rows
 *   (10,003 parameters) the first iterations then ran at the maximum tree depth (1,037 and 1,327 gradients per
 *   iteration of each chain) until the first window estimate, 20,317 gradients by iteration 8 against 535 from the
 *   curvature (bench/README.md, "Many levels: where warm-up starts").
 * - Every pair (draw, gradient) after the first SKIP transitions goes into two overlapping windows (foreground and
 *   background); after every transition the metric is re-estimated from the foreground. When the background holds a
 *   window's worth of draws it becomes the foreground and a new background starts (§ "Accelerated window-based
 *   adaptation"): windows of EARLY_WINDOW draws during the first EARLY_END iterations, when the chain is still
 *   travelling and its metric must follow fast, then LATE_WINDOW draws. So the metric always rests on the last one to
 *   two windows, older draws forgotten.
 * - Step size: Stan's heuristic re-initialises it once, after the first metric estimate replaces the initial one;
 *   otherwise dual averaging runs on through the metric updates (dual-averaging.ts), and the final window (the last
 *   FINAL_WINDOW iterations, metric frozen) adapts the step size alone. The chain samples with exp(x̄).
 * - With the dense metric, the estimate is the Fisher-divergence dense matrix (the geometric mean of the draws'
 *   covariance and the inverse of the gradients' covariance, fisher-metric.ts) once the foreground holds > 2d pairs,
 *   the diagonal before. It costs O(d³) (two Jacobi eigen-decompositions), so it is recomputed per slot only after
 *   DENSE_REFRESH new pairs per chain (and at every switch), and shared by the chains of a pool.
 *
 * Adaptive length (nutmeg's rule; `--warmup N` is the maximum): at each switch of the late windows the new metric is
 * compared with the one at the previous switch (two disjoint windows of draws), by the root mean square over
 * coordinates of log(M⁻¹ᵢ new / M⁻¹ᵢ old), and the step size by |log(ε̄ new / ε̄ old)| (ε̄ = exp(x̄)). When both are
 * under STABLE_METRIC and STABLE_STEP, and the metric also agrees (same measure, under STABLE_METRIC) with every
 * other chain's at its last switch, at two consecutive switches, the final window starts at once; the chain's
 * warm-up then ends FINAL_WINDOW iterations later instead of at N. Warm-up lengths are per chain; every chain samples
 * the full number of draws after its own warm-up.
 *
 * Settled start (`settledStart`: the chains start in the typical set with a metric that fits it, as with
 * `--init pathfinder`, whose starts are PSIS-weighted draws of its normal approximation and whose metric is that
 * approximation's variances): there is no early phase — its short windows exist for a chain still travelling to the
 * typical set — so the late windows start at once; the handed-over metric stays until the foreground holds
 * EARLY_WINDOW pairs (2d + 1 with the dense metric), not replaced by an estimate from 3 draws, and that first estimate
 * does not re-initialise the step size (it was found under a metric close to it; dual averaging runs on from the
 * start, so its average is older at the switches — a re-initialisation there left the step size changing by more than
 * STABLE_STEP between the first two windows on Hillstrom's pooled model); and the stability rule's
 * first comparison is with the handed-over metric itself, metric only (there is no earlier step size) and to within
 * SETTLED_METRIC rather than STABLE_METRIC (the handed-over metric is an approximation's — Pathfinder's variances came
 * within 0.06–0.56 root mean square log ratio of the first window's on Hillstrom's models — and the question at that
 * switch is whether the chain samples the region it describes). Two consecutive stable switches can then come after
 * SKIP + 2 × LATE_WINDOW iterations instead of after the early phase and two windows, the second with the usual
 * thresholds (metric and step size against the first window's), and the final window lasts SETTLED_FINAL_WINDOW
 * iterations at most. The guard is the rule itself: a chain that was not settled (its window metric far from the
 * handed-over one, still moving, its step size still changing, or not agreeing with the other chains) does not pass
 * it and goes on through the late windows as the normal schedule does after its early phase, up to the maximum.
 *
 * Pooling (C ≥ poolMinChains; POOL_MIN_CHAINS = 16 in a fit): all chains feed one pair of windows and share its metric; a window then holds
 * POOL_WINDOW_CHAINS chains' worth of draws (LATE_WINDOW × 4 draws, so a window lasts 80 × 4 / C iterations of each
 * chain), the stability rule is applied to the pooled metric, and when it holds every chain enters its final window
 * at its next iteration (not before its own EARLY_END iterations). Step sizes stay per chain.
 */
import type { Metric } from '../metric.js';
import { DualAveraging, type DualAveragingSettings } from './dual-averaging.js';
import { DrawGradientWindows, gradientInitialDiagonal } from './fisher-metric.js';
import type { WarmupAdaptation } from './warmup.js';
import * as pm from '../../numeric/portable-math.js';

export interface FisherSettings {
  /** End warm-up when metric and step size have stabilised (otherwise it lasts the maximum). Default true. */
  readonly adaptiveLength: boolean;
  /**
   * Pool the metric of all chains from this many chains on. Only right when every chain samples the same posterior,
   * which the sampler cannot know (simulation-based calibration runs one replicate per chain), so the sampler's
   * default is never; a fit (src/fit/fit.ts) asks for POOL_MIN_CHAINS.
   */
  readonly poolMinChains: number;
  /**
   * The metric warm-up starts from: 1/h from the curvature at the starting point (curvature-diagonal.ts; the default)
   * or 1/g₀² from the initial gradient (the paper's). A handed-over initial metric (SampleOptions.initialInverseMetric)
   * replaces either.
   */
  readonly initialMetric: 'gradient' | 'curvature';
  /**
   * The chains start in the typical set with a metric that fits it (Pathfinder's draws and variances: a fit sets it
   * with `--init pathfinder`): no early phase, the first switch compared with the initial metric, a shorter final
   * window (see the module comment). Default false.
   */
  readonly settledStart: boolean;
}

export const FISHER_DEFAULTS: FisherSettings = { adaptiveLength: true, poolMinChains: Infinity, initialMetric: 'curvature', settledStart: false };

/** Chains from which a fit pools its warm-up (issue 17: many chains should make warm-up cheaper per chain). */
export const POOL_MIN_CHAINS = 16;

/** Transitions at the start whose draws are not used (the paper's schema skips the first few). */
export const SKIP = 5;
/** Window length (draws) in the early phase and after it (nutpie's 10 and 80). */
export const EARLY_WINDOW = 10;
export const LATE_WINDOW = 80;
/** A pooled window holds this many chains' worth of a window. */
export const POOL_WINDOW_CHAINS = 4;
/** New pairs per chain of a slot between two dense estimates. */
export const DENSE_REFRESH = 5;
/** Thresholds of the stability rule (see the module comment). */
export const STABLE_METRIC = 0.25;
export const STABLE_STEP = 0.15;
/** Threshold of the metric comparison with a handed-over metric after a settled start (see the module comment). */
export const SETTLED_METRIC = 0.5;

/** Final window (iterations) at most after a settled start. */
export const SETTLED_FINAL_WINDOW = 50;

/**
 * The phases of a warm-up of at most N iterations: early phase end and final window length; after a settled start
 * no early phase and a final window of at most SETTLED_FINAL_WINDOW.
 */
export function fisherSchedule(numWarmup: number, settledStart = false): { earlyEnd: number; finalWindow: number } {
  const finalWindow = Math.min(Math.floor(0.15 * numWarmup), 100);
  if (settledStart) return { earlyEnd: 0, finalWindow: Math.min(finalWindow, SETTLED_FINAL_WINDOW) };
  return { earlyEnd: Math.min(Math.floor(0.3 * numWarmup), 100), finalWindow };
}

export class FisherAdaptation implements WarmupAdaptation {
  readonly dualAveraging: DualAveraging;
  readonly pooled: boolean;
  private readonly windows: DrawGradientWindows;
  private readonly earlyEnd: number;
  private readonly finalWindow: number;
  /** Per chain: first iteration of the final window; warm-up ends finalWindow iterations later. */
  readonly finalStart: Int32Array;
  /** Per chain: whether the initial metric has been replaced (the step size is re-initialised once, then). */
  private readonly estimated: Uint8Array;
  /** Per slot: metric and log step size at the last switch, consecutive stable switches, final window reached. */
  private readonly previous: Float64Array;
  private readonly previousLogStep: Float64Array;
  private readonly hasPrevious: Uint8Array;
  private readonly stableRuns: Int32Array;
  private readonly poolFinal: Uint8Array;
  private readonly diagonal: Float64Array;
  private readonly scratch: Float64Array;
  /** Dense metric only: per slot, the last dense estimate (d × d) and its foreground count (−1: none valid). */
  private readonly denseCache: Float64Array | null;
  private readonly denseAt: Float64Array;

  constructor(
    readonly nChains: number,
    readonly metric: Metric,
    readonly numWarmup: number,
    dualAveraging: DualAveragingSettings,
    readonly settings: FisherSettings = FISHER_DEFAULTS,
  ) {
    const d = metric.dim;
    this.dualAveraging = new DualAveraging(nChains, dualAveraging);
    this.pooled = nChains >= settings.poolMinChains;
    const slots = this.pooled ? 1 : nChains;
    this.windows = new DrawGradientWindows(slots, d, metric.kind === 'dense');
    const { earlyEnd, finalWindow } = fisherSchedule(numWarmup, settings.settledStart);
    this.earlyEnd = earlyEnd;
    this.finalWindow = finalWindow;
    this.finalStart = new Int32Array(nChains).fill(numWarmup - finalWindow);
    this.estimated = new Uint8Array(nChains);
    this.previous = new Float64Array(slots * d);
    this.previousLogStep = new Float64Array(slots);
    this.hasPrevious = new Uint8Array(slots);
    this.stableRuns = new Int32Array(slots);
    this.poolFinal = new Uint8Array(1);
    this.diagonal = new Float64Array(d);
    this.scratch = new Float64Array(metric.size);
    this.denseCache = metric.kind === 'dense' ? new Float64Array(slots * d * d) : null;
    this.denseAt = new Float64Array(slots).fill(-1);
  }

  start(stepSize: Float64Array): void {
    for (let c = 0; c < this.nChains; c++) this.restartStepSizeOf(c, stepSize);
    if (!this.settings.settledStart) return;
    // a settled start: the first switch is compared with the metric handed over (slot s's first chain's), metric only
    const d = this.metric.dim;
    for (let s = 0; s < this.hasPrevious.length; s++) {
      this.previous.set(this.currentDiagonal(s), s * d);
      this.previousLogStep[s] = NaN;
      this.hasPrevious[s] = 1;
    }
  }

  initOf(c: number, gradients: Float64Array): void {
    const diagonal = this.currentDiagonal(c);
    gradientInitialDiagonal(gradients, c * this.metric.dim, diagonal);
    this.setDiagonal(c, diagonal);
  }

  learnOf(c: number, i: number, acceptStat: Float64Array, positions: Float64Array, gradients: Float64Array, stepSize: Float64Array): boolean {
    stepSize[c] = this.dualAveraging.learn(c, acceptStat[c]);
    if (i >= this.finalStart[c]) return false; // final window: step size only
    if (this.pooled && this.poolFinal[0]) {
      // the pool has settled and takes no more pairs: the chain takes its last metric and enters its final window,
      // but not before its own early phase is over (a chain that lags still travels towards the typical set)
      if (i >= this.earlyEnd) this.finalStart[c] = i;
      return this.estimate(c, 0) && this.firstEstimate(c);
    }
    const s = this.pooled ? 0 : c;
    const windows = this.windows;
    if (i >= SKIP) windows.add(s, positions, gradients, c * this.metric.dim);
    const early = i < this.earlyEnd;
    const window = (early ? EARLY_WINDOW : LATE_WINDOW) * (this.pooled ? POOL_WINDOW_CHAINS : 1);
    const perChain = this.pooled ? Math.ceil(window / this.nChains) : window;
    // switch only when another full window fits before the final window (nutpie's rule)
    if (windows.backgroundCount(s) >= window && i + 1 + perChain <= this.finalStart[c]) {
      windows.switch(s);
      this.denseAt[s] = -1;
      this.afterSwitch(c, s, i, early);
    }
    return this.estimate(c, s) && this.firstEstimate(c);
  }

  /** True the first time only (then chain c's step size is re-initialised). */
  private firstEstimate(c: number): boolean {
    if (this.estimated[c]) return false;
    this.estimated[c] = 1;
    // after a settled start the step size was found under a metric close to the estimate's: dual averaging runs on
    return !this.settings.settledStart;
  }

  restartStepSizeOf(c: number, stepSize: Float64Array): void {
    this.dualAveraging.setMu(c, pm.log(10 * stepSize[c]));
    this.dualAveraging.restart(c);
  }

  isLastOf(c: number, i: number): boolean {
    return i >= Math.min(this.finalStart[c] + this.finalWindow, this.numWarmup) - 1;
  }

  finishOf(c: number, stepSize: Float64Array): void {
    stepSize[c] = this.dualAveraging.final(c);
  }

  /**
   * At a switch of slot s (triggered by chain c at iteration i): the stability rule. The metric estimated from the new
   * foreground (one full window of draws) is compared with the one kept at the previous switch.
   */
  private afterSwitch(c: number, s: number, i: number, early: boolean): void {
    const d = this.metric.dim;
    const now = this.diagonal;
    now.set(this.previous.subarray(s * d, (s + 1) * d));
    if (!this.windows.diagonal(s, now)) return;
    const logStep = this.dualAveraging.xBar[c];
    if (!early && this.settings.adaptiveLength && this.hasPrevious[s]) {
      let sq = 0;
      for (let k = 0; k < d; k++) {
        const r = pm.log(now[k] / this.previous[s * d + k]);
        sq += r * r;
      }
      // the first switch after a settled start: compared with the handed-over metric, no step size to compare (NaN)
      const previousStep = this.previousLogStep[s];
      const first = Number.isNaN(previousStep);
      const stepStable = first || Math.abs(logStep - previousStep) < STABLE_STEP;
      const stable = Math.sqrt(sq / d) < (first ? SETTLED_METRIC : STABLE_METRIC) && stepStable && this.agrees(s, now);
      this.stableRuns[s] = stable ? this.stableRuns[s] + 1 : 0;
      if (this.stableRuns[s] >= 2) {
        if (this.pooled) this.poolFinal[0] = 1;
        this.finalStart[c] = Math.min(this.finalStart[c], i + 1);
      }
    }
    this.previous.set(now, s * d);
    this.previousLogStep[s] = logStep;
    this.hasPrevious[s] = 1;
  }

  /**
   * Whether slot s's metric `now` agrees with every other slot's metric at its last switch (root-mean-square log ratio
   * under STABLE_METRIC): a chain alone cannot tell that it has not yet found the region the others sample.
   */
  private agrees(s: number, now: Float64Array): boolean {
    const d = this.metric.dim;
    for (let o = 0; o < this.hasPrevious.length; o++) {
      if (o === s || !this.hasPrevious[o]) continue;
      let sq = 0;
      for (let k = 0; k < d; k++) {
        const r = pm.log(now[k] / this.previous[o * d + k]);
        sq += r * r;
      }
      // a slot that has not switched since a settled start still holds the handed-over metric (no step size: NaN)
      const bound = Number.isNaN(this.previousLogStep[o]) ? SETTLED_METRIC : STABLE_METRIC;
      if (!(Math.sqrt(sq / d) < bound)) return false;
    }
    return true;
  }

  /** Chain c's metric from slot s's foreground; false when there are too few draws yet. */
  private estimate(c: number, s: number): boolean {
    const { metric, windows, denseCache } = this;
    const d = metric.dim;
    // after a settled start the handed-over metric stays until the foreground can replace it with a full estimate
    if (this.settings.settledStart && windows.foregroundCount(s) < (denseCache !== null ? 2 * d + 1 : EARLY_WINDOW)) return false;
    if (denseCache !== null) {
      const cache = denseCache.subarray(s * d * d, (s + 1) * d * d);
      const count = windows.foregroundCount(s);
      const refresh = DENSE_REFRESH * (this.pooled ? this.nChains : 1);
      if (this.denseAt[s] < 0 || count - this.denseAt[s] >= refresh) {
        this.denseAt[s] = windows.denseEstimate(s, cache) ? count : -1;
      }
      if (this.denseAt[s] >= 0 && metric.setInverse(c, cache)) return true;
    }
    const diagonal = this.currentDiagonal(c);
    if (!windows.diagonal(s, diagonal)) return false;
    return this.setDiagonal(c, diagonal);
  }

  /** Chain c's current inverse metric's diagonal (a scratch copy). */
  private currentDiagonal(c: number): Float64Array {
    const { metric, diagonal } = this;
    const d = metric.dim;
    const current = metric.inverseOf(c);
    for (let k = 0; k < d; k++) diagonal[k] = metric.kind === 'dense' ? current[k * d + k] : current[k];
    return diagonal;
  }

  /** Sets chain c's inverse metric to diag(diagonal). */
  private setDiagonal(c: number, diagonal: Float64Array): boolean {
    const { metric } = this;
    if (metric.kind === 'diag') return metric.setInverse(c, diagonal);
    const d = metric.dim;
    const full = this.scratch.fill(0);
    for (let k = 0; k < d; k++) full[k * d + k] = diagonal[k];
    return metric.setInverse(c, full);
  }
}
