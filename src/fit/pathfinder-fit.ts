/**
 * Pathfinder in a fit (src/sampler/pathfinder/): `--init pathfinder` (initial values for every chain from its
 * PSIS-weighted draws and an initial diagonal metric from its approximation's variances, handed to warm-up, which
 * then starts as settled: src/sampler/adaptation/fisher-adaptation.ts; Pathfinder run cheaply for that purpose:
 * INIT_ELBO_DRAWS, INIT_PATIENCE, INIT_ELBO_TOLERANCE, the ELBO draws reused as the pool), and
 * `--method pathfinder` (its resampled draws laid out as a sampling run with no warm-up, so that the summary,
 * CmdStan CSVs and fit.json are written as for NUTS).
 */
import { FISHER_DEFAULTS } from '../sampler/adaptation/fisher-adaptation.js';
import { makeDrawSet } from '../draws.js';
import { stream } from '../rng.js';
import type { LogDensityTarget } from '../sampler/nuts.js';
import { pathfinder, PathfinderAbortedError, pathfinderInits, PATHFINDER_DEFAULTS, type PathfinderResult } from '../sampler/pathfinder/pathfinder.js';
import { NUTMEG_ADAPTATION } from '../sampler/adaptation/window-adaptation.js';
import { SAMPLER_STAT_NAMES, type SampleResult } from '../sampler/run.js';

/** Pareto k above which the approximation's draws are not a reliable posterior (Zhang et al. 2022, §3; PSIS paper). */
export const PATHFINDER_K_WARN = 0.7;

/** Positions one Pathfinder target call takes (its ELBO draws); the backend must take at least this many chains. */
export const PATHFINDER_BATCH = PATHFINDER_DEFAULTS.batch;

/** What fit.json and the summary line say about a Pathfinder run. */
export interface PathfinderReport {
  readonly paretoK: number;
  readonly gradients: number;
  readonly seconds: number;
  readonly paths: PathfinderResult['paths'];
}

export function pathfinderReport(result: PathfinderResult, seconds: number): PathfinderReport {
  return { paretoK: result.paretoK, gradients: result.gradients, seconds, paths: result.paths };
}

/** The one-line warning when the approximation is unreliable, or null. */
export function pathfinderWarning(paretoK: number): string | null {
  if (paretoK <= PATHFINDER_K_WARN) return null;
  return `the Pathfinder approximation's Pareto k is ${Number.isFinite(paretoK) ? paretoK.toFixed(2) : 'Inf'} (> ${PATHFINDER_K_WARN}): its draws are not a reliable posterior; use --method nuts`;
}

export interface PathfinderStart {
  /** chains × d initial values. */
  readonly inits: Float64Array;
  /** d variances: the initial diagonal inverse metric. */
  readonly inverseMetric: Float64Array;
  readonly report: PathfinderReport;
}

/**
 * Parameters × pooled draws that `--init pathfinder` keeps at most (2²⁴ float64 values, 128 MiB): a model with more
 * than 4,194 parameters draws fewer than Pathfinder's 1,000 per path (41 at 10⁵ parameters), at least one per chain.
 * Only the pooled draws' weights are used (to pick the chains' starts), so a few dozen per path serve.
 */
export const INIT_POOLED_VALUES = 2 ** 24;

/**
 * L-BFGS iterations without an ELBO better than the last such by more than INIT_ELBO_TOLERANCE nats, after which a
 * path of `--init pathfinder` ends: the starts and the metric come from the best approximation, which on sim:levels
 * (2,000 levels) came at iterations 27–40 of paths that ran 206–259 iterations to convergence (bench/README.md, "Many
 * levels: where warm-up starts"). At 10⁵ levels × 10⁶ rows a patience of 25 ended the paths after 35–41 iterations,
 * far from the bulk (Pareto k Inf): in 10⁵ dimensions the ELBO stops improving long before the location converges.
 * To be revisited (measured) before relying on it at that size.
 * Why 10 and 1 nat. On Hillstrom's hierarchical model (64,000 rows) the ELBO reached its plateau (within ~1 nat of
 * the best) by iterations 40–60, but with no tolerance its Monte Carlo noise set a new best every few iterations, so
 * the paths ran 79–122 iterations at 25 ELBO draws each: 10,673 gradients of Pathfinder against 12,825 for the whole
 * warm-up from random starts (bench/README.md, "Pathfinder start with the adaptive warm-up").
 */
export const INIT_PATIENCE = 10;

/** Nats by which an ELBO must beat the last one that reset INIT_PATIENCE to reset it again. */
export const INIT_ELBO_TOLERANCE = 1;

