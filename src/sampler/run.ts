/**
 * The sampling run: C chains of NUTS with a warm-up adaptation (the Fisher-divergence scheme by default, Stan's on
 * request; each chain's warm-up may end before the maximum), batched: one target call per round evaluates
 * every chain that needs a gradient, and a chain that ends its trajectory goes straight on to its next one instead of
 * waiting for the longest tree of the round (with 4 chains on Hillstrom, waiting left ~35% of the call slots idle).
 * Orchestration only: initial values, step-size initialisation, warm-up (adaptation), sampling (thinned draws and
 * sampler statistics), progress, abort.
 * The model is seen only through `target` (batched log density and gradient); draws are unconstrained.
 */
import { makeDrawSet, type DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { stream, type Rng } from '../rng.js';
import { StepSizeInitializer } from './adaptation/step-size-init.js';
import { curvatureInverseDiagonal } from './adaptation/curvature-diagonal.js';
import { FISHER_DEFAULTS, FisherAdaptation, type FisherSettings } from './adaptation/fisher-adaptation.js';
import type { AdaptScheme, WarmupAdaptation } from './adaptation/warmup.js';
import { STAN_ADAPTATION, WindowedAdaptation, type AdaptationSettings } from './adaptation/window-adaptation.js';
import { initializeChains } from './init.js';
import { Metric, type MetricKind } from './metric.js';
import type { LogDensityTarget } from './nuts.js';
import type { SamplerProgress } from './progress.js';
import { TreeBuilder } from './trajectory.js';
import { yieldToEventLoop } from '../platform/host.js';

/** Sampler statistics per draw, named and ordered as in CmdStan's output. */
export const SAMPLER_STAT_NAMES = [
  'lp__',
  'accept_stat__',
  'stepsize__',
  'treedepth__',
  'n_leapfrog__',
  'divergent__',
  'energy__',
] as const;

export interface SampleOptions {
  /** Number of chains (≥ 1). */
  readonly chains: number;
  /**
   * Warm-up iterations per chain (adaptation; not kept): the maximum with the 'fisher' scheme, whose warm-up ends
   * when metric and step size have stabilised (src/sampler/adaptation/fisher-adaptation.ts).
   */
  readonly warmup: number;
  /** Post-warm-up iterations per chain (CmdStan's num_samples); ceil(draws / thin) are kept. */
  readonly draws: number;
  readonly seed: number;
  /** Target acceptance statistic of the step-size adaptation (Stan's adapt_delta). Default 0.8. */
  readonly targetAccept?: number;
  /** Default 10. */
  readonly maxTreeDepth?: number;
  /** Default 'diag'. */
  readonly metric?: MetricKind;
  /** Keep every thin-th post-warm-up draw. Default 1. */
  readonly thin?: number;
  /** chains × dim unconstrained initial values (row-major), or 'random' (uniform(−2, 2)). Default 'random'. */
  readonly init?: Float64Array | 'random';
  /** Initial step size before its initialisation heuristic (Stan's stepsize). Default 1. */
  readonly stepSize?: number;
  /**
   * Initial inverse metric of every chain as d positive variances (a diagonal; for the dense metric a diagonal
   * matrix), in place of the metric warm-up starts from — e.g. the variances of a Pathfinder approximation
   * (`--init pathfinder`). Warm-up adapts from there as usual. Default: the identity for 'stan', the curvature at each
   * chain's starting point for 'fisher' (fisher.initialMetric).
   */
  readonly initialInverseMetric?: Float64Array;
  /**
   * Warm-up scheme: 'fisher' (default, except with the lowrank metric; metric from draws and gradients for the whole
   * warm-up, adaptive length, pooled across chains when `fisher.poolMinChains` allows) or 'stan' (Stan's windowed
   * adaptation; the default for the lowrank metric, whose estimate comes from its slow windows).
   */
  readonly adapt?: AdaptScheme;
  /**
   * Dual-averaging constants (both schemes) and, for 'stan', buffers and the early metric, other than targetAccept.
   * Default for 'stan': STAN_ADAPTATION (Stan's exactly); NUTMEG_ADAPTATION adds the early metric of
   * src/sampler/adaptation/early-metric.ts.
   */
  readonly adaptation?: Partial<Omit<AdaptationSettings, 'targetAccept'>>;
  /** Settings of the 'fisher' scheme. Default FISHER_DEFAULTS. */
  readonly fisher?: Partial<FisherSettings>;
  /**
   * Called each time every chain has completed one more iteration (iteration = the slowest chain's count); the arrays
   * in the argument are live views, valid during the call only.
   */
  readonly onProgress?: (progress: SamplerProgress) => void;
  /**
   * When aborted, each chain finishes its current iteration and the iterations every chain completed are returned,
   * with incomplete = true.
   */
  readonly signal?: AbortSignal;
}

/** The settings a run used, defaults filled in (for output headers). */
export interface SampleSettings {
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  readonly thin: number;
  readonly seed: number;
  readonly targetAccept: number;
  readonly maxTreeDepth: number;
  readonly metric: MetricKind;
  readonly initialStepSize: number;
  readonly init: 'random' | 'given';
  readonly adapt: AdaptScheme;
  readonly adaptation: AdaptationSettings;
  readonly fisher: FisherSettings;
}

export interface SampleResult {
  readonly settings: SampleSettings;
  readonly dim: number;
  readonly nChains: number;
  /** Draws kept per chain. */
  readonly nDraws: number;
  /** Per chain: nDraws × dim unconstrained draws, row-major. */
  readonly draws: Float64Array[];
  /** lp__, accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__, energy__ per kept draw. */
  readonly stats: DrawSet;
  /** Adapted step size per chain. */
  readonly stepSize: Float64Array;
  /** Adapted inverse metric per chain: dim values (diag; for lowrank the diagonal of M⁻¹) or dim × dim row-major (dense). */
  readonly inverseMetric: Float64Array[];
  /** Gradient evaluations per chain (initialisation, step-size search, warm-up and sampling). */
  readonly gradientEvaluations: Float64Array;
  /** Gradient evaluations per chain after warm-up only (for "gradients per draw"). */
  readonly samplingGradientEvaluations: Float64Array;
  /** Batched target calls in all (each covers every chain that needed one). */
  readonly targetCalls: number;
  /** Divergent transitions per chain after warm-up. */
  readonly divergences: Int32Array;
  readonly timing: { readonly warmupSeconds: number; readonly samplingSeconds: number };
  /** Warm-up iterations each chain used (≤ settings.warmup; fewer when its adaptation stabilised early). */
  readonly warmupIterations: Int32Array;
  /** Warm-up and sampling iterations completed (warm-up counted as the maximum once a chain has finished it). */
  readonly warmupDone: number;
  readonly samplingDone: number;
  /** True when the run was aborted before all iterations were done. */
  readonly incomplete: boolean;
}

function resolveSettings(options: SampleOptions): SampleSettings {
  const settings: SampleSettings = {
    chains: options.chains,
    warmup: options.warmup,
    draws: options.draws,
    thin: options.thin ?? 1,
    seed: options.seed,
    targetAccept: options.targetAccept ?? STAN_ADAPTATION.targetAccept,
    maxTreeDepth: options.maxTreeDepth ?? 10,
    metric: options.metric ?? 'diag',
    initialStepSize: options.stepSize ?? 1,
    init: options.init === undefined || options.init === 'random' ? 'random' : 'given',
    // the low-rank metric is estimated in Stan's slow windows (adaptation/lowrank-window.ts)
    adapt: options.adapt ?? (options.metric === 'lowrank' ? 'stan' : 'fisher'),
    adaptation: { ...STAN_ADAPTATION, ...options.adaptation, targetAccept: options.targetAccept ?? STAN_ADAPTATION.targetAccept },
    fisher: { ...FISHER_DEFAULTS, ...options.fisher },
  };
  const intAtLeast = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new UserError(`--${name} must be a whole number ≥ ${min} (got ${v})`);
  };
  intAtLeast('chains', settings.chains, 1);
  intAtLeast('warmup', settings.warmup, 0);
  intAtLeast('draws', settings.draws, 0);
  intAtLeast('thin', settings.thin, 1);
  intAtLeast('max-treedepth', settings.maxTreeDepth, 1);
  if (!(settings.targetAccept > 0 && settings.targetAccept < 1)) {
    throw new UserError(`--target-accept must be strictly between 0 and 1 (got ${settings.targetAccept})`);
  }
  if (!(settings.initialStepSize > 0 && Number.isFinite(settings.initialStepSize))) {
    throw new UserError(`the initial step size must be a positive number (got ${settings.initialStepSize})`);
  }
  if (!Number.isFinite(settings.seed)) throw new UserError(`--seed must be a number (got ${settings.seed})`);
  if (settings.adapt !== 'fisher' && settings.adapt !== 'stan') {
    throw new UserError(`--adapt must be fisher or stan (got ${String(settings.adapt)})`);
  }
  if (settings.metric !== 'diag' && settings.metric !== 'dense' && settings.metric !== 'lowrank') {
    throw new UserError(`--metric must be diag, dense or lowrank (got ${String(settings.metric)})`);
  }
  if (settings.metric === 'lowrank' && settings.adapt !== 'stan') {
    throw new UserError('--metric lowrank is estimated in Stan\'s slow windows only: use --adapt stan (or auto) with it');
  }
  return settings;
}

