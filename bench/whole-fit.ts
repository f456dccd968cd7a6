/**
 * Whole-fit benchmark: wall time, gradient evaluations, minimum bulk-ESS and ESS/s per backend and model, set
 * against Stan's figures from the same run. The harness talks to nutmeg through one small interface, FitRunner;
 * `nutmegFitRunner` is the real fit API (src/fit/fit.ts) behind it.
 */
import { fileURLToPath } from 'node:url';
import type { BackendKind } from '../src/backend/backend.js';
import { readCsv } from '../src/data/csv.js';
import type { Column, Frame } from '../src/data/frame.js';
import { categoricalColumn, frameFromColumns } from '../src/data/frame-build.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, HILLSTROM_SCHEMA, loadHillstrom } from '../src/data/hillstrom.js';
import { variableChains } from '../src/diagnostics/chains.js';
import { essBulk } from '../src/diagnostics/ess.js';
import type { DrawSet } from '../src/draws.js';
import { fitModel } from '../src/fit/fit.js';
import { kernelsSupportFamily } from '../src/model/families/index.js';
import type { Family } from '../src/model/spec.js';
import type { MicroResult } from './micro/log-density.js';
import type { StanResult } from './peers/stan.js';

export type WholeFitModel = 'pooled' | 'hierarchical' | 'crossed' | FamilyFitModel;

/**
 * Whole fits of other families, each on its own small data set (every row, whatever FitSettings.rows says), with
 * nutmeg's default priors on both sides (bench/peers/family-priors.R): lme4's sleepstudy, gaussian with correlated
 * intercept and slope per subject; the Hillstrom converters' spend (578 rows with spend > 0), lognormal with a
 * varying intercept per history segment.
 */
export type FamilyFitModel = 'sleepstudy' | 'hillstrom_spend';

export const FAMILY_FITS: Record<FamilyFitModel, { readonly formula: string; readonly family: Family }> = {
  sleepstudy: { formula: 'Reaction ~ Days + (1 + Days | Subject)', family: 'gaussian' },
  hillstrom_spend: { formula: 'spend ~ segment + (1 | history_segment)', family: 'lognormal' },
};

/** lme4's sleepstudy as exported to the test fixtures (tests/fixtures/families/README.md). */
export const SLEEPSTUDY_PATH = fileURLToPath(new URL('../tests/fixtures/families/sleepstudy.csv', import.meta.url));

function isFamilyFit(model: WholeFitModel): model is FamilyFitModel {
  return Object.prototype.hasOwnProperty.call(FAMILY_FITS, model);
}

/** The data file of a model: sleepstudy's fixture, else the Hillstrom file of the settings. */
export function dataPathOf(model: WholeFitModel | StanResult['model'], hillstromPath: string): string {
  return model === 'sleepstudy' ? SLEEPSTUDY_PATH : hillstromPath;
}

/** The rows of a frame whose numeric column `name` is > 0, categorical levels that no kept row has dropped. */
export function positiveRows(frame: Frame, name: string): Frame {
  const column = frame.columns.get(name);
  if (!column || column.kind !== 'numeric') throw new Error(`${frame.source}: no numeric column ${name}`);
  const keep: number[] = [];
  for (let i = 0; i < frame.nRows; i++) if (column.values[i] > 0) keep.push(i);
  const columns: Column[] = [...frame.columns.values()].map((c) => {
    if (c.kind === 'categorical') {
      const used = [...new Set(keep.map((i) => c.codes[i]))].sort((a, b) => a - b);
      const recode = new Map(used.map((code, k) => [code, k]));
      return categoricalColumn(c.name, Uint32Array.from(keep, (i) => recode.get(c.codes[i])!), used.map((code) => c.levels[code]));
    }
    return c.kind === 'numeric' ? { ...c, values: Float64Array.from(keep, (i) => c.values[i]) } : { ...c, values: Uint8Array.from(keep, (i) => c.values[i]) };
  });
  return frameFromColumns(columns, `${frame.source} (rows with ${name} > 0)`);
}

/** The frame a family fit uses. */
export function familyFitFrame(model: FamilyFitModel, hillstromPath: string): Frame {
  return model === 'sleepstudy' ? readCsv(SLEEPSTUDY_PATH) : positiveRows(readCsv(hillstromPath, { types: HILLSTROM_SCHEMA }), 'spend');
}

export interface FitSettings {
  readonly dataPath: string;
  /** First `rows` rows of the data (after standardising over all rows), 0 = all. */
  readonly rows: number;
  readonly chains: number;
  readonly warmup: number;
  readonly draws: number;
  readonly seed: number;
}

