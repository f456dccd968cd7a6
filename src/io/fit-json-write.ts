/**
 * `fit.json`: what a fit was (formula, family, priors, parameterization per varying term, backend), how it was run
 * (sampler settings, seed and per-chain streams, adaptation results, timings, gradient evaluations, divergences) and
 * how to read its CSVs (parameter names, and which level each index of an indexed parameter means). `incomplete` is
 * true when sampling was interrupted.
 */
import { writeFileSync } from 'node:fs';
import { constrainedNames, levelCoordinates } from '../model/layout.js';
import { formatPrior } from '../model/prior.js';
import { termLabel, type ModelSpec } from '../model/spec.js';
import type { SampleResult, SampleSettings } from '../sampler/run.js';

export interface FitJson {
  readonly formula: string;
  readonly family: string;
  readonly outcome: string;
  readonly rows: number;
  readonly priors: readonly { readonly parameter: string; readonly prior: string }[];
  readonly parameterization: Readonly<Record<string, string>>;
  readonly backend: string;
  readonly sampler: SampleSettings;
  /** The run's seed; chain c (1-based) uses random stream c − 1 of it. */
  readonly seeds: { readonly seed: number; readonly chainStreams: readonly number[] };
  readonly adaptation: { readonly stepSize: readonly number[]; readonly inverseMetric: readonly (readonly number[])[] };
  readonly timing: { readonly warmupSeconds: number; readonly samplingSeconds: number; readonly totalSeconds: number };
  readonly gradients: {
    readonly total: number;
    readonly perChain: readonly number[];
    /** Mean gradient evaluations per post-warm-up iteration. */
    readonly perDraw: number;
  };
  readonly targetCalls: number;
  readonly divergences: readonly number[];
  readonly parameters: readonly string[];
  /** For each indexed parameter family, the level name of each 1-based index. */
  readonly coordinates: Readonly<Record<string, readonly string[]>>;
  readonly files: readonly string[];
  readonly incomplete: boolean;
}

export interface FitJsonExtra {
  /** Backend description, e.g. "native (2 threads, AVX2)". */
  readonly backend: string;
  /** The CSV files written, relative to fit.json's folder. */
  readonly files?: readonly string[];
}

export function fitRecord(spec: ModelSpec, result: SampleResult, extra: FitJsonExtra): FitJson {
  const priors = spec.fixed.names.map((name, j) => ({ parameter: `b_${name}`, prior: formatPrior(spec.fixed.priors[j]) }));
  const parameterization: Record<string, string> = {};
  spec.terms.forEach((term, t) => {
    priors.push({ parameter: `sd_${termLabel(spec, t)}`, prior: formatPrior(term.sdPrior) });
    parameterization[termLabel(spec, t)] = term.parameterization;
  });
  const sum = (x: ArrayLike<number>): number => Array.from(x).reduce((a, b) => a + b, 0);
  const samplingIterations = result.samplingDone * result.nChains;
  return {
    formula: spec.formula,
    family: spec.family,
    outcome: spec.outcome,
    rows: spec.n,
    priors,
    parameterization,
    backend: extra.backend,
    sampler: result.settings,
    seeds: { seed: result.settings.seed, chainStreams: Array.from({ length: result.nChains }, (_, c) => c) },
    adaptation: {
      stepSize: Array.from(result.stepSize),
      inverseMetric: result.inverseMetric.map((m) => Array.from(m)),
    },
    timing: {
      warmupSeconds: result.timing.warmupSeconds,
      samplingSeconds: result.timing.samplingSeconds,
      totalSeconds: result.timing.warmupSeconds + result.timing.samplingSeconds,
    },
    gradients: {
      total: sum(result.gradientEvaluations),
      perChain: Array.from(result.gradientEvaluations),
      perDraw: samplingIterations > 0 ? sum(result.samplingGradientEvaluations) / samplingIterations : 0,
    },
    targetCalls: result.targetCalls,
    divergences: Array.from(result.divergences),
    parameters: constrainedNames(spec),
    coordinates: levelCoordinates(spec),
    files: extra.files ?? [],
    incomplete: result.incomplete,
  };
}

export function writeFitJson(path: string, record: FitJson): void {
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
}
