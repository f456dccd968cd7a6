/**
 * The numbers the media-mix model is fitted to, built from weekly arrays: outcome and spend scaled by their maximum
 * absolute value (PyMC-Marketing's default max-abs scaling of target and channels), a linear trend over [0, 1], yearly
 * Fourier terms of the day of year (period 365.25 days), and the control columns as given (unscaled, as PyMC-Marketing
 * leaves them). Validation of user input lives in series.ts; this module takes checked arrays.
 */
import type { SaturationKind } from './media.js';

export interface MmmSettings {
  readonly saturation: SaturationKind;
  /** Adstock window L: weights for lags 0…L−1. */
  readonly maxLag: number;
  /** Fourier order K: 2K terms sin/cos(2πk·day/365.25), k = 1…K; 0 for none. */
  readonly fourierOrder: number;
  /** Include the linear trend term. */
  readonly trend: boolean;
}

export const DEFAULT_MMM_SETTINGS: MmmSettings = { saturation: 'logistic', maxLag: 8, fourierOrder: 2, trend: true };

export interface MmmInput {
  /** Days since 1970-01-01 (UTC) of each week, increasing. */
  readonly days: Float64Array;
  readonly outcome: Float64Array;
  readonly channels: readonly string[];
  /** Spend per channel (original units), one array of length T per channel. */
  readonly spend: readonly Float64Array[];
  readonly controls: readonly string[];
  readonly controlValues: readonly Float64Array[];
}

export interface MmmDesign {
  readonly settings: MmmSettings;
  readonly T: number;
  readonly channels: readonly string[];
  /** Scaled spend, channel-major: x[c·T + t] = spend_c,t / spendScale[c]. */
  readonly x: Float64Array;
  readonly spendScale: Float64Array;
  /** Total spend per channel over the data (original units). */
  readonly spendTotal: Float64Array;
  readonly y: Float64Array;
  readonly yScale: number;
  /** Trend column (t / (T − 1)), empty without a trend. */
  readonly trend: Float64Array;
  readonly fourierNames: readonly string[];
  /** Fourier columns, term-major: fourier[k·T + t]. */
  readonly fourier: Float64Array;
  readonly controls: readonly string[];
  /** Control columns, control-major. */
  readonly z: Float64Array;
  readonly days: Float64Array;
}

const YEAR_DAYS = 365.25;

/** Day of the year (0-based) of a day count since 1970-01-01. */
function dayOfYear(day: number): number {
  const date = new Date(day * 86_400_000);
  const start = Date.UTC(date.getUTCFullYear(), 0, 1);
  return Math.round((date.getTime() - start) / 86_400_000);
}

function maxAbs(values: Float64Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, Math.abs(v));
  return m;
}

export function buildMmmDesign(input: MmmInput, settings: MmmSettings = DEFAULT_MMM_SETTINGS): MmmDesign {
  const T = input.outcome.length;
  const C = input.channels.length;
  const yScale = maxAbs(input.outcome) || 1;
  const y = input.outcome.map((v) => v / yScale);
  const x = new Float64Array(C * T);
  const spendScale = new Float64Array(C);
  const spendTotal = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    const s = input.spend[c];
    spendScale[c] = maxAbs(s) || 1;
    for (let t = 0; t < T; t++) {
      x[c * T + t] = s[t] / spendScale[c];
      spendTotal[c] += s[t];
    }
  }
  const trend = new Float64Array(settings.trend ? T : 0);
  for (let t = 0; t < trend.length; t++) trend[t] = T > 1 ? t / (T - 1) : 0;
  const K = settings.fourierOrder;
  const fourier = new Float64Array(2 * K * T);
  const fourierNames: string[] = [];
  for (let k = 1; k <= K; k++) fourierNames.push(`sin${k}`, `cos${k}`);
  for (let t = 0; t < T; t++) {
    const phase = (2 * Math.PI * dayOfYear(input.days[t])) / YEAR_DAYS;
    for (let k = 1; k <= K; k++) {
      fourier[(2 * (k - 1)) * T + t] = Math.sin(k * phase);
      fourier[(2 * (k - 1) + 1) * T + t] = Math.cos(k * phase);
    }
  }
  const z = new Float64Array(input.controls.length * T);
  input.controlValues.forEach((values, j) => z.set(values, j * T));
  return {
    settings,
    T,
    channels: input.channels,
    x,
    spendScale,
    spendTotal,
    y,
    yScale,
    trend,
    fourierNames,
    fourier,
    controls: input.controls,
    z,
    days: input.days,
  };
}
