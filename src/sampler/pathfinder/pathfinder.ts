/**
 * Pathfinder (Zhang, Carpenter, Gelman & Vehtari 2022, "Pathfinder: parallel quasi-Newton variational inference",
 * JMLR 23(306)):
 *
 * - single path (§2, Algorithm 1): L-BFGS on −log p from a random point; at every iterate θ_l (l ≥ 1) the normal
 *   approximation q_l of bfgs-normal.ts (the L-BFGS inverse Hessian there as covariance), its ELBO estimated by
 *   Monte Carlo with K draws, (1/K) Σ_k [log p(φ_k) − log q_l(φ_k)] (§2.4); the iterate with the largest ELBO wins
 *   and M draws are taken from its approximation;
 * - multi-path (§3, Algorithm 2): I single paths from independent starting points, their I·M draws pooled with
 *   importance ratios log p(φ) − log q_i(φ) (q_i the approximation of the path that drew φ), Pareto-smoothed
 *   (src/loo/psis.ts, the k of the smoothing being the diagnostic of the approximation, §3) and resampled.
 *
 * Every batch of draws is evaluated in one target call (the backend's chains), so an ELBO costs one call, not K.
 */
import { UserError } from '../../errors.js';
import { psisWeights } from '../../loo/psis.js';
import { minimizeLbfgs } from '../../optimize/lbfgs.js';
import { Rng, stream } from '../../rng.js';
import type { LogDensityTarget } from '../nuts.js';
import { BfgsNormal, CurvatureHistory } from './bfgs-normal.js';

export interface PathfinderOptions {
  readonly seed: number;
  /** I: independent paths. Default 4 (Stan's num_paths). */
  readonly paths?: number;
  /** M: draws per path from its best approximation. Default 1000 (Stan's num_draws). */
  readonly drawsPerPath?: number;
  /** Draws kept after PSIS resampling (with replacement). Default 1000. */
  readonly draws?: number;
  /** K: Monte Carlo draws of each ELBO estimate. Default 25 (Stan's num_elbo_draws). */
  readonly elboDraws?: number;
  /** J: curvature pairs kept. Default 6 (the paper's choice, §2.3). */
  readonly history?: number;
  /** L-BFGS iterations per path at most. Default 1000. */
  readonly maxIterations?: number;
  /** Largest number of positions one target call may take (the backend's maxChains). Default 25. */
  readonly batch?: number;
  /** Starting points uniform(−radius, radius) per coordinate (Stan's init = 2). */
  readonly initRadius?: number;
  /**
   * End a path once its ELBO has not improved for this many L-BFGS iterations (nutmeg's, for starting points:
   * `--init pathfinder`); default Infinity: the path runs until L-BFGS converges, as in the paper.
   */
  readonly patience?: number;
  /**
   * With `patience`: an ELBO counts as an improvement (restarts the patience count) only when it exceeds the ELBO of
   * the last such improvement by more than this (nats), so that Monte Carlo noise on a plateau does not keep a path
   * going; the best approximation is still the one with the largest ELBO. Default 0 (every better ELBO counts).
   */
  readonly elboTolerance?: number;
  /**
   * Pool each path's K ELBO draws of its best iterate (already evaluated) instead of M fresh draws from its best
   * approximation (nutmeg's, for starting points: `--init pathfinder`, which needs a few weighted draws, not a
   * posterior sample; it saves I·M gradients). The pooled draws are then the ones that chose the iterate, so the
   * importance ratios favour it slightly: fine for starting points, not for `--method pathfinder`. Default false.
   */
  readonly reuseElboDraws?: boolean;
  /**
   * Stops the run early (Ctrl-C during `--init pathfinder`): the current path ends at its next L-BFGS iterate and no
   * further path starts; the paths done so far make the result. Aborted before any path gave an approximation:
   * PathfinderAbortedError.
   */
  readonly signal?: AbortSignal;
}

