/**
 * Weekly sales driven by three media channels, for the media-mix model (issue 19): `sim:mmm`.
 *
 * Columns: week (ISO date of each Monday from 2022-01-03), tv, search, social (spend, currency units, 2 decimals),
 * promo (0/1 control), sales. Default 156 weeks.
 *
 * Spend: tv runs in flights (on 4–8 weeks at 8,000–14,000 a week, off 2–6 weeks); search is always on
 * (3,000 · lognormal(0, 0.25) with a yearly swing of ±25%); social is 2,000 · lognormal(0, 0.5).
 *
 * Sales (the model of src/model/mmm/model.ts with logistic saturation, adstock window 8):
 *   sales_t = 60,000 + 15,000 · t/(T−1) + 6,000 sin(2π·doy/365.25) + 3,000 cos(2π·doy/365.25) + 5,000 · promo_t
 *             + Σ_c B_c · tanh(λ_c A_c,t / 2) + Normal(0, 2,500)
 * where A_c is the normalised geometric adstock (decay α_c) of spend_c / max(spend_c) and B_c the channel's largest
 * weekly effect in sales units: tv α 0.6, λ 2, B 30,000; search α 0.2, λ 3, B 20,000; social α 0.4, λ 1.5, B 10,000.
 *
 * `truth` holds, per channel c: decay[c], lam[c], beta[c] (B_c / max(sales), the model's scaled coefficient),
 * contribution[c] (Σ_t B_c s_c,t in sales units) and roas[c] (contribution ÷ total spend); and sigma (scaled).
 */
import { stream } from '../../rng.js';
import { adstock, adstockWeights, logisticSaturation } from '../../model/mmm/media.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../frame-build.js';
import { lognormal, round } from './draw.js';
import type { SimulateOptions, Simulated } from './types.js';

export const MMM_WEEKS = 156;
export const MMM_MAX_LAG = 8;
const START_DAY = Date.UTC(2022, 0, 3) / 86_400_000;

export const MMM_TRUE_CHANNELS = [
  { name: 'tv', decay: 0.6, lam: 2, effect: 30_000 },
  { name: 'search', decay: 0.2, lam: 3, effect: 20_000 },
  { name: 'social', decay: 0.4, lam: 1.5, effect: 10_000 },
] as const;

const NOISE_SD = 2_500;

function isoDate(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function simulateMmm(options: SimulateOptions): Simulated {
  const T = options.n ?? MMM_WEEKS;
  if (!Number.isInteger(T) || T < MMM_MAX_LAG + 2) throw new Error(`simulateMmm: n = ${T} must be an integer ≥ ${MMM_MAX_LAG + 2}`);
  const rng = stream(options.seed, 0);
  const noise = stream(options.seed, 1);
  const days = new Float64Array(T);
  for (let t = 0; t < T; t++) days[t] = START_DAY + 7 * t;
  const yearPhase = (t: number): number => {
    const date = new Date(days[t] * 86_400_000);
    const doy = Math.round((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000);
    return (2 * Math.PI * doy) / 365.25;
  };
  const tv = new Float64Array(T);
  let t = 0;
  while (t < T) {
    const on = 4 + rng.int(5);
    const level = 8_000 + 6_000 * rng.uniform();
    for (let k = 0; k < on && t < T; k++, t++) tv[t] = round(level * lognormal(rng, 0, 0.1), 2);
    t += 2 + rng.int(5);
  }
  const search = new Float64Array(T);
  const social = new Float64Array(T);
  const promo = new Float64Array(T);
  for (let s = 0; s < T; s++) {
    search[s] = round(3_000 * (1 + 0.25 * Math.sin(yearPhase(s))) * lognormal(rng, 0, 0.25), 2);
    social[s] = round(2_000 * lognormal(rng, 0, 0.5), 2);
    promo[s] = rng.uniform() < 0.1 ? 1 : 0;
  }
  const spend = [tv, search, social];
  const sales = new Float64Array(T);
  const truth: Record<string, number> = {};
  const w = new Float64Array(MMM_MAX_LAG);
  const scaled = new Float64Array(T);
  const a = new Float64Array(T);
  const contributions = MMM_TRUE_CHANNELS.map((channel, c) => {
    let maxSpend = 0;
    for (const v of spend[c]) maxSpend = Math.max(maxSpend, v);
    for (let s = 0; s < T; s++) scaled[s] = spend[c][s] / maxSpend;
    adstockWeights(channel.decay, w);
    adstock(scaled, 0, T, w, a, 0);
    return a.map((v) => channel.effect * logisticSaturation(v, channel.lam));
  });
  for (let s = 0; s < T; s++) {
    const phase = yearPhase(s);
    let mu = 60_000 + (15_000 * s) / (T - 1) + 6_000 * Math.sin(phase) + 3_000 * Math.cos(phase) + 5_000 * promo[s];
    for (const contribution of contributions) mu += contribution[s];
    sales[s] = round(mu + NOISE_SD * noise.normal(), 2);
  }
  let yScale = 0;
  for (const v of sales) yScale = Math.max(yScale, Math.abs(v));
  MMM_TRUE_CHANNELS.forEach((channel, c) => {
    const contribution = contributions[c].reduce((x, y) => x + y, 0);
    const totalSpend = spend[c].reduce((x, y) => x + y, 0);
    truth[`decay[${channel.name}]`] = channel.decay;
    truth[`lam[${channel.name}]`] = channel.lam;
    truth[`beta[${channel.name}]`] = channel.effect / yScale;
    truth[`contribution[${channel.name}]`] = contribution;
    truth[`roas[${channel.name}]`] = contribution / totalSpend;
  });
  truth.sigma = NOISE_SD / yScale;
  const levels = Array.from(days, isoDate);
  const frame = frameFromColumns(
    [
      categoricalColumn('week', Uint32Array.from(levels, (_, i) => i), levels),
      numericColumn('tv', tv),
      numericColumn('search', search),
      numericColumn('social', social),
      numericColumn('promo', promo),
      numericColumn('sales', sales),
    ],
    `simulated mmm (seed ${options.seed})`,
  );
  return { frame, truth };
}
