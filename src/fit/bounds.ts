/**
 * The accepted range of every sampler setting the CLI takes, in one place so the flag parsers, the --help text and
 * the README agree. The limits are what the code can honour, not advice:
 * - chains: the WebGPU backend is exercised with 4,096 chains (bench/results), the batched backends size their
 *   buffers by the chain count, so more is refused rather than tried;
 * - draws, warmup: per chain; 10^6 keeps a run's iteration counters and progress arithmetic far from any limit (the
 *   memory estimate in memory-estimate.ts refuses runs that would not fit long before that for big models);
 * - seed: every integer a double holds exactly (0 … 2^53 − 1); src/rng.ts gives each a distinct stream;
 * - threads: native worker threads; 256 is far above any machine's cores (a count above the cores only warns);
 * - max tree depth: a depth-d trajectory holds up to 2^d leapfrog steps; 2^20 (about a million gradients per
 *   iteration) is already far beyond any useful run.
 */
import { groupedInteger } from '../report/integer-text.js';

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

export const SETTING_RANGES = {
  chains: { min: 1, max: 4096 },
  draws: { min: 1, max: 1_000_000 },
  warmup: { min: 0, max: 1_000_000 },
  seed: { min: 0, max: Number.MAX_SAFE_INTEGER },
  threads: { min: 1, max: 256 },
  maxTreeDepth: { min: 1, max: 20 },
  /** Monte Carlo draws per arm of `nutmeg abtest`. */
  abtestDraws: { min: 100, max: 10_000_000 },
} as const satisfies Record<string, IntRange>;

/** "1 … 4,096" style text of a range, for help texts and errors. */
export function rangeText(r: IntRange): string {
  const show = (v: number): string => (v === Number.MAX_SAFE_INTEGER ? '2^53−1' : groupedInteger(v));
  return `${show(r.min)} to ${show(r.max)}`;
}
