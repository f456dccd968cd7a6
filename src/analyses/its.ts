/**
 * The interrupted-time-series analysis (`nutmeg its`, and the API's analyzeIts): the regression of model.ts fitted
 * on the pre-period, its posterior-predictive counterfactual for the post-period, the pointwise and cumulative effect
 * (observed − counterfactual) with intervals and P(cumulative effect > 0), and placebo checks — the same analysis with
 * fake intervention dates inside the pre-period, where the true effect is zero, so their intervals should cover 0.
 */
import type { Frame } from '../data/frame.js';
import { UserError } from '../errors.js';
import { chainDraws, type DrawSet } from '../draws.js';
import { quantileSorted } from '../numeric/quantile.js';
import { fitDensityModel, type DensityFit, type DensityFitOptions } from '../fit/density-fit.js';
import { MIN_PRE_POINTS, defaultItsPriors, itsDesign, type DesignOptions, type ItsDesign } from '../model/its/design.js';
import { itsModel, type ItsFamily, type ItsModel, type ItsPriors } from '../model/its/model.js';
import { readSeries, type Series, type SeriesColumns } from '../model/its/series.js';

export interface ItsOptions extends SeriesColumns, DesignOptions {
  readonly family?: ItsFamily;
  /** Central interval probability; default 0.9. */
  readonly interval?: number;
  /** Placebo interventions in the pre-period; default 2 (0: none). */
  readonly placebos?: number;
  /** Priors in place of defaultItsPriors. */
  readonly priors?: ItsPriors;
  readonly fit?: DensityFitOptions;
  /** One-line progress notices (which fit is running). */
  readonly log?: (line: string) => void;
}

