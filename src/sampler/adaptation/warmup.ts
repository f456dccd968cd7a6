/**
 * What the sampling run asks of a warm-up adaptation scheme, whichever it is (Stan's windows, window-adaptation.ts;
 * the Fisher-divergence scheme, fisher-adaptation.ts). Per chain, so that chains need not wait for each other:
 *
 *   start → initOf (each chain, before its first step-size search) → learnOf after every warm-up transition (true:
 *   re-initialise the step size, then restartStepSizeOf) → isLastOf tells when the chain's warm-up ends (it may end
 *   before the maximum) → finishOf sets the step size the chain samples with.
 */
export interface WarmupAdaptation {
  /** Before warm-up: dual averaging's μ = log(10 ε0) from each chain's initial step size. */
  start(stepSize: Float64Array): void;
  /** Chain c's initial metric from its starting point's gradient (rows c of a C × d array); may do nothing. */
  initOf(c: number, gradients: Float64Array): void;
  /**
   * After chain c's warm-up iteration i (0-based): updates stepSize[c] and the metric from acceptStat[c] and the
   * chain's new position and gradient (rows c of C × d arrays). True when the caller must re-initialise chain c's
   * step size (Stan's heuristic) and then call restartStepSizeOf.
   */
  learnOf(c: number, i: number, acceptStat: Float64Array, positions: Float64Array, gradients: Float64Array, stepSize: Float64Array): boolean;
  /** After a step-size re-initialisation: μ = log(10 ε), dual averaging restarted. */
  restartStepSizeOf(c: number, stepSize: Float64Array): void;
  /** Whether iteration i (0-based) was chain c's last warm-up iteration (asked after learnOf(c, i)). */
  isLastOf(c: number, i: number): boolean;
  /** End of chain c's warm-up: the step size it samples with. */
  finishOf(c: number, stepSize: Float64Array): void;
}

/** The sampler's warm-up schemes: the Fisher-divergence one (its default) or Stan's windowed adaptation. */
export type AdaptScheme = 'fisher' | 'stan';
