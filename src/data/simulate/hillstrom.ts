/**
 * A simulated Hillstrom e-mail data set: the real file's schema (column names, types, level names), covariate
 * margins measured on the real file (../shared/data/hillstrom.csv, 64,000 rows), and `conversion` drawn from the
 * hierarchical model of the reference analysis with known parameters:
 *
 *   logit P(conversion) = b_Intercept + (b_treatment + r_history_segment__treatment[segment]) · treatment
 *                         + b_recency_z · recency_z + b_history_z · history_z + b_mens · mens + b_womens · womens
 *                         + b_newbie · newbie
 *
 * with treatment, recency_z and history_z built by addHillstromFeatures on the simulated rows (so a fit of
 * HILLSTROM_FORMULAS.hierarchical to `addHillstromFeatures(frame)` targets exactly `truth`). The true values are
 * Stan's posterior means on the real data (golden/stan/hierarchical.summary.csv), rounded to 3 decimals, with
 * r[k] = sd · z[k] from the posterior means of z_t[k]. They give about 0.57% conversion without e-mail and 1.07%
 * with, as on the real data.
 *
 * Simplifications: recency is drawn independently of the history segment (in the real file more valuable customers
 * bought more recently); visit and spend are drawn after conversion (every converter visited; spend of a converter
 * is 29.99 plus a log-normal amount, capped at 499, about the real median 81 and mean 116).
 */
import { sigmoid } from '../../numeric/logistic.js';
import { stream } from '../../rng.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../frame-build.js';
import { CONTROL_SEGMENT, addHillstromFeatures } from '../hillstrom.js';
import { discrete, lognormal, round } from './draw.js';
import type { NumericValues } from '../frame.js';
import type { SimulateOptions, Simulated } from './types.js';
import * as pm from '../../numeric/portable-math.js';

/** Row counts per level in the real file (64,000 rows), levels in sorted order as the file's reader gives them. */
const HISTORY_SEGMENTS = [
  '1) $0 - $100',
  '2) $100 - $200',
  '3) $200 - $350',
  '4) $350 - $500',
  '5) $500 - $750',
  '6) $750 - $1,000',
  '7) $1,000 +',
];
const HISTORY_SEGMENT_COUNTS = [22970, 14254, 12289, 6409, 4911, 1859, 1308];
/** history (dollars) per segment in the real file: lower bound, upper bound, mean. */
const HISTORY_RANGE: readonly (readonly [number, number, number])[] = [
  [29.99, 100, 51.65],
  [100, 200, 146.45],
  [200, 350, 266.9],
  [350, 500, 417.79],
  [500, 750, 604.64],
  [750, 1000, 853.77],
  [1000, Infinity, 1303.88],
];
/** recency = 1 … 12 (months since last purchase): counts in the real file. */
const RECENCY_COUNTS = [8952, 7537, 5904, 5077, 4510, 4605, 4078, 3495, 6441, 7565, 3504, 2332];
/** (mens, womens) = (1, 0), (0, 1), (1, 1): counts in the real file (no customer has neither). */
const MENS_WOMENS_COUNTS = [28818, 28734, 6448];
const MENS_WOMENS: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [1, 1],
];
const ZIP_CODES = ['Rural', 'Surburban', 'Urban']; // sic: the real file spells it "Surburban"
const ZIP_CODE_COUNTS = [9563, 28776, 25661];
const CHANNELS = ['Multichannel', 'Phone', 'Web'];
const CHANNEL_COUNTS = [7762, 28021, 28217];
const SEGMENTS = ['Mens E-Mail', CONTROL_SEGMENT, 'Womens E-Mail'];
const SEGMENT_COUNTS = [21307, 21306, 21387];
/** Share of newbies in the real file. */
const NEWBIE_RATE = 0.50225;
/** P(visit) among non-converters per segment, about the real file's visit rates net of converters. */
const VISIT_RATE = [0.172, 0.101, 0.144];

/** Posterior means of Stan's hierarchical fit to the real data (golden/stan/hierarchical.summary.csv). */
const TRUE_FIXED = {
  b_Intercept: -5.375,
  b_treatment: 0.587,
  b_recency_z: -0.206,
  b_history_z: 0.196,
  b_mens: 0.291,
  b_womens: 0.415,
  b_newbie: -0.437,
};
const TRUE_SD = 0.088;
const TRUE_Z = [0.165, -0.316, -0.306, 0.047, 0.353, 0.218, -0.013];

export const HILLSTROM_ROWS = 64_000;

/** The true parameters, named as nutmeg names them for HILLSTROM_FORMULAS.hierarchical. */
export function hillstromTruth(): Record<string, number> {
  const truth: Record<string, number> = { ...TRUE_FIXED, sd_history_segment__treatment: TRUE_SD };
  TRUE_Z.forEach((z, k) => {
    truth[`r_history_segment__treatment[${k + 1}]`] = TRUE_SD * z;
  });
  return truth;
}

