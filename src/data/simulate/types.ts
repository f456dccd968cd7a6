/** What every simulator takes and gives. */
import type { Frame } from '../frame.js';

export interface SimulateOptions {
  /** Number of rows (default: the simulator's own size). */
  readonly n?: number;
  /** Same seed, same data (src/rng.ts streams: 0 for covariates, 1 for outcomes). */
  readonly seed: number;
}

export interface Simulated {
  readonly frame: Frame;
  /** The true values of the generating model, keyed by parameter name (each simulator documents its keys). */
  readonly truth: Record<string, number>;
}
