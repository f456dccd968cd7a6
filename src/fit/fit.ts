/**
 * The fit API: Frame + formula → model → backend → NUTS (all chains batched into one backend call per step) →
 * constrained draws. Orchestration only; every
 * piece it calls has one job (buildModel, createBackend, findMode, sample, constrain).
 */
import type { Backend } from '../backend/backend.js';
import { createBackend, type BackendChoice } from '../backend/select.js';
import type { Frame } from '../data/frame.js';
import { makeDrawSet, type DrawSet } from '../draws.js';
import type { ColumnDraws } from '../column-draws.js';
import { constrainToColumns } from './constrain-columns.js';
import { buildModel, type BuildOptions, type BuiltModel } from '../model/build.js';
import { constrain, constrainedDim, constrainedNames, levelCoordinates, levelPlaces } from '../model/layout.js';
import { denseFixedCount, type ModelSpec } from '../model/spec.js';
import { POOL_MIN_CHAINS, type FisherSettings } from '../sampler/adaptation/fisher-adaptation.js';
import { lowRankWindowCapacity } from '../sampler/adaptation/window-adaptation.js';
import type { MetricChoice } from '../sampler/metric.js';
import { defaultTargetAccept } from './target-accept.js';
import { chooseMetric } from './metric-choice.js';
import { chooseAdapt, type AdaptChoice } from './adapt-choice.js';
import type { SamplerProgress } from '../sampler/progress.js';
import { sample, type SampleResult } from '../sampler/run.js';
import { Rng } from '../rng.js';
import { findMode, type ModeResult } from './map.js';
import { checkRunMemory, type RunSize } from './memory-estimate.js';
import { chooseInit, type InitChoice, type InitKind } from './init-choice.js';
import { levelStart, levelStartTerms } from './level-start.js';
import { PATHFINDER_BATCH, pathfinderSample, pathfinderStart, type PathfinderReport } from './pathfinder-fit.js';

export interface FitOptions extends BuildOptions {
  readonly backend?: BackendChoice;
  /** WebGPU adapter name filter. */
  readonly adapter?: string;
  /** Threads for the native backend. */
  readonly threads?: number;
  readonly chains?: number;
  readonly warmup?: number;
  readonly draws?: number;
  readonly seed?: number;
  /** Default: defaultTargetAccept (src/fit/target-accept.ts). */
  readonly targetAccept?: number;
  readonly maxTreeDepth?: number;
  /** 'auto' (default): see chooseMetric (src/fit/metric-choice.ts). */
  readonly metric?: MetricChoice;
  /**
   * Warm-up: 'auto' (default; see chooseAdapt, src/fit/adapt-choice.ts), 'fisher'
   * (src/sampler/adaptation/fisher-adaptation.ts; `warmup` is its maximum) or 'stan' (Stan's windows exactly).
   */
  readonly adapt?: AdaptChoice;
  /**
   * Settings of the 'fisher' warm-up (adaptive length, pooling threshold; every chain of a fit samples one posterior,
   * so it pools from POOL_MIN_CHAINS chains by default); API only.
   */
  readonly fisher?: Partial<FisherSettings>;
  readonly thin?: number;
  /**
   * 'auto' (default): see chooseInit (src/fit/init-choice.ts); 'random': uniform(−2, 2) per coordinate (Stan's
   * default); 'levels': uniform(−2, 2) except the sd and levels of many-level terms, started from the data
   * (src/fit/level-start.ts); 'map': the posterior mode, jittered per chain; 'pathfinder': draws of multi-path Pathfinder, whose
   * variances also become warm-up's initial diagonal metric.
   */
  readonly init?: InitChoice;
  readonly onProgress?: (progress: SamplerProgress) => void;
  readonly signal?: AbortSignal;
  /** One-line notices (backend fallbacks, parameterization notes). */
  readonly log?: (line: string) => void;
  /** Details for --verbose (the GPU probe's captured driver output). */
  readonly detail?: (line: string) => void;
  /** Called with the built model before the backend starts (e.g. to print its data warnings before sampling). */
  readonly onModel?: (model: BuiltModel) => void;
  /**
   * Whether fit.sample.draws keeps the unconstrained draws after they are constrained (default true: LOO of the fit
   * and the NetCDF log-likelihood read them). false releases them chain by chain (fit.sample.draws then holds empty
   * arrays), for a caller that needs only the constrained draws — `nutmeg fit` without --report or --save-loglik.
   */
  readonly keepUnconstrained?: boolean;
  /**
   * Whether the per-level variables are kept once, in the sampler's own arrays (src/fit/constrain-columns.ts): then
   * fit.columns reads every constrained variable, fit.draws holds only the others, and fit.sample.draws is emptied
   * (default false). `nutmeg fit` without --report or --save-loglik: a 10⁵-level fit holds its level draws once.
   */
  readonly levelsInPlace?: boolean;
}


