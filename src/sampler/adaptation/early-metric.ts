/**
 * Early diagonal metric for the initial fast buffer of warm-up. Stan keeps the unit metric there (75 iterations by
 * default), so on a posterior whose scales differ by orders of magnitude (an intercept pinned by 64,000 rows beside
 * a group sd) those iterations need tiny steps and deep trees: about a quarter of all gradients of a Hillstrom
 * hierarchical fit. Here the buffer is cut into doubling windows (10, 20, 40, … iterations, the last ending at
 * least 5 iterations before the buffer does); after each, the inverse metric of chain c becomes, per coordinate,
 *   M⁻¹ᵢ = sqrt(var(qᵢ) / var(gᵢ))
 * over the window's draws q and their log-density gradients g (the estimator of nutpie, Seyboldt 2023: exact for a
 * Gaussian with independent coordinates, whose gᵢ = −(qᵢ − μᵢ)/σᵢ², even while the chain is still drifting towards
 * the typical set, where var(q) alone would be inflated by the drift). The caller then re-initialises the step size
 * as after a slow window. The slow windows and the terminal buffer are Stan's, so the metric used for sampling is
 * Stan's estimate from the last slow window.
 */
import { fisherDiagonal } from './fisher-metric.js';
import { WelfordEstimator } from './welford.js';

/**
 * Length of the first early window. Hillstrom hierarchical, seeds 1–2, total gradients of a 4 × (1000 + 1000) fit:
 * 186k / 188k (10), 191k / 189k (5), 189k / 185k (20), against 214k / 217k with Stan's unit metric.
 */
const FIRST_WINDOW = 10;

/**
 * Ends (0-based warm-up iterations) of the early windows inside an initial buffer of `initBuffer` iterations:
 * windows of 10, 20, 40, … iterations; the last one is stretched to end 5 iterations before the buffer does when the
 * next doubling would overrun it (75 → ends 9, 29, 69).
 */
export function earlyMetricEnds(initBuffer: number): number[] {
  const last = initBuffer - 6;
  const ends: number[] = [];
  let size = FIRST_WINDOW;
  let end = size - 1;
  while (end < last) {
    ends.push(end);
    size *= 2;
    end += size;
    if (end > last && ends[ends.length - 1] + size / 2 < last) end = last; // stretch the last window to the buffer
  }
  if (end === last) ends.push(end);
  return ends;
}

export class EarlyMetric {
  readonly ends: readonly number[];
  private readonly positions: WelfordEstimator;
  private readonly gradients: WelfordEstimator;
  private readonly varQ: Float64Array;
  private readonly varG: Float64Array;

  constructor(nChains: number, readonly dim: number, initBuffer: number, enabled: boolean) {
    this.ends = enabled ? earlyMetricEnds(initBuffer) : [];
    this.positions = new WelfordEstimator(nChains, dim, false);
    this.gradients = new WelfordEstimator(nChains, dim, false);
    this.varQ = new Float64Array(dim);
    this.varG = new Float64Array(dim);
  }

  /** Whether warm-up iteration i (0-based) falls in an early window. */
  collects(i: number): boolean {
    return this.ends.length > 0 && i <= this.ends[this.ends.length - 1];
  }

  /** Adds chain c's draw and its gradient (rows c of C × d arrays). */
  add(c: number, q: Float64Array, grad: Float64Array): void {
    this.positions.add(c, q, c * this.dim);
    this.gradients.add(c, grad, c * this.dim);
  }

  /**
   * At the end of an early window: writes chain c's new diagonal inverse metric into `inverse` (d values, holding
   * the current one) and restarts the window. Coordinates whose estimate is not a positive finite number (a
   * coordinate that did not move, or whose gradient did not change) keep their current value. Returns whether any
   * value changed.
   */
  estimate(c: number, inverse: Float64Array): boolean {
    const { varQ, varG } = this;
    const ok = this.positions.sample(c, varQ) && this.gradients.sample(c, varG);
    this.positions.restart(c);
    this.gradients.restart(c);
    return ok && fisherDiagonal(varQ, varG, inverse) > 0;
  }
}