/**
 * Monte Carlo draws of each ELBO estimate in `--init pathfinder` (Stan's and `--method pathfinder`'s 25): the ELBO
 * only chooses the iterate whose approximation gives the starts and the metric, and each path's K draws of that
 * iterate are the pool the chains' starts are drawn from (reuseElboDraws), when there are at least as many as chains.
 */
export const INIT_ELBO_DRAWS = 10;

/** Draws per path of `--init pathfinder` for a model of `dim` parameters. */
export function initDrawsPerPath(dim: number, chains: number, paths = PATHFINDER_DEFAULTS.paths): number {
  return Math.min(PATHFINDER_DEFAULTS.drawsPerPath, Math.max(chains, Math.floor(INIT_POOLED_VALUES / (paths * dim))));
}

/**
 * `--init pathfinder`: one multi-path run, then chains distinct starting points and the variances; null when the signal
 * aborted it before any path gave an approximation (the sampler, handed the same aborted signal, then draws nothing).
 */
export async function pathfinderStart(
  target: LogDensityTarget,
  chains: number,
  seed: number,
  batch: number,
  signal?: AbortSignal,
): Promise<PathfinderStart | null> {
  const t = performance.now();
  const drawsPerPath = initDrawsPerPath(target.dim, chains);
  // the resampled draws are not used here (the starts come from the pooled draws' weights): keep as few as the chains
  let result;
  try {
    result = await pathfinder(target, {
      seed,
      batch,
      drawsPerPath,
      draws: Math.min(drawsPerPath, PATHFINDER_DEFAULTS.draws),
      patience: INIT_PATIENCE,
      elboDraws: INIT_ELBO_DRAWS,
      elboTolerance: INIT_ELBO_TOLERANCE,
      // the best iterates' ELBO draws are the pool when they give every chain its own start; else M fresh per path
      reuseElboDraws: chains <= PATHFINDER_DEFAULTS.paths * INIT_ELBO_DRAWS,
      signal,
    });
  } catch (e) {
    if (e instanceof PathfinderAbortedError) return null;
    throw e;
  }
  const inits = pathfinderInits(result, chains, stream(seed, 7_200_000));
  return { inits, inverseMetric: result.variances, report: pathfinderReport(result, (performance.now() - t) / 1000) };
}

/**
 * `--method pathfinder`: chains × drawsPerChain PSIS-resampled draws as a SampleResult (no warm-up; lp__ is log p of
 * each draw, the other sampler columns 0; the "inverse metric" is the approximation's variances).
 */
export async function pathfinderSample(
  target: LogDensityTarget,
  chains: number,
  drawsPerChain: number,
  seed: number,
): Promise<{ result: SampleResult; report: PathfinderReport }> {
  const t = performance.now();
  const d = target.dim;
  const pf = await pathfinder(target, { seed, batch: PATHFINDER_BATCH, draws: chains * drawsPerChain });
  const seconds = (performance.now() - t) / 1000;
  const stats = makeDrawSet(SAMPLER_STAT_NAMES, chains, drawsPerChain);
  const draws: Float64Array[] = [];
  for (let c = 0; c < chains; c++) {
    draws.push(pf.draws.slice(c * drawsPerChain * d, (c + 1) * drawsPerChain * d));
    for (let k = 0; k < drawsPerChain; k++) stats.values[c * drawsPerChain + k] = pf.logDensity[c * drawsPerChain + k]; // lp__ is variable 0
  }
  const perChain = pf.gradients / chains;
  const result: SampleResult = {
    settings: {
      chains,
      warmup: 0,
      draws: drawsPerChain,
      thin: 1,
      seed,
      targetAccept: NUTMEG_ADAPTATION.targetAccept,
      maxTreeDepth: 0,
      metric: 'diag',
      initialStepSize: 0,
      init: 'random',
      adapt: 'stan',
      adaptation: NUTMEG_ADAPTATION,
      fisher: FISHER_DEFAULTS,
    },
    dim: d,
    nChains: chains,
    nDraws: drawsPerChain,
    draws,
    stats,
    stepSize: new Float64Array(chains),
    inverseMetric: Array.from({ length: chains }, () => pf.variances.slice()),
    gradientEvaluations: new Float64Array(chains).fill(perChain),
    samplingGradientEvaluations: new Float64Array(chains),
    targetCalls: 0,
    divergences: new Int32Array(chains),
    timing: { warmupSeconds: 0, samplingSeconds: seconds },
    warmupDone: 0,
    warmupIterations: new Int32Array(chains),
    samplingDone: drawsPerChain,
    incomplete: false,
  };
  return { result, report: pathfinderReport(pf, seconds) };
}