/** Thrown by pathfinder() when its signal aborted it before any path gave an approximation. */
export class PathfinderAbortedError extends Error {
  constructor() {
    super('Pathfinder was interrupted before any path gave an approximation');
    this.name = 'PathfinderAbortedError';
  }
}

export interface PathSummary {
  /** Largest ELBO estimate along the path (−Infinity when no iterate gave a usable approximation). */
  readonly elbo: number;
  /** L-BFGS iterations, and the iterate whose approximation was kept (1-based). */
  readonly iterations: number;
  readonly bestIterate: number;
  /** Log density (and gradient) evaluations of this path: L-BFGS, ELBO draws and its M draws. */
  readonly gradients: number;
}

export interface PathfinderResult {
  readonly dim: number;
  /** R × d unconstrained draws after PSIS resampling, row-major. */
  readonly draws: Float64Array;
  /** log p of each kept draw. */
  readonly logDensity: Float64Array;
  /** Pareto k of the pooled importance ratios (> 0.7: the approximation is unreliable). */
  readonly paretoK: number;
  readonly paths: readonly PathSummary[];
  /** The diagonal of the covariance of the path with the largest ELBO. */
  readonly variances: Float64Array;
  /** All pooled I·M draws (row-major), their log p and their normalised PSIS weights: what was resampled from. */
  readonly pooled: Float64Array;
  readonly pooledLogDensity: Float64Array;
  readonly pooledWeights: Float64Array;
  /** Log density evaluations in all. */
  readonly gradients: number;
}

/** Evaluates log p (and its gradient) of n positions (n × d, row-major) in calls of at most `batch` positions. */
class BatchEvaluator {
  private readonly logp: Float64Array;
  private readonly grad: Float64Array;
  evaluations = 0;

  constructor(
    private readonly target: LogDensityTarget,
    readonly batch: number,
  ) {
    this.logp = new Float64Array(batch);
    this.grad = new Float64Array(batch * target.dim);
  }

  async logDensity(positions: Float64Array, n: number, out: Float64Array, outOff = 0): Promise<void> {
    const d = this.target.dim;
    for (let start = 0; start < n; start += this.batch) {
      const count = Math.min(this.batch, n - start);
      await this.target.logDensityGradient(positions.subarray(start * d, (start + count) * d), count, this.logp, this.grad);
      this.evaluations += count;
      for (let k = 0; k < count; k++) out[outOff + start + k] = Number.isFinite(this.logp[k]) ? this.logp[k] : -Infinity;
    }
  }
}

interface PathDraws {
  readonly summary: PathSummary;
  readonly approximation: BfgsNormal;
  readonly draws: Float64Array;
  readonly logp: Float64Array;
  readonly logq: Float64Array;
}

/** A random starting point with a finite log density and gradient (up to 100 tries). */
async function startingPoint(target: LogDensityTarget, rng: Rng, radius: number): Promise<{ x: Float64Array; evaluations: number }> {
  const d = target.dim;
  const x = new Float64Array(d);
  const logp = new Float64Array(1);
  const grad = new Float64Array(d);
  for (let attempt = 1; attempt <= 100; attempt++) {
    for (let i = 0; i < d; i++) x[i] = rng.uniformRange(-radius, radius);
    await target.logDensityGradient(x, 1, logp, grad);
    if (Number.isFinite(logp[0]) && grad.every(Number.isFinite)) return { x, evaluations: attempt };
  }
  throw new UserError(`Pathfinder: no finite log density found after 100 random starting points in (−${radius}, ${radius}); check the model and priors`);
}

