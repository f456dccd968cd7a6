/**
 * Per-customer predictions from the posterior draws of the BG/NBD + Gamma-Gamma model: P(alive), expected purchases
 * and expected value (purchases × expected spend per purchase, undiscounted) over a horizon, each with its posterior
 * mean and 90% interval; the totals over the customer base per draw; and, with a holdout period, the calibration check
 * (mean holdout purchases by calibration frequency, observed against predicted with a 90% interval).
 *
 * A post-processing pass, not generated quantities: recording three values per customer with every draw would hold
 * customers × draws × 3 doubles (10⁵ customers × 4,000 draws is 9.6 GB). Customers are walked in blocks of BLOCK,
 * sorted by (x, T), so that the block holds BLOCK × draws values per quantity and the hypergeometric term, which
 * depends on (x, T) only, is computed once per run of equal keys. At most `maxDraws` draws are used, evenly spaced
 * over the chains (stated in the report).
 */
import { variableIndex, type DrawSet } from '../../draws.js';
import { quantileSorted } from '../../numeric/quantile.js';
import { expectedPurchasesIfAlive, expectedSpend, probabilityAlive } from '../../model/clv/expectations.js';
import type { RfmData } from '../../model/clv/rfm-data.js';

const BLOCK = 256;
export const PREDICTION_DRAWS = 1000;
/** Calibration-frequency bins of the holdout check: 0, 1, …, 6 and 7 or more. */
export const HOLDOUT_BINS = 8;

