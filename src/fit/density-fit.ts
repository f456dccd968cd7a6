/**
 * The fit API of a hand-written density model (src/model/density-model/types.ts): the model as the sampler's target
 * (target.ts), NUTS with the default warm-up of src/sampler/run.ts, then the constrained draws with the generated
 * quantities appended, and the pointwise log-likelihood of every kept draw when the model has observations (for
 * PSIS-LOO and model comparison). Orchestration only, as fitModel (fit.ts) is for formulas.
 */
import { makeDrawSet, type DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { DensityTarget } from '../model/density-model/target.js';
import { densityCoordinates, densityNames } from '../model/density-model/transforms.js';
import type { DensityModel, ParameterMap } from '../model/density-model/types.js';
import { Rng } from '../rng.js';
import type { MetricKind } from '../sampler/metric.js';
import type { SamplerProgress } from '../sampler/progress.js';
import { sample, type SampleResult } from '../sampler/run.js';
import { TARGET_ACCEPT_POOLED } from './target-accept.js';

export interface DensityFitOptions {
  readonly chains?: number;
  /** Warm-up iterations per chain (the maximum: the default 'fisher' warm-up may end earlier). */
  readonly warmup?: number;
  readonly draws?: number;
  readonly seed?: number;
  /** Default TARGET_ACCEPT_POOLED (0.8). */
  readonly targetAccept?: number;
  readonly maxTreeDepth?: number;
  /** Default 'diag'. */
  readonly metric?: MetricKind;
  readonly thin?: number;
  /**
   * 'random': uniform(−2, 2) per unconstrained coordinate (Stan's default); or chains × size constrained starting
   * values (row-major; each chain's row laid out as the model's parameter vector), mapped to the unconstrained scale.
   */
  readonly init?: 'random' | Float64Array;
  readonly onProgress?: (progress: SamplerProgress) => void;
  readonly signal?: AbortSignal;
}

export const DENSITY_FIT_DEFAULTS = { chains: 4, warmup: 1000, draws: 1000, seed: 1, maxTreeDepth: 10, thin: 1 };

/** Pointwise log-likelihood of the kept draws: rows[s][i] = log p(y_i | θ_s), draws chain after chain. */
export interface DensityLogLik {
  readonly observations: number;
  /** Chain (1-based) of each draw, as loo's relative efficiency wants it. */
  readonly chainOfDraw: Uint32Array;
  readonly rows: Float64Array[];
}

export interface DensityFit {
  readonly model: DensityModel;
  readonly layout: ParameterMap;
  readonly sample: SampleResult;
  /** Constrained parameters (names from densityNames), then the generated quantities. */
  readonly draws: DrawSet;
  readonly stats: DrawSet;
  /** Coordinate labels of the blocks that have them. */
  readonly coordinates: Record<string, readonly string[]>;
  /** Null when the model has no observations. */
  readonly logLik: DensityLogLik | null;
  readonly timings: { readonly warmupSeconds: number; readonly samplingSeconds: number; readonly generatedSeconds: number };
}

/** Stream of the generated quantities' noise for chain c (apart from the sampler's streams, which start at 0). */
const GENERATED_STREAM = 2_000_003;

function initialValues(layout: ParameterMap, init: Float64Array, chains: number): Float64Array {
  const size = layout.constrainedDim;
  if (init.length !== chains * size) {
    throw new UserError(`init: ${init.length} values given; a density fit needs chains × parameters = ${chains} × ${size}`);
  }
  const out = new Float64Array(chains * layout.dim);
  for (let c = 0; c < chains; c++) {
    layout.unconstrain(init.subarray(c * size, (c + 1) * size), out.subarray(c * layout.dim, (c + 1) * layout.dim));
  }
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new UserError(`init: chain ${Math.floor(bad / layout.dim) + 1} starts on or outside a parameter's bounds`);
  return out;
}

/** Constrained draws plus generated quantities of a sampling run, and the pointwise log-likelihood of each draw. */
export function densityDraws(
  model: DensityModel,
  layout: ParameterMap,
  result: SampleResult,
  seed: number,
): { draws: DrawSet; logLik: DensityLogLik | null } {
  const names = densityNames(model);
  const { nChains, nDraws } = result;
  const draws = makeDrawSet(names, nChains, nDraws);
  const P = layout.constrainedDim;
  const G = model.generated?.names.length ?? 0;
  const x = new Float64Array(P);
  const gq = new Float64Array(G);
  const N = model.observations;
  const withLogLik = N > 0 && model.pointwiseLogLik !== undefined;
  const rows: Float64Array[] = [];
  const chainOfDraw = new Uint32Array(withLogLik ? nChains * nDraws : 0);
  for (let c = 0; c < nChains; c++) {
    const rng = new Rng(seed, GENERATED_STREAM + c);
    const chain = result.draws[c];
    for (let d = 0; d < nDraws; d++) {
      layout.constrain(chain.subarray(d * layout.dim, (d + 1) * layout.dim), x);
      for (let v = 0; v < P; v++) draws.values[(v * nChains + c) * nDraws + d] = x[v];
      if (model.generated) {
        model.generated.compute(x, gq, rng);
        for (let g = 0; g < G; g++) draws.values[((P + g) * nChains + c) * nDraws + d] = gq[g];
      }
      if (withLogLik) {
        const row = new Float64Array(N);
        model.pointwiseLogLik!(x, row);
        chainOfDraw[rows.length] = c + 1;
        rows.push(row);
      }
    }
  }
  return { draws, logLik: withLogLik ? { observations: N, chainOfDraw, rows } : null };
}

export async function fitDensityModel(model: DensityModel, options: DensityFitOptions = {}): Promise<DensityFit> {
  const o = { ...DENSITY_FIT_DEFAULTS, ...options };
  const target = new DensityTarget(model);
  const { layout } = target;
  const result = await sample(target, {
    chains: o.chains,
    warmup: o.warmup,
    draws: o.draws,
    seed: o.seed,
    targetAccept: o.targetAccept ?? TARGET_ACCEPT_POOLED,
    maxTreeDepth: o.maxTreeDepth,
    metric: o.metric ?? 'diag',
    thin: o.thin,
    init: o.init === undefined || o.init === 'random' ? 'random' : initialValues(layout, o.init, o.chains),
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const t = performance.now();
  const { draws, logLik } = densityDraws(model, layout, result, o.seed);
  return {
    model,
    layout,
    sample: result,
    draws,
    stats: result.stats,
    coordinates: densityCoordinates(model),
    logLik,
    timings: { ...result.timing, generatedSeconds: (performance.now() - t) / 1000 },
  };
}