/** Algorithm 1: one path, its best approximation and M draws from it. */
async function singlePath(target: LogDensityTarget, eval_: BatchEvaluator, rng: Rng, o: Required<Omit<PathfinderOptions, 'seed' | 'signal'>>, signal?: AbortSignal): Promise<PathDraws | null> {
  const d = target.dim;
  const K = o.elboDraws;
  const before = eval_.evaluations;
  const start = await startingPoint(target, rng, o.initRadius);
  eval_.evaluations += start.evaluations;
  const history = new CurvatureHistory(d, o.history);
  const prevX = new Float64Array(d);
  const prevG = new Float64Array(d);
  const gradLogp = new Float64Array(d);
  const phi = new Float64Array(K * d);
  const logq = new Float64Array(K);
  const logp = new Float64Array(K);
  const u = new Float64Array(d);
  const reuse = o.reuseElboDraws;
  const bestPhi = reuse ? new Float64Array(K * d) : null;
  const bestLogp = new Float64Array(reuse ? K : 0);
  const bestLogq = new Float64Array(reuse ? K : 0);
  let best: BfgsNormal | null = null;
  let bestElbo = -Infinity;
  let bestIterate = 0;
  /** The last iterate whose ELBO beat the best before it by more than elboTolerance, and that ELBO. */
  let markIterate = 0;
  let markElbo = -Infinity;
  let iterate = -1;
  const optimum = await minimizeLbfgs(
    async (x, g) => {
      const lp = new Float64Array(1);
      await target.logDensityGradient(x, 1, lp, g);
      eval_.evaluations++;
      for (let i = 0; i < d; i++) g[i] = -g[i];
      return Number.isFinite(lp[0]) ? -lp[0] : Infinity;
    },
    start.x,
    {
      maxIterations: o.maxIterations,
      gradTolerance: 1e-8,
      relTolerance: 1e-12,
      memory: o.history,
      stop: () => iterate - markIterate >= o.patience || signal?.aborted === true,
      onIterate: async (x, g) => {
        iterate++;
        for (let i = 0; i < d; i++) gradLogp[i] = -g[i];
        if (iterate > 0) {
          history.offer(prevX, prevG, x, gradLogp);
          const approx = BfgsNormal.at(x, gradLogp, history);
          if (approx !== null) {
            for (let k = 0; k < K; k++) logq[k] = approx.draw(rng, phi, k * d, u);
            await eval_.logDensity(phi, K, logp);
            let elbo = 0;
            for (let k = 0; k < K; k++) elbo += (logp[k] - logq[k]) / K;
            if (Number.isNaN(elbo)) elbo = -Infinity;
            if (elbo > markElbo + o.elboTolerance || best === null) {
              markElbo = elbo;
              markIterate = iterate;
            }
            if (elbo > bestElbo || best === null) {
              best = approx;
              bestElbo = elbo;
              bestIterate = iterate;
              if (bestPhi !== null) {
                bestPhi.set(phi);
                bestLogp.set(logp);
                bestLogq.set(logq);
              }
            }
          }
        }
        prevX.set(x);
        prevG.set(gradLogp);
      },
    },
  );
  const chosen = best as BfgsNormal | null;
  if (chosen === null) return null;
  if (bestPhi !== null) {
    return {
      summary: { elbo: bestElbo, iterations: optimum.iterations, bestIterate, gradients: eval_.evaluations - before },
      approximation: chosen,
      draws: bestPhi,
      logp: bestLogp,
      logq: bestLogq,
    };
  }
  const M = o.drawsPerPath;
  const draws = new Float64Array(M * d);
  const drawsLogq = new Float64Array(M);
  const drawsLogp = new Float64Array(M);
  for (let k = 0; k < M; k++) drawsLogq[k] = chosen.draw(rng, draws, k * d, u);
  await eval_.logDensity(draws, M, drawsLogp);
  return {
    summary: {
      elbo: bestElbo,
      iterations: optimum.iterations,
      bestIterate,
      gradients: eval_.evaluations - before,
    },
    approximation: chosen,
    draws,
    logp: drawsLogp,
    logq: drawsLogq,
  };
}

export const PATHFINDER_DEFAULTS = {
  paths: 4,
  drawsPerPath: 1000,
  draws: 1000,
  elboDraws: 25,
  history: 6,
  maxIterations: 1000,
  batch: 25,
  initRadius: 2,
  patience: Infinity,
  elboTolerance: 0,
  reuseElboDraws: false,
};

