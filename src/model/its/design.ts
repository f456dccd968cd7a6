/**
 * The regression design of an interrupted time series (model.ts), built on the pre-period and applied unchanged to
 * the post-period: the linear trend (time centred and scaled by its pre-period mean and sd), Fourier seasonality of a
 * stated order K (sin and cos of 2πk·t/period, k = 1 … K, t in days; weekly period 7, yearly 365.25) and covariates
 * (standardized with pre-period constants). Also the default priors, scaled to the pre-period's outcome.
 */
import { UserError } from '../../errors.js';
import type { ItsPriors } from './model.js';
import type { Series } from './series.js';

export type Seasonality = 'weekly' | 'yearly';
export const SEASONALITIES: readonly Seasonality[] = ['weekly', 'yearly'];
export const SEASON_DAYS: Record<Seasonality, number> = { weekly: 7, yearly: 365.25 };
/** The pre-period needs at least this many points, and at least 2 per regression coefficient. */
export const MIN_PRE_POINTS = 10;

export interface DesignOptions {
  readonly seasonality?: Seasonality;
  /** Fourier order K (pairs of sin/cos terms); default 2 with a seasonality. */
  readonly fourier?: number;
}

export interface ItsDesign {
  readonly n: number;
  readonly nPre: number;
  /** n × P, row-major. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Column names: trend, sin_weekly_1, cos_weekly_1, …, covariates. */
  readonly names: readonly string[];
  /** How each column was made from the data (for fit.json). */
  readonly scaling: { readonly trend: { center: number; scale: number }; readonly covariates: Record<string, { center: number; scale: number }> };
}

function preMoments(v: Float64Array, nPre: number): { center: number; scale: number } {
  let m = 0;
  for (let i = 0; i < nPre; i++) m += v[i];
  m /= nPre;
  let s = 0;
  for (let i = 0; i < nPre; i++) s += (v[i] - m) ** 2;
  return { center: m, scale: Math.sqrt(s / Math.max(nPre - 1, 1)) };
}

/** Median spacing of sorted times. */
function medianStep(time: Float64Array): number {
  const d = Float64Array.from({ length: time.length - 1 }, (_, i) => time[i + 1] - time[i]).sort();
  return d[Math.floor((d.length - 1) / 2)];
}

export function itsDesign(series: Series, options: DesignOptions = {}): ItsDesign {
  const { time, nPre } = series;
  const n = time.length;
  const columns: { name: string; values: Float64Array }[] = [];
  const trendScale = preMoments(time, nPre);
  if (!(trendScale.scale > 0)) throw new UserError(`the pre-period has one time only; it needs at least ${MIN_PRE_POINTS}`);
  columns.push({ name: 'trend', values: Float64Array.from(time, (t) => (t - trendScale.center) / trendScale.scale) });
  if (options.seasonality !== undefined) {
    if (series.timeKind !== 'date') throw new UserError(`--seasonality ${options.seasonality}: needs dates (YYYY-MM-DD) in the time column, which holds numbers`);
    const K = options.fourier ?? 2;
    const period = SEASON_DAYS[options.seasonality];
    const step = medianStep(time);
    const maxK = Math.floor((period / step - 1) / 2);
    if (K > maxK) {
      throw new UserError(
        maxK < 1
          ? `--seasonality ${options.seasonality}: the time step is ${step} days, too coarse to see a ${period}-day cycle; leave out --seasonality`
          : `--fourier ${K}: a time step of ${step} days resolves a ${options.seasonality} cycle up to order ${maxK}; give --fourier ${maxK} or less`,
      );
    }
    // the phase reduced modulo the period first: t is ~2·10⁴ days, and sin of a large argument loses digits
    const phase = Float64Array.from(time, (t) => (2 * Math.PI * (((t % period) + period) % period)) / period);
    for (let k = 1; k <= K; k++) {
      columns.push({ name: `sin_${options.seasonality}_${k}`, values: phase.map((a) => Math.sin(k * a)) });
      columns.push({ name: `cos_${options.seasonality}_${k}`, values: phase.map((a) => Math.cos(k * a)) });
    }
  } else if (options.fourier !== undefined) {
    throw new UserError(`--fourier ${options.fourier}: give --seasonality weekly or yearly with it`);
  }
  const covScaling: Record<string, { center: number; scale: number }> = {};
  for (const c of series.covariates) {
    const m = preMoments(c.values, nPre);
    if (!(m.scale > 0)) throw new UserError(`--covariates ${c.name}: constant in the pre-period (${m.center}), so its effect cannot be estimated; leave it out`);
    covScaling[c.name] = m;
    columns.push({ name: c.name, values: Float64Array.from(c.values, (v) => (v - m.center) / m.scale) });
  }
  const P = columns.length;
  const need = Math.max(MIN_PRE_POINTS, 2 * (P + 1));
  if (nPre < need) {
    throw new UserError(
      `the pre-period has ${nPre} points (before ${series.labels[nPre]}); ${P + 1} regression coefficients need at least ${need} (${MIN_PRE_POINTS}, and 2 per coefficient): move the intervention later or use fewer terms`,
    );
  }
  const x = new Float64Array(n * P);
  columns.forEach((c, j) => {
    for (let i = 0; i < n; i++) x[i * P + j] = c.values[i];
  });
  return { n, nPre, x, y: series.y, names: columns.map((c) => c.name), scaling: { trend: trendScale, covariates: covScaling } };
}

/**
 * Weakly informative priors scaled to the pre-period outcome (mean m, sd s; s = 1 when constant), as rstanarm scales
 * its defaults: alpha ~ normal(m, 2.5 s), beta_j ~ normal(0, 2.5 s) (the columns are on unit scale), sigma ~
 * exponential(1 / s), nu ~ gamma(2, 0.1).
 */
export function defaultItsPriors(design: ItsDesign): ItsPriors {
  const { center, scale } = preMoments(design.y, design.nPre);
  const s = scale > 0 ? scale : 1;
  return { alphaMean: center, alphaSd: 2.5 * s, betaSd: 2.5 * s, sigmaRate: 1 / s, nuShape: 2, nuRate: 0.1 };
}