/** Node's global `performance` is a getter (~1 µs an access); the run loop reads the clock through this reference. */
const clock = globalThis.performance;

/** What a chain is doing: waiting for the target to evaluate a tree's leaf, or a step-size probe; or finished. */
const DONE = 0;
const TREE = 1;
const SEARCH = 2;

/**
 * Runs NUTS on `target` for options.chains chains. Every target call covers all chains that need a gradient, but the
 * chains do not wait for each other between iterations: a chain whose trajectory ended starts its next one (or its
 * step-size search) at once, so a call is not left with idle slots while one chain finishes a longer tree. Each
 * chain's draws depend only on its own stream, so they are the same as in lockstep or alone — except when the
 * warm-up pools its metric across chains (fisher.poolMinChains, which a fit sets to 16): then warm-up, and so the draws,
 * depend on when each chain's draws reach the pool.
 */
export async function sample(target: LogDensityTarget, options: SampleOptions): Promise<SampleResult> {
  const settings = resolveSettings(options);
  const C = settings.chains;
  const d = target.dim;
  const W = settings.warmup;
  const rngs: Rng[] = Array.from({ length: C }, (_, c) => stream(settings.seed, c));
  const metric = new Metric(settings.metric, C, d);
  if (options.initialInverseMetric) for (let c = 0; c < C; c++) metric.setDiagonalInverse(c, options.initialInverseMetric);
  const stepSize = new Float64Array(C).fill(settings.initialStepSize);
  const tree = new TreeBuilder(C, d, metric, stepSize, { maxTreeDepth: settings.maxTreeDepth, maxDeltaH: 1000 });
  const gradients = new Float64Array(C);
  let calls = 0;

  const t0 = clock.now();
  calls += await initializeChains(target, C, options.init ?? 'random', rngs, tree.current, gradients);

  // the Fisher warm-up may start from the curvature at each chain's starting point instead of 1/g₀²
  const curvatureStart = W > 0 && settings.adapt === 'fisher' && settings.fisher.initialMetric === 'curvature' && !options.initialInverseMetric;
  if (curvatureStart) {
    const inverse = new Float64Array(C * d).fill(1);
    calls += await curvatureInverseDiagonal(target, C, tree.current, rngs, inverse, tree.work, gradients);
    for (let c = 0; c < C; c++) metric.setDiagonalInverse(c, inverse.subarray(c * d, (c + 1) * d));
  }
  const adaptation: WarmupAdaptation =
    settings.adapt === 'stan'
      ? new WindowedAdaptation(C, metric, W, settings.adaptation)
      : new FisherAdaptation(C, metric, W, settings.adaptation, settings.fisher);
  // step-size probes are integrated in the tree's work point, so that every round is one target call
  const initializer = new StepSizeInitializer(target, C, metric, tree.work);
  const nKeep = Math.ceil(settings.draws / settings.thin);
  const totalIterations = W + settings.draws;
  const warmupDivergences = new Int32Array(C);
  const divergences = new Int32Array(C);
  const lastTreeDepth = new Int32Array(C);
  const stats = makeDrawSet(SAMPLER_STAT_NAMES, C, nKeep);
  // in a SharedArrayBuffer where there is one, so that the threaded summary reads the level coordinates where they
  // lie (src/column-draws.ts: a fit's z_ and r_ of many-level terms are read from these, not stored again)
  const shared = typeof SharedArrayBuffer === 'function';
  const draws = Array.from({ length: C }, () => (shared ? new Float64Array(new SharedArrayBuffer(nKeep * d * 8)) : new Float64Array(nKeep * d)));
  const samplingGradients = new Float64Array(C);
  /** Per chain: warm-up iterations used, 0 until its warm-up has ended. */
  const warmupIterations = new Int32Array(C);
  const sv = stats.values;

  /** Per chain: iterations completed, what it waits for, draws kept, and whether its search follows a metric update. */
  const done = new Int32Array(C);
  const phase = new Uint8Array(C); // DONE, TREE or SEARCH; also the `active` mask of the target call
  const kept = new Int32Array(C);
  const restartAfterSearch = new Uint8Array(C);
  let running = 0;

  /** Per chain: transitions run (the warm-up iterations skipped after an early end are not counted). */
  const transitions = new Int32Array(C);
  /** Chains whose warm-up has ended; from then on progress says 'sampling', even before iteration W. */
  let warmedUp = W === 0 ? C : 0;
  const inverseMetricOf = (c: number): Float64Array => (metric.kind === 'lowrank' ? metric.diagonalOf(c) : metric.inverseOf(c));
  const progress = (iteration: number): void => {
    options.onProgress?.({
      phase: iteration <= W && warmedUp < C ? 'warmup' : 'sampling',
      iteration,
      totalIterations,
      warmup: W,
      nChains: C,
      stepSize,
      divergences,
      warmupDivergences,
      gradients,
      warmupIterations,
      transitions,
      treeDepth: lastTreeDepth,
      inverseMetricOf,
      positions: tree.current.q,
      elapsedSeconds: (clock.now() - t0) / 1000,
    });
  };
  const aborted = (): boolean => options.signal?.aborted === true;

  // Progress counts the iterations every chain has completed (`reported`); atLevel[k] chains have completed exactly k.
  // It is reported when the last chain of the slowest level completes, before that chain starts its next iteration,
  // so an abort from onProgress at iteration k leaves k iterations in the result.
  const atLevel = new Int32Array(totalIterations + 1);
  atLevel[0] = C;
  let reported = 0;
  let t1 = W === 0 ? clock.now() : -1;
  const completed = (c: number, from = done[c] - 1): void => {
    atLevel[from]--;
    atLevel[done[c]]++;
    while (reported < totalIterations && atLevel[reported] === 0) {
      reported++;
      if (reported === W) t1 = clock.now();
      progress(reported);
    }
  };

  /** Chain c starts its next iteration, or stops (all done, or aborted). */
  const startIteration = (c: number): void => {
    if (W > 0 && done[c] === W) adaptation.finishOf(c, stepSize);
    if (done[c] >= totalIterations || aborted()) {
      phase[c] = DONE;
      running--;
      return;
    }
    tree.begin(c, rngs[c]);
    phase[c] = TREE;
  };

  /**
   * Chain c's warm-up ended after its iteration i < W − 1 (its adaptation stabilised): it skips the rest, counted as
   * done so that iteration W + k is every chain's k-th draw.
   */
  const skipRestOfWarmup = (c: number): void => {
    const from = done[c];
    done[c] = W;
    completed(c, from);
  };

  /** Chain c's transition ended: statistics, adaptation (maybe a step-size search), the draw; then its next start. */
  const endIteration = (c: number): void => {
    const i = done[c]++;
    transitions[c]++;
    const nLeapfrog = tree.nLeapfrog[c];
    gradients[c] += nLeapfrog;
    lastTreeDepth[c] = tree.treeDepth[c];
    if (i < W) {
      warmupDivergences[c] += tree.divergent[c];
      const updated = adaptation.learnOf(c, i, tree.acceptStat, tree.current.q, tree.current.grad, stepSize);
      completed(c);
      if (adaptation.isLastOf(c, i)) {
        warmupIterations[c] = i + 1;
        warmedUp++;
        if (i + 1 < W) skipRestOfWarmup(c);
      }
      if (updated) {
        if (initializer.begin(c, tree.current, stepSize, rngs[c])) {
          phase[c] = SEARCH;
          restartAfterSearch[c] = 1;
          return;
        }
        adaptation.restartStepSizeOf(c, stepSize);
      }
    } else {
      samplingGradients[c] += nLeapfrog;
      divergences[c] += tree.divergent[c];
      if ((i - W) % settings.thin === 0) {
        const k = kept[c]++;
        // SAMPLER_STAT_NAMES order; stat v of chain c at (v·C + c)·nKeep + k
        const at = c * nKeep + k;
        const stride = C * nKeep;
        sv[at] = tree.current.logp[c];
        sv[at + stride] = tree.acceptStat[c];
        sv[at + 2 * stride] = stepSize[c];
        sv[at + 3 * stride] = tree.treeDepth[c];
        sv[at + 4 * stride] = nLeapfrog;
        sv[at + 5 * stride] = tree.divergent[c];
        sv[at + 6 * stride] = tree.energy[c];
        const q = tree.current.q;
        const chainDraws = draws[c];
        for (let j = 0; j < d; j++) chainDraws[k * d + j] = q[c * d + j];
      }
      completed(c);
    }
    startIteration(c);
  };

  for (let c = 0; c < C; c++) {
    running++;
    if (W > 0) {
      if (c === 0) adaptation.start(stepSize);
      // a handed-over initial metric (Pathfinder's variances) replaces the scheme's own starting guess
      if (!options.initialInverseMetric && !curvatureStart) adaptation.initOf(c, tree.current.grad);
      // Stan's first step-size initialisation, before warm-up (μ stays log(10 ε0) of the user's ε0)
      if (initializer.begin(c, tree.current, stepSize, rngs[c])) {
        phase[c] = SEARCH;
        restartAfterSearch[c] = 0;
        continue;
      }
    }
    startIteration(c);
  }

  // A backend that computes synchronously (the reference one) resolves its promise at once, so this loop would run
  // on microtasks alone and never let a signal handler (Ctrl-C, SIGTERM) run; give the event loop a turn every
  // ~50 ms when the run can be aborted.
  // A target that evaluates on the calling thread is called without a promise per round (the same arithmetic, so
  // the same draws; on a small model a promise round trip costs more than the gradient).
  // Synchronous calls are small (work-size.ts), so the clock is read every 16th round for them.
  let lastYield = clock.now();
  const work = tree.work;
  const evaluateNow = target.logDensityGradientSync;
  let round = 0;
  while (running > 0) {
    if (options.signal && (evaluateNow === undefined || (++round & 15) === 0) && clock.now() - lastYield > 50) {
      await yieldToEventLoop();
      lastYield = clock.now();
    }
    if (evaluateNow) evaluateNow.call(target, work.q, C, work.logp, work.grad, phase);
    else await target.logDensityGradient(work.q, C, work.logp, work.grad, phase);
    calls++;
    for (let c = 0; c < C; c++) {
      if (phase[c] === TREE) {
        tree.advance(c, rngs[c]);
        if (tree.building[c] === 0) endIteration(c);
      } else if (phase[c] === SEARCH) {
        gradients[c]++;
        if (!initializer.advance(c, tree.current, stepSize, rngs[c])) {
          if (restartAfterSearch[c]) adaptation.restartStepSizeOf(c, stepSize);
          startIteration(c);
        }
      }
    }
  }
  const t2 = clock.now();
  if (t1 < 0) t1 = t2;

  let slowest = totalIterations;
  for (let c = 0; c < C; c++) if (done[c] < slowest) slowest = done[c];
  const warmupDone = Math.min(slowest, W);
  const samplingDone = Math.max(0, slowest - W);
  const nDraws = Math.ceil(samplingDone / settings.thin);
  const incomplete = warmupDone < W || samplingDone < settings.draws;

  return {
    settings,
    dim: d,
    nChains: C,
    nDraws,
    draws: nDraws === nKeep ? draws : draws.map((x) => x.slice(0, nDraws * d)),
    stats: nDraws === nKeep ? stats : truncateDrawSet(stats, nDraws),
    stepSize,
    inverseMetric: Array.from({ length: C }, (_, c) => (metric.kind === 'lowrank' ? metric.diagonalOf(c) : metric.inverseOf(c).slice())),
    gradientEvaluations: gradients,
    samplingGradientEvaluations: samplingGradients,
    targetCalls: calls,
    divergences,
    warmupIterations,
    timing: { warmupSeconds: (t1 - t0) / 1000, samplingSeconds: (t2 - t1) / 1000 },
    warmupDone,
    samplingDone,
    incomplete,
  };
}

/** The first nDraws draws of every chain of ds, as a new DrawSet. */
function truncateDrawSet(ds: DrawSet, nDraws: number): DrawSet {
  const out = makeDrawSet(ds.names, ds.nChains, nDraws);
  for (let v = 0; v < ds.names.length; v++) {
    for (let c = 0; c < ds.nChains; c++) {
      const from = (v * ds.nChains + c) * ds.nDraws;
      out.values.set(ds.values.subarray(from, from + nDraws), (v * ds.nChains + c) * nDraws);
    }
  }
  return out;
}