/** history within segment k: lo + (hi − lo)·u^p with p matching the real mean; the open top segment exponential. */
function drawHistory(rng: ReturnType<typeof stream>, k: number): number {
  const [lo, hi, mean] = HISTORY_RANGE[k];
  if (!Number.isFinite(hi)) return round(lo + (mean - lo) * rng.exponential(), 2);
  const power = (hi - lo) / (mean - lo) - 1;
  return Math.min(round(lo + (hi - lo) * pm.pow(rng.uniform(), power), 2), hi - 0.01);
}

/** Simulated Hillstrom data (64,000 rows by default), with the file's 12 columns in file order. */
export function simulateHillstrom(options: SimulateOptions): Simulated {
  const n = options.n ?? HILLSTROM_ROWS;
  if (!Number.isInteger(n) || n < 2) throw new Error(`simulateHillstrom: n = ${n} must be an integer ≥ 2`);
  const covariates = stream(options.seed, 0);
  const historySegment = new Uint8Array(n);
  const history = new Float64Array(n);
  // 0/1 flags, recency (1…12) and the level codes as bytes: 10⁷ rows stay small (issue 16 item 2)
  const recency = new Uint8Array(n);
  const mens = new Uint8Array(n);
  const womens = new Uint8Array(n);
  const zip = new Uint8Array(n);
  const newbie = new Uint8Array(n);
  const channel = new Uint8Array(n);
  const segment = new Uint8Array(n);
  const drawSegment = discrete(HISTORY_SEGMENT_COUNTS);
  const drawRecency = discrete(RECENCY_COUNTS);
  const drawMensWomens = discrete(MENS_WOMENS_COUNTS);
  const drawZip = discrete(ZIP_CODE_COUNTS);
  const drawChannel = discrete(CHANNEL_COUNTS);
  const drawEmail = discrete(SEGMENT_COUNTS);
  for (let i = 0; i < n; i++) {
    const k = drawSegment(covariates);
    historySegment[i] = k;
    history[i] = drawHistory(covariates, k);
    recency[i] = 1 + drawRecency(covariates);
    [mens[i], womens[i]] = MENS_WOMENS[drawMensWomens(covariates)];
    zip[i] = drawZip(covariates);
    newbie[i] = covariates.bernoulli(NEWBIE_RATE);
    channel[i] = drawChannel(covariates);
    segment[i] = drawEmail(covariates);
  }
  const source = `simulated hillstrom (seed ${options.seed})`;
  const columnsBeforeOutcome = [
    numericColumn('recency', recency),
    categoricalColumn('history_segment', historySegment, HISTORY_SEGMENTS),
    numericColumn('history', history),
    numericColumn('mens', mens),
    numericColumn('womens', womens),
    categoricalColumn('zip_code', zip, ZIP_CODES),
    numericColumn('newbie', newbie),
    categoricalColumn('channel', channel, CHANNELS),
    categoricalColumn('segment', segment, SEGMENTS),
  ];
  const features = addHillstromFeatures(frameFromColumns(columnsBeforeOutcome, source));
  const column = (name: string): NumericValues => {
    const c = features.columns.get(name);
    if (c?.kind !== 'numeric') throw new Error(`simulateHillstrom: feature ${name} missing`);
    return c.values;
  };
  const treatment = column('treatment');
  const recencyZ = column('recency_z');
  const historyZ = column('history_z');
  const truth = hillstromTruth();
  const r = TRUE_Z.map((z) => TRUE_SD * z);
  const outcomes = stream(options.seed, 1);
  const visit = new Uint8Array(n);
  const conversion = new Uint8Array(n);
  const spend = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const eta =
      TRUE_FIXED.b_Intercept +
      (TRUE_FIXED.b_treatment + r[historySegment[i]]) * treatment[i] +
      TRUE_FIXED.b_recency_z * recencyZ[i] +
      TRUE_FIXED.b_history_z * historyZ[i] +
      TRUE_FIXED.b_mens * mens[i] +
      TRUE_FIXED.b_womens * womens[i] +
      TRUE_FIXED.b_newbie * newbie[i];
    conversion[i] = outcomes.bernoulli(sigmoid(eta));
    if (conversion[i] === 1) {
      visit[i] = 1;
      spend[i] = round(Math.min(499, 29.99 + lognormal(outcomes, pm.log(50), 1)), 2);
    } else {
      visit[i] = outcomes.bernoulli(VISIT_RATE[segment[i]]);
    }
  }
  const frame = frameFromColumns(
    [
      ...columnsBeforeOutcome,
      numericColumn('visit', visit),
      numericColumn('conversion', conversion),
      numericColumn('spend', spend),
    ],
    source,
  );
  return { frame, truth };
}
