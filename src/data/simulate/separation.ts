/**
 * The perfect-separation case of DESIGN.md (after the cities × lead sources analysis in
 * shared/seeds/002_*.txt): web sessions in 10 cities and 4 lead sources, where 3 cities convert at about 5% and the
 * other 7 never convert, so maximum likelihood drives their intercepts to −∞.
 *
 * Columns: city, lead_source (categorical), pages_viewed (1 + Poisson(4)), time_on_site (minutes, 2 decimals,
 * about 0.8 minutes per page with log-normal spread), converted (0/1).
 *
 * Model, in the 3 active cities:
 *   logit P(converted) = intercept[city] + b_pages_viewed · (pages_viewed − 5) + b_time_on_site · (time_on_site − 4)
 *                        + r_lead_source__Intercept[source]
 * with intercept[city] set (by bisection on the simulated rows) so that the city's mean conversion probability is
 * its target rate (5.1%–5.2%); in the 7 other cities P(converted) = 0 exactly. Pages viewed is the strong predictor,
 * time on site a weak one, lead source nearly noise — as in the analysis the case is taken from.
 *
 * The analysis saw 4.8%–5.5% conversion in each active city. To keep that headline for every seed, an active city
 * with at least 2,000 sessions has its outcomes redrawn until its observed rate lies in that range (rejection
 * sampling: the outcomes are drawn from the model conditioned on that event, which has probability ~0.8–0.9 per
 * city at the default size, so the parameters in `truth` remain the generating ones).
 *
 * `truth` holds b_pages_viewed, b_time_on_site (per page, per minute), r_lead_source__Intercept[k] (named as in
 * SEPARATION_FORMULAS.crossed), and per city `intercept[<city>]` (−Infinity for a zero-conversion city) and
 * `rate[<city>]` (mean conversion probability). The city effects have no finite true value in nutmeg's models.
 */
import { sigmoid } from '../../numeric/logistic.js';
import { stream } from '../../rng.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../frame-build.js';
import { discrete, interceptForRate, lognormal, poisson, round } from './draw.js';
import type { SimulateOptions, Simulated } from './types.js';

/** Cities in sorted order, with their share of sessions and mean conversion rate (0: never converts). */
const CITIES: readonly { readonly name: string; readonly share: number; readonly rate: number }[] = [
  { name: 'Faisalabad', share: 0.11, rate: 0 },
  { name: 'Gujranwala', share: 0.09, rate: 0 },
  { name: 'Islamabad', share: 0.09, rate: 0.051 },
  { name: 'Karachi', share: 0.12, rate: 0.0515 },
  { name: 'Lahore', share: 0.11, rate: 0.052 },
  { name: 'Multan', share: 0.1, rate: 0 },
  { name: 'Peshawar', share: 0.1, rate: 0 },
  { name: 'Quetta', share: 0.07, rate: 0 },
  { name: 'Rawalpindi', share: 0.12, rate: 0 },
  { name: 'Sialkot', share: 0.09, rate: 0 },
];
/** Lead sources in sorted order: share of sessions and effect on the log-odds. */
const SOURCES: readonly { readonly name: string; readonly share: number; readonly effect: number }[] = [
  { name: 'Email', share: 0.25, effect: 0.05 },
  { name: 'Organic', share: 0.35, effect: -0.05 },
  { name: 'Referral', share: 0.15, effect: 0.1 },
  { name: 'Social Media', share: 0.25, effect: -0.1 },
];
const B_PAGES = 0.3;
const B_TIME = 0.01;
const PAGES_CENTRE = 5;
/** The analysis's observed conversion rates of the active cities; see the module comment. */
const OBSERVED_RATE_RANGE = [0.048, 0.055] as const;
const CONDITION_MIN_SESSIONS = 2000;
const TIME_CENTRE = 4;

export const SEPARATION_ROWS = 100_000;

/** The four models of the analysis: flat, hierarchical by city, by lead source, and crossed. */
export const SEPARATION_FORMULAS = {
  flat: 'converted ~ pages_viewed + time_on_site',
  city: 'converted ~ pages_viewed + time_on_site + (1 | city)',
  source: 'converted ~ pages_viewed + time_on_site + (1 | lead_source)',
  crossed: 'converted ~ pages_viewed + time_on_site + (1 | city) + (1 | lead_source)',
} as const;

/** The separation case's sessions (100,000 by default). */
export function simulateSeparation(options: SimulateOptions): Simulated {
  const n = options.n ?? SEPARATION_ROWS;
  if (!Number.isInteger(n) || n < 1) throw new Error(`simulateSeparation: n = ${n} must be a positive integer`);
  const rng = stream(options.seed, 0);
  const city = new Uint32Array(n);
  const source = new Uint32Array(n);
  const pages = new Float64Array(n);
  const time = new Float64Array(n);
  const drawCity = discrete(CITIES.map((c) => c.share));
  const drawSource = discrete(SOURCES.map((s) => s.share));
  for (let i = 0; i < n; i++) {
    city[i] = drawCity(rng);
    source[i] = drawSource(rng);
    pages[i] = 1 + poisson(rng, 4);
    time[i] = round(0.8 * pages[i] * lognormal(rng, 0, 0.5), 2);
  }
  const truth: Record<string, number> = { b_pages_viewed: B_PAGES, b_time_on_site: B_TIME };
  SOURCES.forEach((s, k) => {
    truth[`r_lead_source__Intercept[${k + 1}]`] = s.effect;
  });
  // the log-odds without the city intercept, then each active city's intercept from its target rate
  const offset = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    offset[i] = B_PAGES * (pages[i] - PAGES_CENTRE) + B_TIME * (time[i] - TIME_CENTRE) + SOURCES[source[i]].effect;
  }
  const cityRows = CITIES.map((_, k) => Uint32Array.from(city.keys()).filter((i) => city[i] === k));
  const intercept = CITIES.map((c, k) => {
    if (c.rate === 0) return -Infinity;
    const rows = cityRows[k];
    return rows.length > 0 ? interceptForRate(Float64Array.from(rows, (i) => offset[i]), c.rate, sigmoid) : NaN;
  });
  CITIES.forEach((c, k) => {
    truth[`intercept[${c.name}]`] = intercept[k];
    truth[`rate[${c.name}]`] = c.rate;
  });
  const outcomes = stream(options.seed, 1);
  const converted = new Float64Array(n);
  CITIES.forEach((c, k) => {
    if (intercept[k] === -Infinity) return;
    const rows = cityRows[k];
    const p = Float64Array.from(rows, (i) => sigmoid(intercept[k] + offset[i]));
    const conditioned = rows.length >= CONDITION_MIN_SESSIONS;
    for (let attempt = 0; ; attempt++) {
      let count = 0;
      for (let j = 0; j < rows.length; j++) count += converted[rows[j]] = outcomes.bernoulli(p[j]);
      const rate = count / rows.length;
      if (!conditioned || (rate >= OBSERVED_RATE_RANGE[0] && rate <= OBSERVED_RATE_RANGE[1])) break;
      if (attempt >= 10_000) throw new Error(`simulateSeparation: ${c.name} never reached the observed rate range`);
    }
  });
  const frame = frameFromColumns(
    [
      categoricalColumn('city', city, CITIES.map((c) => c.name)),
      categoricalColumn('lead_source', source, SOURCES.map((s) => s.name)),
      numericColumn('pages_viewed', pages),
      numericColumn('time_on_site', time),
      numericColumn('converted', converted),
    ],
    `simulated separation (seed ${options.seed})`,
  );
  return { frame, truth };
}
