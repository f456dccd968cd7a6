/**
 * The perfect-separation case of DESIGN.md (shared/seeds/002_*.txt) on the built-in simulator: sessions in 10 cities ×
 * 4 lead sources where 7 cities never convert. Fits the four models (flat, hierarchical by city, by lead source,
 * crossed), compares them by PSIS-LOO with stacking weights, and sets the hierarchical model's shrunken rates of the
 * zero-conversion cities beside maximum likelihood with a fixed effect per city, which cannot give them a finite
 * estimate (IRLS runs their coefficients off towards −∞ and their fitted rate to 0).
 */
import type { Frame } from '../data/frame.js';
import { SEPARATION_FORMULAS } from '../data/simulate/separation.js';
import { segmentRateDraws, type Segmentation } from '../decision/effects.js';
import { fitLogisticIrls } from '../decision/irls.js';
import { quantileSorted } from '../numeric/quantile.js';
import { UserError } from '../errors.js';
import { fitModel, type Fit, type FitOptions } from '../fit/fit.js';
import { compareModels, type CompareRow, type NamedLoo } from '../loo/compare.js';
import { looOfFit } from '../loo/fit-loo.js';
import type { LooResult } from '../loo/loo.js';
import { buildModel } from '../model/build.js';
import { fitDiagnostics, type FitDiagnostics } from './fit-diagnostics.js';
import { mainParameterDraws, type FitFigures } from './fit-figures.js';
import type { FitSettings } from './hillstrom.js';

export type SeparationModel = keyof typeof SEPARATION_FORMULAS;
export const SEPARATION_MODELS = Object.keys(SEPARATION_FORMULAS) as SeparationModel[];
/** Maximum likelihood with a fixed effect per city: the classical fit that separation breaks. */
export const SEPARATION_MLE_FORMULA = 'converted ~ pages_viewed + time_on_site + city';
const OUTCOME = 'converted';
const CITY = 'city';

export interface SeparationOptions {
  readonly fit?: FitSettings;
  readonly onProgress?: (model: SeparationModel, progress: Parameters<NonNullable<FitOptions['onProgress']>>[0]) => void;
  readonly onFit?: (model: SeparationModel, fit: Fit) => void | Promise<void>;
  readonly onStep?: (line: string) => void;
  readonly dataDescription?: string;
}

export interface ModelLoo {
  readonly model: SeparationModel;
  readonly formula: string;
  readonly elpdLoo: number;
  readonly seElpdLoo: number;
  readonly pLoo: number;
  /** Observations with Pareto k > 0.7. */
  readonly paretoKBad: number;
  readonly warnings: readonly string[];
  readonly diagnostics: FitDiagnostics;
}

export interface CityRates {
  readonly city: string;
  readonly sessions: number;
  readonly conversions: number;
  readonly observedRate: number;
  /** Hierarchical-by-city model: P(convert) at the city's average covariates — mean, 5%, 95%. */
  readonly rateMean: number;
  readonly rateP05: number;
  readonly rateP95: number;
  /** Maximum likelihood: mean fitted probability of the city's sessions, and its coefficient (log-odds) and SE. */
  readonly mleRate: number;
  readonly mleLogOdds: number;
  readonly mleSe: number;
  readonly mleDiverging: boolean;
}

export interface SeparationAnalysis {
  readonly data: { readonly description: string; readonly rows: number };
  readonly loo: readonly ModelLoo[];
  /** loo_compare order (best first) with stacking weights. */
  readonly comparison: readonly CompareRow[];
  readonly mle: {
    readonly formula: string;
    readonly converged: boolean;
    readonly iterations: number;
    readonly separation: boolean;
    readonly diverging: readonly string[];
  };
  readonly cities: readonly CityRates[];
  /** Per model (in SEPARATION_MODELS order), its main parameters' draws and PSIS-LOO, for the report's plots. */
  readonly figures: readonly (FitFigures & { readonly model: SeparationModel })[];
}

/** The analysis as JSON-ready data (`--json`, analysis.json): everything but the draws and pointwise LOO of `figures`. */
export function separationJson(a: SeparationAnalysis): Omit<SeparationAnalysis, 'figures'> {
  const { figures: _figures, ...rest } = a;
  return rest;
}

function citySegmentation(frame: Frame): Segmentation {
  const column = frame.columns.get(CITY);
  if (column?.kind !== 'categorical') throw new UserError(`${frame.source}: needs a categorical column "${CITY}"`);
  return { name: CITY, codes: column.codes, levels: column.levels };
}

/**
 * The MLE of SEPARATION_MLE_FORMULA per city: the city's log-odds at the reference covariates is the intercept for
 * the first (reference) city and intercept + its dummy for the others; its SE comes from the covariance.
 */