export const FIT_DEFAULTS = {
  backend: 'auto' as BackendChoice,
  chains: 4,
  warmup: 1000,
  draws: 1000,
  seed: 1,
  maxTreeDepth: 10,
  metric: 'auto' as MetricChoice,
  adapt: 'auto' as AdaptChoice,
  thin: 1,
  init: 'auto' as InitChoice,
};

export interface Fit {
  /** How the draws were made: NUTS, or Pathfinder's approximation (`--method pathfinder`). */
  readonly method: 'nuts' | 'pathfinder';
  readonly model: BuiltModel;
  readonly backend: Backend;
  readonly sample: SampleResult;
  /**
   * Constrained parameters and generated quantities (names from constrainedNames); with FitOptions.levelsInPlace
   * only those not read from the sampler's arrays (see `columns`).
   */
  readonly draws: DrawSet;
  /** With FitOptions.levelsInPlace: every constrained variable, the per-level ones read in place; else null. */
  readonly columns: ColumnDraws | null;
  /** lp__, accept_stat__, stepsize__, treedepth__, n_leapfrog__, divergent__, energy__. */
  readonly stats: DrawSet;
  /** Level names of every indexed family, e.g. r_zip_code__Intercept → ["Rural", "Surburban", "Urban"]. */
  readonly coordinates: Record<string, readonly string[]>;
  readonly mode: ModeResult | null;
  /** The Pathfinder run of `--init pathfinder` or `--method pathfinder` (then `sample` holds its draws); else null. */
  readonly pathfinder: PathfinderReport | null;
  /** The starting points used (what `init: 'auto'` chose, or what was asked for). */
  readonly init: InitKind;
  readonly timings: { readonly buildSeconds: number; readonly backendSeconds: number; readonly modeSeconds: number };
  /** Releases the backend (threads, GPU buffers). */
  dispose(): Promise<void>;
}

const now = (): number => performance.now() / 1000;

/**
 * Constrained draws (variable-major DrawSet, in a SharedArrayBuffer where there is one, so the threaded summary reads
 * them in place) from the sampler's unconstrained per-chain draws. `release`: each chain's unconstrained draws are
 * dropped (replaced by an empty array in result.draws) as soon as they are constrained, so that both forms of a
 * 10⁵-parameter fit are not held whole at once.
 */
export function constrainDraws(spec: ModelSpec, result: SampleResult, options: { readonly release?: boolean } = {}): DrawSet {
  const names = constrainedNames(spec);
  const out = makeDrawSet(names, result.nChains, result.nDraws, { shared: true });
  const row = new Float64Array(constrainedDim(spec));
  const V = names.length;
  for (let c = 0; c < result.nChains; c++) {
    const chain = result.draws[c];
    for (let d = 0; d < result.nDraws; d++) {
      constrain(spec, chain.subarray(d * spec.dim, (d + 1) * spec.dim), row);
      for (let v = 0; v < V; v++) out.values[(v * result.nChains + c) * result.nDraws + d] = row[v];
    }
    if (options.release) result.draws[c] = new Float64Array(0);
  }
  return out;
}

