/**
 * What the low-rank metric needs of a slow window: each chain's draws and their log-density gradients, kept (the
 * last `capacity` of them) until the window ends, when estimateLowRank (../metric-lowrank-estimate.ts, a pure
 * function) turns them into the chain's D, U and Λ. Buffers are allocated once: C × capacity × d, twice.
 */
import { estimateLowRank, LOWRANK_DEFAULTS } from '../metric-lowrank-estimate.js';
import { LOWRANK_MAX_RANK, type Metric } from '../metric.js';

export class LowRankWindow {
  private readonly draws: Float64Array;
  private readonly grads: Float64Array;
  /** Draws added to chain c's window (may exceed capacity: the buffer is a ring). */
  private readonly added: Int32Array;

  constructor(
    readonly nChains: number,
    readonly dim: number,
    readonly capacity: number,
  ) {
    this.draws = new Float64Array(nChains * capacity * dim);
    this.grads = new Float64Array(nChains * capacity * dim);
    this.added = new Int32Array(nChains);
  }

  /** Adds chain c's draw and gradient (rows c of C × d arrays). */
  add(c: number, q: Float64Array, grad: Float64Array): void {
    const d = this.dim;
    const slot = this.added[c]++ % this.capacity;
    const o = (c * this.capacity + slot) * d;
    this.draws.set(q.subarray(c * d, (c + 1) * d), o);
    this.grads.set(grad.subarray(c * d, (c + 1) * d), o);
  }

  /**
   * At the end of chain c's window: sets its metric from the window's draws (returns false, the metric unchanged,
   * when they do not determine one) and starts a new window.
   */
  finish(c: number, metric: Metric): boolean {
    const d = this.dim;
    const n = Math.min(this.added[c], this.capacity);
    this.added[c] = 0;
    const o = c * this.capacity * d;
    const est = estimateLowRank(this.draws.subarray(o, o + n * d), this.grads.subarray(o, o + n * d), n, d, {
      ...LOWRANK_DEFAULTS,
      maxRank: LOWRANK_MAX_RANK,
    });
    if (est === null) return false;
    metric.setLowRank(c, est.diag, est.u, est.lambda);
    return true;
  }
}