export interface Interval {
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** One row per time: observed, the counterfactual (posterior predictive), and after the intervention the effects. */
export interface ItsRow {
  readonly time: string;
  readonly post: boolean;
  readonly observed: number;
  readonly counterfactual: Interval;
  /** Null in the pre-period. */
  readonly effect: Interval | null;
  readonly cumulative: Interval | null;
}

export interface EffectSummary {
  /** Intervention (or placebo) time as written. */
  readonly intervention: string;
  readonly preRows: number;
  readonly postRows: number;
  /** Summed effect over the post-period (its last cum_effect). */
  readonly cumulative: Interval;
  /** Average effect per post-period row. */
  readonly average: Interval;
  readonly probPositive: number;
}

export interface ItsResult {
  readonly series: Series;
  readonly design: ItsDesign;
  readonly model: ItsModel;
  readonly fit: DensityFit;
  readonly interval: number;
  readonly rows: ItsRow[];
  readonly effect: EffectSummary;
  readonly placebos: EffectSummary[];
  /** One-line warnings: fewer placebo checks than asked because the pre-period is too short. */
  readonly warnings: string[];
}

/** All draws of a variable, chains concatenated, sorted. */
function sortedDraws(draws: DrawSet, name: string): Float64Array {
  const v = draws.names.indexOf(name);
  if (v < 0) throw new Error(`its: no draws of ${name}`);
  const out = new Float64Array(draws.nChains * draws.nDraws);
  for (let c = 0; c < draws.nChains; c++) out.set(chainDraws(draws, v, c), c * draws.nDraws);
  return out.sort();
}

function intervalOf(sorted: Float64Array, prob: number): Interval {
  let m = 0;
  for (const v of sorted) m += v;
  return { mean: m / sorted.length, low: quantileSorted(sorted, (1 - prob) / 2), high: quantileSorted(sorted, (1 + prob) / 2) };
}

function effectSummary(series: Series, fit: DensityFit, prob: number): EffectSummary {
  const nPost = series.time.length - series.nPre;
  const cum = sortedDraws(fit.draws, `cum_effect[${nPost}]`);
  let positive = 0;
  for (const v of cum) if (v > 0) positive++;
  return {
    intervention: series.labels[series.nPre],
    preRows: series.nPre,
    postRows: nPost,
    cumulative: intervalOf(cum, prob),
    average: intervalOf(cum.map((v) => v / nPost), prob),
    probPositive: positive / cum.length,
  };
}

/** The series cut to its first `rows` rows, with the intervention at row `at`. */
function truncated(series: Series, rows: number, at: number): Series {
  return {
    ...series,
    time: series.time.subarray(0, rows),
    labels: series.labels.slice(0, rows),
    y: series.y.subarray(0, rows),
    covariates: series.covariates.map((c) => ({ name: c.name, values: c.values.subarray(0, rows) })),
    nPre: at,
    intervention: series.time[at],
  };
}

async function fitSeries(series: Series, options: ItsOptions): Promise<{ design: ItsDesign; model: ItsModel; fit: DensityFit }> {
  const design = itsDesign(series, options);
  const model = itsModel(design, options.family ?? 'gaussian', options.priors ?? defaultItsPriors(design));
  const fit = await fitDensityModel(model, { ...options.fit, init: options.fit?.init ?? itsInits(model, options.fit?.chains ?? 4) });
  return { design, model, fit };
}

/**
 * Starting values near the prior's centre (alpha at the pre-period mean, beta 0, sigma at its prior mean, nu 10),
 * so that chains start on the data's scale rather than in uniform(−2, 2) of a series measured in thousands.
 */
export function itsInits(model: ItsModel, chains: number): Float64Array {
  const P = model.design.names.length;
  const size = model.family === 'student' ? P + 3 : P + 2;
  const out = new Float64Array(chains * size);
  for (let c = 0; c < chains; c++) {
    const jitter = 1 + 0.1 * (c - (chains - 1) / 2) / Math.max(chains, 1);
    out[c * size] = model.priors.alphaMean;
    out[c * size + 1 + P] = jitter / model.priors.sigmaRate;
    if (model.family === 'student') out[c * size + 2 + P] = 10 * jitter;
  }
  return out;
}

/** Placebo intervention rows: k = 1 … count, each `length` rows before the last, as far as the pre-period allows. */
function placeboPoints(nPre: number, nPost: number, count: number, minPre: number): { at: number; length: number }[] {
  const length = Math.max(1, Math.min(nPost, Math.floor(nPre / (count + 1))));
  const out: { at: number; length: number }[] = [];
  for (let k = 1; k <= count; k++) {
    const at = nPre - k * length;
    if (at < minPre) break;
    out.push({ at, length });
  }
  return out;
}

export async function analyzeIts(frame: Frame, options: ItsOptions): Promise<ItsResult> {
  const series = readSeries(frame, options);
  const prob = options.interval ?? 0.9;
  const { design, model, fit } = await fitSeries(series, options);
  if (fit.sample.nDraws === 0) throw new UserError('interrupted before any draw was kept: there is no effect to report');
  const n = series.time.length;
  const nPost = n - series.nPre;
  const rows: ItsRow[] = [];
  for (let i = 0; i < n; i++) {
    const post = i >= series.nPre;
    const k = i - series.nPre + 1;
    rows.push({
      time: series.labels[i],
      post,
      observed: series.y[i],
      counterfactual: intervalOf(sortedDraws(fit.draws, `y_cf[${i + 1}]`), prob),
      effect: post ? intervalOf(sortedDraws(fit.draws, `effect[${k}]`), prob) : null,
      cumulative: post ? intervalOf(sortedDraws(fit.draws, `cum_effect[${k}]`), prob) : null,
    });
  }
  const placebos: EffectSummary[] = [];
  const warnings: string[] = [];
  // an interrupted run reports what it drew, without starting the placebo fits
  const count = fit.sample.incomplete ? 0 : (options.placebos ?? 2);
  const minPre = Math.max(MIN_PRE_POINTS, 2 * (design.names.length + 1));
  const points = placeboPoints(series.nPre, nPost, count, minPre);
  if (points.length < count) {
    warnings.push(`placebo checks: the pre-period (${series.nPre} points) has room for ${points.length} of the ${count} asked (each needs ${minPre} points before it)`);
  }
  for (const [k, { at, length }] of points.entries()) {
    options.log?.(`placebo ${k + 1} of ${points.length}: fake intervention at ${series.labels[at]}, judged on the ${length} points from it`);
    const fake = truncated(series, at + length, at);
    const placebo = await fitSeries(fake, { ...options, priors: options.priors ?? model.priors });
    placebos.push(effectSummary(fake, placebo.fit, prob));
  }
  return { series, design, model, fit, interval: prob, rows, effect: effectSummary(series, fit, prob), placebos, warnings };
}