export interface Interval {
  readonly mean: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

export interface HoldoutBin {
  readonly label: string;
  readonly customers: number;
  readonly observed: number;
  readonly predicted: number;
  readonly lower: number;
  readonly upper: number;
}

export interface ClvPredictions {
  readonly horizonWeeks: number;
  /** Draws the predictions use. */
  readonly draws: number;
  readonly pAlive: Interval;
  readonly purchases: Interval;
  /** Expected spend per purchase. */
  readonly spend: Interval;
  readonly value: Interval;
  /** Sum over customers of expected purchases and value, per draw. */
  readonly totalPurchases: Float64Array;
  readonly totalValue: Float64Array;
  readonly holdout: readonly HoldoutBin[] | null;
}

export interface PredictionOptions {
  readonly horizonWeeks: number;
  /** Holdout purchases per customer and the holdout length, for the calibration check. */
  readonly holdout?: { readonly weeks: number; readonly frequency: Uint32Array } | null;
  readonly maxDraws?: number;
}

function interval(n: number): Interval {
  return { mean: new Float64Array(n), lower: new Float64Array(n), upper: new Float64Array(n) };
}

/** Indices of `used` draws evenly spaced over `total` (chains concatenated). */
function drawIndices(total: number, used: number): Uint32Array {
  const out = new Uint32Array(used);
  for (let k = 0; k < used; k++) out[k] = Math.floor(((k + 0.5) * total) / used);
  return out;
}

function summarize(block: Float64Array, row: number, D: number, sorted: Float64Array, into: Interval, i: number): void {
  const values = block.subarray(row * D, (row + 1) * D);
  let sum = 0;
  for (let d = 0; d < D; d++) sum += values[d];
  sorted.set(values);
  sorted.sort();
  into.mean[i] = sum / D;
  into.lower[i] = quantileSorted(sorted, 0.05);
  into.upper[i] = quantileSorted(sorted, 0.95);
}

export function holdoutBinOf(x: number): number {
  return x < HOLDOUT_BINS - 1 ? x : HOLDOUT_BINS - 1;
}

export function clvPredictions(data: RfmData, draws: DrawSet, options: PredictionOptions): ClvPredictions {
  const total = draws.nChains * draws.nDraws;
  const D = Math.min(total, options.maxDraws ?? PREDICTION_DRAWS);
  const picks = drawIndices(total, D);
  const column = (name: string) => {
    const v = variableIndex(draws, name);
    const out = new Float64Array(D);
    for (let k = 0; k < D; k++) out[k] = draws.values[v * total + picks[k]];
    return out;
  };
  const [r, alpha, a, b, p, q, gamma] = ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma'].map(column);
  const n = data.n;
  const { frequency, recency, age, meanSpend } = data;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => frequency[i] - frequency[j] || age[i] - age[j]);
  const pAlive = interval(n);
  const purchases = interval(n);
  const spend = interval(n);
  const value = interval(n);
  const totalPurchases = new Float64Array(D);
  const totalValue = new Float64Array(D);
  const hold = options.holdout ?? null;
  const binPredicted = hold ? new Float64Array(HOLDOUT_BINS * D) : null;
  const binObserved = new Float64Array(HOLDOUT_BINS);
  const binCustomers = new Float64Array(HOLDOUT_BINS);
  const blockAlive = new Float64Array(BLOCK * D);
  const blockPurchases = new Float64Array(BLOCK * D);
  const blockSpend = new Float64Array(BLOCK * D);
  const blockValue = new Float64Array(BLOCK * D);
  const sorted = new Float64Array(D);
  const t = options.horizonWeeks;
  for (let start = 0; start < n; start += BLOCK) {
    const end = Math.min(n, start + BLOCK);
    for (let d = 0; d < D; d++) {
      const pp = { r: r[d], alpha: alpha[d], a: a[d], b: b[d] };
      let lastX = -1;
      let lastT = NaN;
      let ifAlive = 0;
      let holdIfAlive = 0;
      for (let k = start; k < end; k++) {
        const i = order[k];
        const x = frequency[i];
        if (x !== lastX || age[i] !== lastT) {
          lastX = x;
          lastT = age[i];
          ifAlive = expectedPurchasesIfAlive(pp, x, age[i], t);
          if (hold) holdIfAlive = expectedPurchasesIfAlive(pp, x, age[i], hold.weeks);
        }
        const alive = probabilityAlive(pp, x, recency[i], age[i]);
        const e = alive * ifAlive;
        const s = expectedSpend(p[d], q[d], gamma[d], x, meanSpend[i]);
        const row = (k - start) * D + d;
        blockAlive[row] = alive;
        blockPurchases[row] = e;
        blockSpend[row] = s;
        blockValue[row] = e * s;
        totalPurchases[d] += e;
        totalValue[d] += e * s;
        if (binPredicted) binPredicted[holdoutBinOf(x) * D + d] += alive * holdIfAlive;
      }
    }
    for (let k = start; k < end; k++) {
      const i = order[k];
      const row = k - start;
      summarize(blockAlive, row, D, sorted, pAlive, i);
      summarize(blockPurchases, row, D, sorted, purchases, i);
      summarize(blockSpend, row, D, sorted, spend, i);
      summarize(blockValue, row, D, sorted, value, i);
    }
  }
  let holdout: HoldoutBin[] | null = null;
  if (hold && binPredicted) {
    for (let i = 0; i < n; i++) {
      const g = holdoutBinOf(frequency[i]);
      binCustomers[g]++;
      binObserved[g] += hold.frequency[i];
    }
    holdout = [];
    for (let g = 0; g < HOLDOUT_BINS; g++) {
      if (binCustomers[g] === 0) continue;
      const per = binPredicted.subarray(g * D, (g + 1) * D).map((v) => v / binCustomers[g]);
      let sum = 0;
      for (let d = 0; d < D; d++) sum += per[d];
      per.sort();
      holdout.push({
        label: g === HOLDOUT_BINS - 1 ? `${g}+` : String(g),
        customers: binCustomers[g],
        observed: binObserved[g] / binCustomers[g],
        predicted: sum / D,
        lower: quantileSorted(per, 0.05),
        upper: quantileSorted(per, 0.95),
      });
    }
  }
  return { horizonWeeks: t, draws: D, pAlive, purchases, spend, value, totalPurchases, totalValue, holdout };
}
