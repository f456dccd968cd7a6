/**
 * A daily sales series with a known intervention effect, for `nutmeg its --data sim:its` (README's worked example)
 * and its tests. Rows: one per day from 2023-01-01 (default 200 days); columns date (YYYY-MM-DD), temperature
 * (a smooth seasonal swing plus noise, °C) and sales:
 *
 *   sales_d = base + slope · d + sin_weekly_1 · sin(2πd/7) + cos_weekly_1 · cos(2πd/7)
 *             + sin_weekly_2 · sin(4πd/7) + cos_weekly_2 · cos(4πd/7) + temperature_coef · temperature_d
 *             + effect · [d ≥ intervention_day] + sigma · ε_d,   ε_d ~ normal(0, 1),
 *
 * with d the day index (0 = 2023-01-01) and the intervention on day 150 (2023-05-31) unless n is smaller (then at
 * three quarters of the series). `truth` holds those names and `intervention_day`; the date of day d is
 * itsSimulationDate(d).
 */
import { stream } from '../../rng.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../frame-build.js';
import { dayIso, isoDay } from '../../model/its/series.js';
import type { SimulateOptions, Simulated } from './types.js';

export const ITS_SIMULATION_START = '2023-01-01';
export const ITS_SIMULATION_ROWS = 200;

export const ITS_TRUTH = {
  base: 120,
  slope: 0.08,
  sin_weekly_1: 6,
  cos_weekly_1: -3,
  sin_weekly_2: 1.5,
  cos_weekly_2: 1,
  temperature_coef: 0.9,
  effect: 9,
  sigma: 4,
};

export function itsSimulationDate(day: number): string {
  return dayIso(isoDay(ITS_SIMULATION_START)! + day);
}

export function simulateIts(options: SimulateOptions): Simulated {
  const n = options.n ?? ITS_SIMULATION_ROWS;
  if (!(Number.isInteger(n) && n >= 20)) throw new Error(`simulateIts: ${n} rows; at least 20`);
  const interventionDay = n >= 200 ? 150 : Math.floor((3 * n) / 4);
  const covariates = stream(options.seed, 0);
  const noise = stream(options.seed, 1);
  const t = ITS_TRUTH;
  const temperature = new Float64Array(n);
  const sales = new Float64Array(n);
  const w = (2 * Math.PI) / 7;
  for (let d = 0; d < n; d++) {
    temperature[d] = Math.round((12 + 10 * Math.sin((2 * Math.PI * (d - 100)) / 365.25) + 2 * covariates.normal()) * 10) / 10;
    const mean =
      t.base +
      t.slope * d +
      t.sin_weekly_1 * Math.sin(w * d) +
      t.cos_weekly_1 * Math.cos(w * d) +
      t.sin_weekly_2 * Math.sin(2 * w * d) +
      t.cos_weekly_2 * Math.cos(2 * w * d) +
      t.temperature_coef * temperature[d] +
      (d >= interventionDay ? t.effect : 0);
    sales[d] = Math.round((mean + t.sigma * noise.normal()) * 100) / 100;
  }
  const dates = Array.from({ length: n }, (_, d) => itsSimulationDate(d));
  const frame = frameFromColumns(
    [categoricalColumn('date', Uint32Array.from(dates.keys()), dates), numericColumn('temperature', temperature), numericColumn('sales', sales)],
    `simulated its (seed ${options.seed})`,
  );
  return { frame, truth: { ...t, intervention_day: interventionDay } };
}
