/**
 * What the runner tells about a sampling run after every iteration, through the onProgress callback its caller
 * supplies (the CLI passes src/report/sampling-progress.ts's reporter); the sampler itself prints nothing.
 */

export interface SamplerProgress {
  readonly phase: 'warmup' | 'sampling';
  /** Iterations done by every chain so far, warm-up and sampling together. */
  readonly iteration: number;
  readonly totalIterations: number;
  readonly warmup: number;
  readonly nChains: number;
  /** Current step size per chain. */
  readonly stepSize: Float64Array;
  /** Divergent transitions per chain after warm-up, and during warm-up. */
  readonly divergences: Int32Array;
  readonly warmupDivergences: Int32Array;
  /** Gradient evaluations per chain so far. */
  readonly gradients: Float64Array;
  /** Warm-up iterations each chain used; 0 while it is still warming up. */
  readonly warmupIterations: Int32Array;
  /**
   * Transitions each chain has run (warm-up and sampling), without the warm-up iterations it skipped when its
   * adaptation ended early: what gradients per draw and the ETA are measured against.
   */
  readonly transitions: Int32Array;
  /** Tree depth of each chain's last transition. */
  readonly treeDepth: Int32Array;
  /** Chain c's current inverse metric (a live view: d values for diag, d × d for dense, the diagonal for lowrank). */
  readonly inverseMetricOf?: (c: number) => Float64Array;
  /** Every chain's current position (C × d unconstrained, row-major; a live view, for traces). */
  readonly positions?: Float64Array;
  readonly elapsedSeconds: number;
}