export interface FitFigures {
  /** Rows of data the fit actually used (all rows of the file when FitSettings.rows is 0). */
  readonly rows: number;
  readonly wallSeconds: number;
  /** Log density + gradient evaluations per chain, summed over chains, warm-up included (Stan's n_leapfrog sum). */
  readonly gradients: number;
  readonly minEssBulk: number;
  /** What differs from Stan's peer model, if anything (e.g. a correlation nutmeg does not model yet). */
  readonly note?: string;
}

export type FitRunner = (backend: BackendKind, model: WholeFitModel, settings: FitSettings) => Promise<FitFigures>;

export interface WholeFitResult extends FitFigures {
  readonly backend: BackendKind;
  readonly model: WholeFitModel;
  readonly essPerSecond: number;
  readonly secondsPerGradient: number;
  /** Ratios to Stan's fit of the same model in the same run (nutmeg / Stan); null when Stan did not run. */
  readonly vsStan: { readonly essPerSecond: number; readonly wallSeconds: number; readonly secondsPerGradient: number } | null;
}

/** The Stan program that is the peer of each nutmeg model (crossed: the centered reference, golden/README.md). */
export const STAN_PEER_OF: Record<WholeFitModel, StanResult['model']> = {
  pooled: 'pooled',
  hierarchical: 'hierarchical',
  crossed: 'crossed_centered',
  sleepstudy: 'sleepstudy',
  hillstrom_spend: 'hillstrom_spend',
};

export function stanSecondsPerGradient(stan: StanResult): number {
  // chains run in parallel on `cores` cores; per-chain elapsed times add up to the time one core spent
  return (stan.warmupSeconds + stan.samplingSeconds) / stan.gradients;
}

export function wholeFitResult(
  backend: BackendKind,
  model: WholeFitModel,
  figures: FitFigures,
  stan: StanResult | undefined,
): WholeFitResult {
  const essPerSecond = figures.minEssBulk / figures.wallSeconds;
  const secondsPerGradient = figures.wallSeconds / figures.gradients;
  return {
    backend,
    model,
    ...figures,
    essPerSecond,
    secondsPerGradient,
    vsStan: stan
      ? {
          essPerSecond: essPerSecond / stan.essPerSecond,
          wallSeconds: figures.wallSeconds / stan.wallSeconds,
          secondsPerGradient: secondsPerGradient / stanSecondsPerGradient(stan),
        }
      : null,
  };
}

/** The first `rows` rows of a frame (views, no copy); the frame itself when rows is 0 or not smaller. */
export function firstRows(frame: Frame, rows: number): Frame {
  if (rows <= 0 || rows >= frame.nRows) return frame;
  const columns: Column[] = [...frame.columns.values()].map((c) =>
    c.kind === 'categorical' ? { ...c, codes: c.codes.subarray(0, rows) } : c.kind === 'numeric' ? { ...c, values: c.values.subarray(0, rows) } : { ...c, values: c.values.subarray(0, rows) },
  );
  return frameFromColumns(columns, `${frame.source} (first ${rows} rows)`);
}

/** Minimum bulk-ESS over every variable of a draw set (variables whose ESS is undefined, e.g. constant, skipped). */
export function minEssBulk(draws: DrawSet): number {
  let min = Infinity;
  for (let v = 0; v < draws.names.length; v++) {
    const ess = essBulk(variableChains(draws, v));
    if (ess !== null && ess < min) min = ess;
  }
  return min;
}

/**
 * nutmeg's fit API as a FitRunner: the data prepared as for Stan (loadHillstrom standardises over all rows, then the
 * first `rows` rows are kept), fitModel with the same chains, iterations and seed. Wall time is the sampler's
 * (warm-up + sampling), like Stan's figure, which excludes compilation and data preparation.
 */
export const nutmegFitRunner: FitRunner = async (backend, model, settings) => {
  const family = isFamilyFit(model) ? FAMILY_FITS[model] : null;
  const frame = family ? familyFitFrame(model as FamilyFitModel, settings.dataPath) : firstRows(loadHillstrom(settings.dataPath), settings.rows);
  const formula = family ? family.formula : HILLSTROM_FORMULAS[model as keyof typeof HILLSTROM_FORMULAS];
  const fit = await fitModel(frame, formula, {
    // the Hillstrom models with the reference analysis's priors, as Stan fits them (golden/stan)
    ...(family ? {} : { priors: HILLSTROM_PRIORS[model as keyof typeof HILLSTROM_PRIORS] }),
    backend,
    family: family?.family,
    chains: settings.chains,
    warmup: settings.warmup,
    draws: settings.draws,
    seed: settings.seed,
  });
  try {
    const { timing, gradientEvaluations } = fit.sample;
    return {
      rows: frame.nRows,
      wallSeconds: timing.warmupSeconds + timing.samplingSeconds,
      gradients: gradientEvaluations.reduce((a, b) => a + b, 0),
      minEssBulk: minEssBulk(fit.draws),
    };
  } finally {
    await fit.dispose();
  }
};

