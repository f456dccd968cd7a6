/**
 * Customer transactions with known BG/NBD + Gamma-Gamma parameters (issue 19, `sim:clv`), generated as the models
 * assume (Fader, Hardie & Lee 2005; 2005b): customer i first buys at a time uniform over the first `acquisitionWeeks`,
 * then buys at Poisson rate λ_i ~ Gamma(r, rate α) while alive, and after each repeat purchase drops out with
 * probability p_i ~ Beta(a, b); every purchase's spend is Gamma(p, rate ν_i) with ν_i ~ Gamma(q, rate γ). Time is in
 * weeks from 2024-01-01 (a Monday); the data end after `weeks`.
 *
 * Two views of the same draw: `events` in continuous weeks (exact, for simulation-based calibration, where rounding
 * purchases to days would change the model), and `frame` with columns customer (c00001 …), date (YYYY-MM-DD, the
 * purchase's day) and amount (rounded to cents, at least 0.01), the raw transactions a user would have.
 * `truth` holds r, alpha, a, b, p, q, gamma.
 */
import { stream } from '../../rng.js';
import type { ClvPopulation } from '../../model/clv/clv-model.js';
import type { RfmData } from '../../model/clv/rfm-data.js';
import type { Frame } from '../frame.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../frame-build.js';

export type ClvTruth = ClvPopulation;

/** Parameters of the default data set: CDNOW-like purchases (Fader, Hardie & Lee 2005 report r = 0.24, α = 4.41, a = 0.79, b = 2.43). */
export const CLV_TRUTH: ClvTruth = { r: 0.6, alpha: 4, a: 0.8, b: 2.5, p: 6, q: 4, gamma: 15 };
export const CLV_CUSTOMERS = 2000;
export const CLV_WEEKS = 78;
export const CLV_ACQUISITION_WEEKS = 13;
/** Day 0 of the simulated calendar, as days since 1970-01-01 (2024-01-01). */
export const CLV_START_DAY = Date.UTC(2024, 0, 1) / 86_400_000;

export interface ClvEvents {
  readonly customers: number;
  /** Purchases in customer order, each customer's in time order. */
  readonly customer: Uint32Array;
  readonly week: Float64Array;
  readonly amount: Float64Array;
  readonly weeks: number;
}

export interface ClvSimulateOptions {
  readonly seed: number;
  readonly customers?: number;
  readonly truth?: ClvTruth;
  readonly weeks?: number;
  readonly acquisitionWeeks?: number;
}

/** The purchases of every customer, in continuous weeks. */
export function simulateClvEvents(options: ClvSimulateOptions): ClvEvents {
  const n = options.customers ?? CLV_CUSTOMERS;
  const t = options.truth ?? CLV_TRUTH;
  const weeks = options.weeks ?? CLV_WEEKS;
  const acquisition = options.acquisitionWeeks ?? CLV_ACQUISITION_WEEKS;
  if (!Number.isInteger(n) || n < 1) throw new Error(`simulateClvEvents: customers = ${n} must be a positive integer`);
  const rng = stream(options.seed, 0);
  const customer: number[] = [];
  const week: number[] = [];
  const amount: number[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = rng.gamma(t.r) / t.alpha;
    const g1 = rng.gamma(t.a);
    const dropout = g1 / (g1 + rng.gamma(t.b));
    const nu = rng.gamma(t.q) / t.gamma;
    let time = rng.uniform() * acquisition;
    for (let k = 0; ; k++) {
      customer.push(i);
      week.push(time);
      amount.push(rng.gamma(t.p) / nu);
      if (k > 0 && rng.uniform() < dropout) break;
      time += rng.exponential() / lambda;
      if (!(time < weeks)) break;
    }
  }
  return { customers: n, customer: Uint32Array.from(customer), week: Float64Array.from(week), amount: Float64Array.from(amount), weeks };
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The purchases as raw transactions: customer, date (the purchase's day), amount (cents, at least 0.01). */
export function clvTransactionsFrame(events: ClvEvents, source: string): Frame {
  const width = Math.max(5, String(events.customers).length);
  const ids = Array.from({ length: events.customers }, (_, i) => 'c' + String(i + 1).padStart(width, '0'));
  const days = Math.ceil(events.weeks * 7) + 1;
  const dates = Array.from({ length: days }, (_, d) => isoDay(CLV_START_DAY + d));
  const dayCode = new Uint32Array(events.week.length);
  const amount = new Float64Array(events.week.length);
  for (let k = 0; k < events.week.length; k++) {
    dayCode[k] = Math.floor(events.week[k] * 7);
    amount[k] = Math.max(0.01, Math.round(events.amount[k] * 100) / 100);
  }
  return frameFromColumns(
    [categoricalColumn('customer', Uint32Array.from(events.customer), ids), categoricalColumn('date', dayCode, dates), numericColumn('amount', amount)],
    source,
  );
}

/** `sim:clv`: 2,000 customers over 78 weeks by default, with the true parameters. */
export function simulateClv(options: { seed: number; n?: number }): { frame: Frame; truth: Record<string, number> } {
  const events = simulateClvEvents({ seed: options.seed, customers: options.n });
  return { frame: clvTransactionsFrame(events, `simulated clv (seed ${options.seed})`), truth: { ...CLV_TRUTH } };
}

/**
 * The exact RFM summary of simulated purchases in continuous weeks (no rounding to days), calibration period
 * [0, calibrationWeeks]: every customer is acquired within it when acquisitionWeeks ≤ calibrationWeeks.
 */
export function rfmFromEvents(events: ClvEvents, calibrationWeeks = events.weeks): RfmData {
  const n = events.customers;
  const frequency = new Uint32Array(n);
  const recency = new Float64Array(n);
  const age = new Float64Array(n);
  const meanSpend = new Float64Array(n);
  const first = new Float64Array(n).fill(NaN);
  for (let k = 0; k < events.week.length; k++) {
    const i = events.customer[k];
    const w = events.week[k];
    if (Number.isNaN(first[i])) {
      first[i] = w;
      age[i] = calibrationWeeks - w;
      continue;
    }
    if (w > calibrationWeeks) continue;
    frequency[i]++;
    recency[i] = w - first[i];
    meanSpend[i] += events.amount[k];
  }
  for (let i = 0; i < n; i++) if (frequency[i] > 0) meanSpend[i] /= frequency[i];
  return { n, frequency, recency, age, meanSpend };
}
