/**
 * How much memory a NUTS run will hold, estimated before it starts, so that a run that cannot fit is refused with
 * the numbers instead of dying in an allocation (or thrashing swap) hours later. The estimate counts what the fit
 * keeps for its whole life:
 * - the sampler's unconstrained draws: chains × kept draws × dim (src/sampler/run.ts keeps them per chain),
 * - the constrained draws: chains × kept draws × constrained dim — ONE Float64Array (src/draws.ts, variable-major),
 *   which is also bounded by V8's typed-array length limit; with the per-level values read in place from the
 *   sampler's draws (RunSize.inPlace) only the rest of them,
 * - the sampler statistics (7 per draw) and one more copy of the constrained draws for the summary,
 * - the data: rows × columns (frame, the model's design matrix, the backend's own copy) and one linear predictor
 *   per chain and row for the batched gradient,
 * - per-chain sampler state (positions, momenta, gradients of the trajectory ends; a dense metric's dim × dim; a
 *   low-rank metric's window of draws and gradients).
 * It is an estimate (±50 %), meant to tell "fits" from "cannot possibly fit", not to budget to the byte.
 */
import { UserError } from '../errors.js';
import { groupedInteger } from '../report/integer-text.js';
import { availableMemory, MAX_TYPED_ARRAY_LENGTH } from '../platform/host.js';
import { LOWRANK_MAX_RANK } from '../sampler/metric.js';

/** Memory and typed-array limits come from the platform adapter (src/platform/host.ts, host.browser.ts). */
export { availableMemory, MAX_TYPED_ARRAY_LENGTH };

const BYTES = 8;
/** lp__, accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__, energy__ (SAMPLER_STAT_NAMES). */
const SAMPLER_STATS = 7;
/** Vectors of length dim the NUTS trajectory keeps per chain (two ends × position/momentum/gradient, proposals…). */
const STATE_VECTORS_PER_CHAIN = 16;
/** Copies of the data: the CSV frame, the model's columns, the backend's storage. */
const DATA_COPIES = 3;

export interface RunSize {
  readonly chains: number;
  /** Draws kept per chain: ceil(draws / thin). */
  readonly keptDraws: number;
  /** Unconstrained parameters (spec.dim). */
  readonly dim: number;
  /** Constrained parameters and generated quantities written per draw (constrainedDim). */
  readonly constrainedDim: number;
  /**
   * Of those, the per-level values read where the sampler's draws hold them rather than stored again
   * (FitOptions.levelsInPlace, src/fit/constrain-columns.ts); 0 or absent when every value is stored.
   */
  readonly inPlace?: number;
  readonly rows: number;
  /** Numeric columns the model reads per row (fixed-effect columns, varying slopes, outcome, trials). */
  readonly columns: number;
  readonly denseMetric?: boolean;
  /**
   * Low-rank metric only: the draws its longest slow window keeps per chain (lowRankWindowCapacity), each with its
   * gradient, plus one window's copy for the estimate and the C × d × rank eigenvectors.
   */
  readonly lowRankWindow?: number;
}

export interface MemoryEstimate {
  readonly drawsBytes: number;
  readonly dataBytes: number;
  readonly stateBytes: number;
  readonly totalBytes: number;
  /** Elements of the largest single typed array (the constrained draws). */
  readonly largestArray: number;
}

export function estimateRunMemory(s: RunSize): MemoryEstimate {
  const stored = s.constrainedDim - (s.inPlace ?? 0);
  const perDraw = s.dim + 2 * stored + SAMPLER_STATS;
  const drawsBytes = s.chains * s.keptDraws * perDraw * BYTES;
  const dataBytes = (DATA_COPIES * s.rows * s.columns + s.chains * s.rows) * BYTES;
  const lowRank = s.lowRankWindow === undefined ? 0 : (2 * s.lowRankWindow + LOWRANK_MAX_RANK) * s.dim;
  const lowRankEstimate = s.lowRankWindow === undefined ? 0 : 2 * s.lowRankWindow * s.dim;
  const stateBytes =
    (s.chains * (STATE_VECTORS_PER_CHAIN * s.dim + (s.denseMetric ? 2 * s.dim * s.dim : 0) + lowRank) + lowRankEstimate) * BYTES;
  return {
    drawsBytes,
    dataBytes,
    stateBytes,
    totalBytes: drawsBytes + dataBytes + stateBytes,
    // the stored constrained draws are one array; the sampler's draws one per chain
    largestArray: Math.max(s.chains * s.keptDraws * Math.max(stored, SAMPLER_STATS), s.keptDraws * s.dim),
  };
}

/** Share of the available memory a run may plan to use: the OS, Node itself and the summary need the rest. */
export const MEMORY_HEADROOM = 0.8;

function gb(bytes: number): string {
  const g = bytes / 1e9;
  return g >= 10 ? `${g.toFixed(0)} GB` : g >= 1 ? `${g.toFixed(1)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

const count = (n: number): string => groupedInteger(n);

/** Throws a UserError with the estimate when the run cannot fit; `available` defaults to availableMemory(). */
export function checkRunMemory(s: RunSize, available: number = availableMemory()): MemoryEstimate {
  const e = estimateRunMemory(s);
  const what = `${count(s.chains)} chains × ${count(s.keptDraws)} kept draws × ${count(s.constrainedDim)} parameters`;
  const fixes = 'lower --draws or --chains, or use --thin to keep fewer draws';
  if (e.largestArray > MAX_TYPED_ARRAY_LENGTH) {
    throw new UserError(
      `the draws would need ~${gb(e.drawsBytes)} of memory in one array: ${what} = ${count(e.largestArray)} values, ` +
        `above Node's limit of ${count(MAX_TYPED_ARRAY_LENGTH)} per array; ${fixes}`,
    );
  }
  if (e.totalBytes > MEMORY_HEADROOM * available) {
    // the low-rank window alone can be the bulk of it (C × 2 × 500 × d): then the metric is the fix
    const lowRankFix = s.lowRankWindow !== undefined && e.stateBytes > e.drawsBytes ? '--metric diag (the low-rank metric keeps its warm-up window of draws and gradients), or ' : '';
    throw new UserError(
      `this run would need ~${gb(e.totalBytes)} of memory (draws ~${gb(e.drawsBytes)} for ${what}; data and ` +
        `buffers ~${gb(e.dataBytes + e.stateBytes)} for ${count(s.rows)} rows); this machine has ${gb(available)}; ${lowRankFix}${fixes}`,
    );
  }
  return e;
}