function mleByCity(frame: Frame, cities: Segmentation) {
  const { spec } = buildModel(frame, SEPARATION_MLE_FORMULA);
  const names = spec.fixed.names;
  const p = names.length;
  const fit = fitLogisticIrls(spec.fixed.X, spec.y, p, { names });
  const K = cities.levels.length;
  const fittedSum = new Float64Array(K);
  const rows = new Float64Array(K);
  for (let i = 0; i < spec.n; i++) {
    fittedSum[cities.codes[i]] += fit.fitted[i];
    rows[cities.codes[i]]++;
  }
  const intercept = names.indexOf('Intercept');
  const perCity = cities.levels.map((city, k) => {
    const dummy = names.indexOf(`${CITY}${city}`);
    const estimate = fit.coefficients[intercept] + (dummy >= 0 ? fit.coefficients[dummy] : 0);
    const variance =
      fit.covariance[intercept * p + intercept] +
      (dummy >= 0 ? fit.covariance[dummy * p + dummy] + 2 * fit.covariance[intercept * p + dummy] : 0);
    return {
      rate: fittedSum[k] / rows[k],
      logOdds: estimate,
      se: Math.sqrt(Math.max(variance, 0)),
      // the same rule as fitLogisticIrls's: a log-odds running off to −∞ carries an SE far larger than itself
      diverging: Math.abs(estimate) > 10 && Math.sqrt(Math.max(variance, 0)) > 10 * Math.abs(estimate),
    };
  });
  return { fit, perCity };
}

export async function analyzeSeparation(frame: Frame, options: SeparationOptions = {}): Promise<SeparationAnalysis> {
  const step = options.onStep ?? (() => {});
  const cities = citySegmentation(frame);
  const y = frame.columns.get(OUTCOME);
  if (y?.kind !== 'numeric') throw new UserError(`${frame.source}: needs a 0/1 column "${OUTCOME}"`);

  step(`maximum likelihood: ${SEPARATION_MLE_FORMULA}`);
  const mle = mleByCity(frame, cities);

  const named: NamedLoo[] = [];
  const loo: ModelLoo[] = [];
  const figures: (FitFigures & { model: SeparationModel })[] = [];
  let cityRates: Float64Array[] = [];
  for (const model of SEPARATION_MODELS) {
    step(`${model} model: ${SEPARATION_FORMULAS[model]}`);
    const fit = await fitModel(frame, SEPARATION_FORMULAS[model], {
      ...options.fit,
      onProgress: options.onProgress ? (p) => options.onProgress!(model, p) : undefined,
    });
    try {
      const result: LooResult = await looOfFit(fit);
      named.push({ name: model, loo: result });
      loo.push({
        model,
        formula: SEPARATION_FORMULAS[model],
        elpdLoo: result.elpdLoo.estimate,
        seElpdLoo: result.elpdLoo.se,
        pLoo: result.pLoo.estimate,
        paretoKBad: result.paretoKTable.bad + result.paretoKTable.veryBad,
        warnings: result.warnings,
        diagnostics: fitDiagnostics(fit),
      });
      const { chains, total } = mainParameterDraws(fit.draws);
      figures.push({ model, chains, mainParameters: total, loo: result });
      if (model === 'city') cityRates = segmentRateDraws(fit.model.spec, fit.draws, cities);
      if (options.onFit) await options.onFit(model, fit);
    } finally {
      await fit.dispose();
    }
  }
  step('PSIS-LOO comparison and stacking weights');
  const comparison = compareModels(named, { method: 'stacking' }).rows;

  const K = cities.levels.length;
  const sessions = new Float64Array(K);
  const conversions = new Float64Array(K);
  for (let i = 0; i < frame.nRows; i++) {
    sessions[cities.codes[i]]++;
    conversions[cities.codes[i]] += y.values[i];
  }
  const rates: CityRates[] = cities.levels.map((city, k) => {
    const sorted = Float64Array.from(cityRates[k]).sort();
    let sum = 0;
    for (const r of sorted) sum += r;
    const m = mle.perCity[k];
    return {
      city,
      sessions: sessions[k],
      conversions: conversions[k],
      observedRate: conversions[k] / sessions[k],
      rateMean: sum / sorted.length,
      rateP05: quantileSorted(sorted, 0.05),
      rateP95: quantileSorted(sorted, 0.95),
      mleRate: m.rate,
      mleLogOdds: m.logOdds,
      mleSe: m.se,
      mleDiverging: m.diverging,
    };
  });
  return {
    data: { description: options.dataDescription ?? frame.source, rows: frame.nRows },
    loo,
    comparison,
    mle: {
      formula: SEPARATION_MLE_FORMULA,
      converged: mle.fit.converged,
      iterations: mle.fit.iterations,
      separation: mle.fit.separation,
      diverging: mle.fit.diverging,
    },
    cities: rates,
    figures,
  };
}