/** The constrained draws of a fit: whole (draws), or with the per-level variables in place (columns). */
function constrainedOf(spec: ModelSpec, result: SampleResult, options: FitOptions): { draws: DrawSet; columns: ColumnDraws | null } {
  if (options.levelsInPlace === true) {
    const columns = constrainToColumns(spec, result);
    return { draws: columns.base, columns };
  }
  return { draws: constrainDraws(spec, result, { release: options.keepUnconstrained === false }), columns: null };
}

/** What the memory estimate needs to know about a run of `spec` (see src/fit/memory-estimate.ts). */
export function runSize(spec: ModelSpec, chains: number, keptDraws: number, denseMetric: boolean, lowRankWindow?: number, levelsInPlace = false): RunSize {
  const slopes = spec.terms.filter((t) => t.x !== null).length;
  return {
    chains,
    keptDraws,
    dim: spec.dim,
    constrainedDim: constrainedDim(spec),
    ...(levelsInPlace ? { inPlace: levelPlaces(spec).place.reduce((n, at) => (at >= 0 ? n + 1 : n), 0) } : {}),
    rows: spec.n,
    // an indexed fixed term (src/model/indexed-fixed.ts) is an index and its numeric part per row, not its columns
    columns: denseFixedCount(spec.fixed) + 2 * (spec.fixed.indexed?.length ?? 0) + slopes + 1 + (spec.trials ? 1 : 0),
    denseMetric,
    ...(lowRankWindow === undefined ? {} : { lowRankWindow }),
  };
}

/** Starting points at the posterior mode, each chain jittered by uniform(−0.1, 0.1) so chains are not identical. */
function modeInits(mode: ModeResult, chains: number, seed: number): Float64Array {
  const dim = mode.theta.length;
  const inits = new Float64Array(chains * dim);
  const rng = new Rng(seed, 1_000_003);
  for (let c = 0; c < chains; c++) {
    for (let j = 0; j < dim; j++) inits[c * dim + j] = mode.theta[j] + rng.uniformRange(-0.1, 0.1);
  }
  return inits;
}