/**
 * The backends a model is fitted on: those asked whose kernels run its family (a notice names the others); the
 * reference backend when none of them does.
 */
export function backendsFor(model: WholeFitModel, backends: readonly BackendKind[], notices: string[]): BackendKind[] {
  if (!isFamilyFit(model)) return [...backends];
  const { family } = FAMILY_FITS[model];
  const kept = backends.filter((b) => b === 'reference' || kernelsSupportFamily(b, family));
  const dropped = backends.filter((b) => !kept.includes(b));
  if (dropped.length > 0) notices.push(`${model}: the ${family} family has no ${dropped.join('/')} kernels in this version; not fitted there`);
  return kept.length > 0 ? kept : ['reference'];
}

export async function runWholeFits(
  runner: FitRunner,
  backends: readonly BackendKind[],
  models: readonly WholeFitModel[],
  settings: FitSettings,
  stanResults: readonly StanResult[],
  failures: string[],
  notices: string[] = [],
): Promise<WholeFitResult[]> {
  const results: WholeFitResult[] = [];
  for (const model of models) {
    for (const backend of backendsFor(model, backends, notices)) {
      try {
        const figures = await runner(backend, model, settings);
        if (figures.note) notices.push(`${backend} ${model}: ${figures.note}`);
        // Stan's fit of the peer program on the same rows, when this run made one
        const stan = stanResults.find((s) => s.model === STAN_PEER_OF[model] && s.rows === figures.rows);
        results.push(wholeFitResult(backend, model, figures, stan));
      } catch (e) {
        failures.push(`whole fit ${backend} ${model}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
  }
  return results;
}

/** Adapter names of software rasterisers (as src/backend/select.ts's auto choice reads them). */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe|software/i;

/** How many times native's time per row·chain a backend takes in the micro results (pooled, 4 chains, most rows). */
function slowdownVsNative(micro: readonly MicroResult[], backend: BackendKind): number | null {
  const cell = (b: string): MicroResult | undefined =>
    micro.filter((r) => r.backend === b && r.model === 'pooled' && r.chains === 4).sort((x, y) => y.rows - x.rows)[0];
  const mine = cell(backend);
  const native = cell('native');
  return mine && native && mine.rows === native.rows ? mine.nsPerEval / native.nsPerEval : null;
}

/**
 * The whole fits of a full run when --fit-backends is not given: native, and webgpu on a hardware adapter. The
 * reference backend (the float64 oracle) and webgpu on a software rasteriser take hours for the three 64,000-row
 * fits; they are left out with a notice saying how much slower they are (add them with --fit-backends). Without
 * native, the reference backend is fitted so that the table is not empty.
 */
export function defaultWholeFitBackends(
  loaded: readonly BackendKind[],
  micro: readonly MicroResult[],
): { backends: BackendKind[]; notices: string[] } {
  const backends: BackendKind[] = [];
  const notices: string[] = [];
  const slower = (kind: BackendKind): string => {
    const x = slowdownVsNative(micro, kind);
    return x === null ? '' : `, ${x.toFixed(0)}× native's time per row·chain in the micro benchmark`;
  };
  if (loaded.includes('native')) backends.push('native');
  if (loaded.includes('webgpu')) {
    const adapter = micro.find((r) => r.backend === 'webgpu')?.description;
    if (adapter === undefined) {
      notices.push('webgpu: not in the default whole fits — its adapter is unknown (no micro result); add with --fit-backends');
    } else if (SOFTWARE_ADAPTER.test(adapter)) {
      notices.push(`webgpu: not in the default whole fits — software adapter (${adapter})${slower('webgpu')}; add with --fit-backends`);
    } else backends.push('webgpu');
  }
  if (loaded.includes('reference')) {
    if (backends.length === 0) backends.push('reference');
    else notices.push(`reference: not in the default whole fits — the float64 oracle${slower('reference')}; add with --fit-backends`);
  }
  return { backends, notices };
}