/** Algorithm 2: multi-path Pathfinder with PSIS importance resampling. */
export async function pathfinder(target: LogDensityTarget, options: PathfinderOptions): Promise<PathfinderResult> {
  const o = { ...PATHFINDER_DEFAULTS, ...options };
  const d = target.dim;
  const evaluator = new BatchEvaluator(target, o.batch);
  const runs: PathDraws[] = [];
  const summaries: PathSummary[] = [];
  for (let i = 0; i < o.paths; i++) {
    if (options.signal?.aborted === true) break;
    const path = await singlePath(target, evaluator, stream(o.seed, 7_000_000 + i), o, options.signal);
    if (path === null) {
      summaries.push({ elbo: -Infinity, iterations: 0, bestIterate: 0, gradients: 0 });
      continue;
    }
    runs.push(path);
    summaries.push(path.summary);
  }
  const usable = runs.length > 0 && runs.some((r) => r.summary.elbo !== -Infinity);
  if (!usable && options.signal?.aborted === true) throw new PathfinderAbortedError();
  if (!usable) {
    throw new UserError('Pathfinder found no normal approximation with a finite ELBO on any path; check the model and priors, or use --method nuts');
  }
  const M = o.reuseElboDraws ? o.elboDraws : o.drawsPerPath;
  const n = runs.length * M;
  const pooled = new Float64Array(n * d);
  const pooledLogp = new Float64Array(n);
  const logRatios = new Float64Array(n);
  runs.forEach((r, i) => {
    pooled.set(r.draws, i * M * d);
    pooledLogp.set(r.logp, i * M);
    for (let k = 0; k < M; k++) logRatios[i * M + k] = r.logp[k] - r.logq[k];
  });
  const { weights, k: paretoK } = psisWeights(logRatios);
  const rng = stream(o.seed, 7_100_000);
  const picks = resampleWithReplacement(weights, o.draws, rng);
  const draws = new Float64Array(o.draws * d);
  const logDensity = new Float64Array(o.draws);
  picks.forEach((p, j) => {
    draws.set(pooled.subarray(p * d, (p + 1) * d), j * d);
    logDensity[j] = pooledLogp[p];
  });
  let bestRun = runs[0];
  for (const r of runs) if (r.summary.elbo > bestRun.summary.elbo) bestRun = r;
  return {
    dim: d,
    draws,
    logDensity,
    paretoK,
    paths: summaries,
    variances: bestRun.approximation.variances(),
    pooled,
    pooledLogDensity: pooledLogp,
    pooledWeights: weights,
    gradients: evaluator.evaluations,
  };
}

/** n indices drawn with replacement with probabilities `weights` (normalised), by inverting the cumulative sum. */
export function resampleWithReplacement(weights: Float64Array, n: number, rng: Rng): Int32Array {
  const cumulative = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = s += weights[i];
  const out = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const u = rng.uniform() * s;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    out[j] = lo;
  }
  return out;
}

/**
 * Initial values for `chains` chains (chains × d): pooled draws chosen with probability proportional to their PSIS
 * weights, without replacement (so chains start at distinct points while distinct draws with weight remain).
 */
export function pathfinderInits(result: PathfinderResult, chains: number, rng: Rng): Float64Array {
  const d = result.dim;
  const w = Float64Array.from(result.pooledWeights);
  const out = new Float64Array(chains * d);
  for (let c = 0; c < chains; c++) {
    let total = 0;
    for (const v of w) total += v;
    if (!(total > 0)) w.set(result.pooledWeights); // every weighted draw taken: start over
    const [pick] = resampleWithReplacement(w, 1, rng);
    out.set(result.pooled.subarray(pick * d, (pick + 1) * d), c * d);
    w[pick] = 0;
  }
  return out;
}