export async function fitModel(frame: Frame, formula: string, options: FitOptions = {}): Promise<Fit> {
  const o = { ...FIT_DEFAULTS, ...options };
  const log = options.log ?? (() => {});
  let t = now();
  const model = buildModel(frame, formula, options);
  options.onModel?.(model);
  const buildSeconds = now() - t;
  const metric = chooseMetric(o.metric, model.spec);
  const { adapt, earlyMetric } = chooseAdapt(o.adapt, model.spec, metric);
  const levelTerms = o.init === 'auto' || o.init === 'levels' ? levelStartTerms(model.spec) : [];
  const manyLevels = levelTerms.some(({ term }) => model.spec.terms[term].parameterization === 'noncentered');
  const chosen = chooseInit(o.init, model.spec, manyLevels);
  // `--init levels` on a model without a many-level term is the random start
  const init = chosen.init === 'levels' && levelTerms.length === 0 ? 'random' : chosen.init;
  const initReason = init === chosen.init ? chosen.reason : 'no varying term of 50+ levels to start from the data';
  if (initReason !== null) log(`init: ${init} (${initReason})`);
  const lowRankWindow = metric === 'lowrank' ? lowRankWindowCapacity(o.warmup) : undefined;
  checkRunMemory(runSize(model.spec, o.chains, Math.ceil(o.draws / o.thin), metric === 'dense', lowRankWindow, options.levelsInPlace === true));
  t = now();
  const backend = await createBackend(o.backend, model.spec, { maxChains: o.chains, adapter: o.adapter, threads: o.threads }, log, options.detail);
  const backendSeconds = now() - t;
  try {
    let mode: ModeResult | null = null;
    t = now();
    if (init === 'map') mode = await findMode(backend);
    const modeSeconds = now() - t;
    // Pathfinder's batches are as wide as the chains, so that the backend (its threads, its buffers) is the sampler's
    const start = init === 'pathfinder' ? await pathfinderStart(backend, o.chains, o.seed, o.chains, options.signal) : null;
    const result = await sample(backend, {
      chains: o.chains,
      warmup: o.warmup,
      draws: o.draws,
      seed: o.seed,
      targetAccept: o.targetAccept ?? defaultTargetAccept(model.spec),
      maxTreeDepth: o.maxTreeDepth,
      metric,
      adapt,
      adaptation: { earlyMetric },
      // Pathfinder's starts lie in the typical set and its variances fit it: the Fisher warm-up skips its early phase
      fisher: { poolMinChains: POOL_MIN_CHAINS, ...(start !== null ? { settledStart: true } : {}), ...options.fisher },
      thin: o.thin,
      init: mode ? modeInits(mode, o.chains, o.seed) : start ? start.inits : init === 'levels' ? (levelStart(model.spec, o.chains, o.seed, levelTerms) ?? 'random') : 'random',
      initialInverseMetric: start?.inverseMetric,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    return {
      method: 'nuts',
      model,
      backend,
      sample: result,
      ...constrainedOf(model.spec, result, options),
      stats: result.stats,
      coordinates: levelCoordinates(model.spec),
      mode,
      pathfinder: start?.report ?? null,
      init,
      timings: { buildSeconds, backendSeconds, modeSeconds },
      dispose: () => backend.dispose(),
    };
  } catch (e) {
    await backend.dispose();
    throw e;
  }
}

/**
 * `--method pathfinder`: multi-path Pathfinder's PSIS-resampled draws (chains × draws of them) as a quick approximate
 * posterior, in the same Fit shape as a NUTS run (no warm-up; see src/fit/pathfinder-fit.ts).
 */
export async function fitPathfinder(frame: Frame, formula: string, options: FitOptions = {}): Promise<Fit> {
  const o = { ...FIT_DEFAULTS, ...options };
  const log = options.log ?? (() => {});
  let t = now();
  const model = buildModel(frame, formula, options);
  options.onModel?.(model);
  const buildSeconds = now() - t;
  checkRunMemory(runSize(model.spec, o.chains, o.draws, false));
  t = now();
  const maxChains = Math.max(o.chains, PATHFINDER_BATCH);
  const backend = await createBackend(o.backend, model.spec, { maxChains, adapter: o.adapter, threads: o.threads }, log, options.detail);
  const backendSeconds = now() - t;
  try {
    const { result, report } = await pathfinderSample(backend, o.chains, o.draws, o.seed);
    return {
      method: 'pathfinder',
      model,
      backend,
      sample: result,
      ...constrainedOf(model.spec, result, options),
      stats: result.stats,
      coordinates: levelCoordinates(model.spec),
      mode: null,
      pathfinder: report,
      init: 'random',
      timings: { buildSeconds, backendSeconds, modeSeconds: 0 },
      dispose: () => backend.dispose(),
    };
  } catch (e) {
    await backend.dispose();
    throw e;
  }
}

export interface ModeFit {
  readonly model: BuiltModel;
  readonly backendDescription: string;
  readonly mode: ModeResult;
  /** Constrained values at the mode, named by constrainedNames. */
  readonly names: string[];
  readonly values: Float64Array;
}

/** `--method map`: the posterior mode (on the unconstrained scale) reported in constrained form. */
export async function fitMode(frame: Frame, formula: string, options: FitOptions = {}): Promise<ModeFit> {
  const o = { ...FIT_DEFAULTS, ...options };
  const model = buildModel(frame, formula, options);
  options.onModel?.(model);
  const backend = await createBackend(o.backend, model.spec, { maxChains: 1, adapter: o.adapter, threads: o.threads }, options.log, options.detail);
  try {
    const mode = await findMode(backend);
    const values = new Float64Array(constrainedDim(model.spec));
    constrain(model.spec, mode.theta, values);
    return { model, backendDescription: backend.description, mode, names: constrainedNames(model.spec), values };
  } finally {
    await backend.dispose();
  }
}
