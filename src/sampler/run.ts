/**
 * The sampling run: C chains of NUTS in lockstep with Stan's warm-up adaptation. Orchestration only: initial values,
 * step-size initialisation, warm-up (adaptation), sampling (thinned draws and sampler statistics), progress, abort.
 * The model is seen only through `target` (batched log density and gradient); draws are unconstrained.
 */
import { makeDrawSet, type DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { stream, type Rng } from '../rng.js';
import { StepSizeInitializer } from './adaptation/step-size-init.js';
import { STAN_ADAPTATION, WindowedAdaptation, type AdaptationSettings } from './adaptation/window-adaptation.js';
import { initializeChains } from './init.js';
import { Metric, type MetricKind } from './metric.js';
import { NutsKernel, type LogDensityTarget } from './nuts.js';
import type { SamplerProgress } from './progress.js';

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
  /** Warm-up iterations per chain (adaptation; not kept). */
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
  /** Buffers and dual-averaging constants other than targetAccept. Default Stan's. */
  readonly adaptation?: Partial<Omit<AdaptationSettings, 'targetAccept'>>;
  /** Called after every iteration; the arrays in the argument are live views, valid during the call only. */
  readonly onProgress?: (progress: SamplerProgress) => void;
  /** When aborted, the current iteration is finished and what was drawn is returned with incomplete = true. */
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
  readonly adaptation: AdaptationSettings;
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
  /** Adapted inverse metric per chain: dim values (diag) or dim × dim row-major (dense). */
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
  /** Warm-up and sampling iterations completed. */
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
    adaptation: { ...STAN_ADAPTATION, ...options.adaptation, targetAccept: options.targetAccept ?? STAN_ADAPTATION.targetAccept },
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
  if (settings.metric !== 'diag' && settings.metric !== 'dense') {
    throw new UserError(`--metric must be diag or dense (got ${String(settings.metric)})`);
  }
  return settings;
}

/** Runs NUTS on `target` for options.chains chains in lockstep. */
export async function sample(target: LogDensityTarget, options: SampleOptions): Promise<SampleResult> {
  const settings = resolveSettings(options);
  const C = settings.chains;
  const d = target.dim;
  const rngs: Rng[] = Array.from({ length: C }, (_, c) => stream(settings.seed, c));
  const metric = new Metric(settings.metric, C, d);
  const stepSize = new Float64Array(C).fill(settings.initialStepSize);
  const kernel = new NutsKernel(target, C, metric, stepSize, { maxTreeDepth: settings.maxTreeDepth, maxDeltaH: 1000 });
  const tree = kernel.tree;
  const gradients = new Float64Array(C);
  let extraCalls = 0;

  const t0 = performance.now();
  extraCalls += await initializeChains(target, C, options.init ?? 'random', rngs, tree.current, gradients);

  // warm-up
  const adaptation = new WindowedAdaptation(C, metric, settings.warmup, settings.adaptation);
  const initializer = new StepSizeInitializer(target, C, metric);
  const nKeep = Math.ceil(settings.draws / settings.thin);
  const totalIterations = settings.warmup + settings.draws;
  const warmupDivergences = new Int32Array(C);
  const divergences = new Int32Array(C);
  const progress = (phase: 'warmup' | 'sampling', iteration: number): void => {
    options.onProgress?.({
      phase,
      iteration,
      totalIterations,
      warmup: settings.warmup,
      nChains: C,
      stepSize,
      divergences,
      warmupDivergences,
      gradients,
      treeDepth: tree.treeDepth,
      elapsedSeconds: (performance.now() - t0) / 1000,
    });
  };
  const aborted = (): boolean => options.signal?.aborted === true;
  let warmupDone = 0;
  if (settings.warmup > 0) {
    adaptation.start(stepSize);
    extraCalls += await initializer.run(tree.current, stepSize, rngs, gradients);
    for (let i = 0; i < settings.warmup && !aborted(); i++) {
      await kernel.transition(rngs);
      for (let c = 0; c < C; c++) {
        gradients[c] += tree.nLeapfrog[c];
        warmupDivergences[c] += tree.divergent[c];
      }
      if (adaptation.learn(i, tree.acceptStat, tree.current.q, stepSize)) {
        extraCalls += await initializer.run(tree.current, stepSize, rngs, gradients);
        adaptation.restartStepSize(stepSize);
      }
      warmupDone = i + 1;
      progress('warmup', warmupDone);
    }
    if (warmupDone === settings.warmup) adaptation.finish(stepSize);
  }
  const t1 = performance.now();

  // sampling
  const stats = makeDrawSet(SAMPLER_STAT_NAMES, C, nKeep);
  const draws = Array.from({ length: C }, () => new Float64Array(nKeep * d));
  const samplingGradients = new Float64Array(C);
  const sv = stats.values;
  let kept = 0;
  let samplingDone = 0;
  const warmupComplete = warmupDone === settings.warmup;
  for (let m = 0; m < settings.draws && warmupComplete && !aborted(); m++) {
    await kernel.transition(rngs);
    for (let c = 0; c < C; c++) {
      gradients[c] += tree.nLeapfrog[c];
      samplingGradients[c] += tree.nLeapfrog[c];
      divergences[c] += tree.divergent[c];
    }
    if (m % settings.thin === 0) {
      const { q, logp } = tree.current;
      for (let c = 0; c < C; c++) {
        const row = [
          logp[c],
          tree.acceptStat[c],
          stepSize[c],
          tree.treeDepth[c],
          tree.nLeapfrog[c],
          tree.divergent[c],
          tree.energy[c],
        ];
        for (let v = 0; v < row.length; v++) sv[(v * C + c) * nKeep + kept] = row[v];
        draws[c].set(q.subarray(c * d, (c + 1) * d), kept * d);
      }
      kept++;
    }
    samplingDone = m + 1;
    progress('sampling', settings.warmup + samplingDone);
  }
  const t2 = performance.now();
  const incomplete = !warmupComplete || samplingDone < settings.draws;

  return {
    settings,
    dim: d,
    nChains: C,
    nDraws: kept,
    draws: kept === nKeep ? draws : draws.map((x) => x.slice(0, kept * d)),
    stats: kept === nKeep ? stats : truncateDrawSet(stats, kept),
    stepSize,
    inverseMetric: Array.from({ length: C }, (_, c) => metric.inverseOf(c).slice()),
    gradientEvaluations: gradients,
    samplingGradientEvaluations: samplingGradients,
    targetCalls: kernel.targetCalls + extraCalls,
    divergences,
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
