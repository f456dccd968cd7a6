/**
 * The RFM summary of raw transactions (one row per purchase: customer, date, amount), as the BG/NBD and Gamma-Gamma
 * models read it: per customer the repeat purchases x in the calibration period, the recency t_x and age T (weeks from
 * the first purchase to the last one and to the end of the calibration period), the mean spend of the repeat purchases,
 * and, when a holdout period follows, the purchases and spend in it.
 *
 * Purchases count by calendar day (several transactions of one customer on one day are one purchase, their amounts
 * summed), so x is the number of purchase days after the first. Customers whose first purchase falls after the
 * calibration period are left out (counted in `leftOut`). The calibration period ends at the last date in the data, or
 * `holdoutWeeks` before it.
 *
 * The rows are bucketed by customer with a counting sort (typed arrays, no per-row objects); each customer's few
 * purchases are then sorted by day in place. Dates are parsed once per distinct date text.
 * Bad input is a UserError naming the file line and column: a missing customer id, date or amount, a date that is not
 * YYYY-MM-DD, a negative or non-numeric amount.
 */
import { UserError } from '../../errors.js';
import type { Frame, LevelCodes } from '../../data/frame.js';
import { asFloat64, rowLocation } from '../../data/frame-build.js';
import type { RfmData } from '../../model/clv/rfm-data.js';
import { isoDayText, parseIsoDay } from './dates.js';

export interface TransactionColumns {
  readonly customer: string;
  readonly date: string;
  readonly amount: string;
}

export interface RfmOptions {
  /** Weeks at the end of the data held out for the calibration check (0: none). */
  readonly holdoutWeeks?: number;
}

export interface RfmSummary {
  /** The calibration-period summary of the customers kept: in the id column's level order (sorted), or first appearance for numeric ids. */
  readonly data: RfmData;
  /** Customer ids, as in the file. */
  readonly ids: readonly string[];
  /** Purchase days and spend in the holdout period per customer; null without a holdout. */
  readonly holdout: { readonly weeks: number; readonly frequency: Uint32Array; readonly spend: Float64Array } | null;
  /** First and last day in the data and the last day of the calibration period (YYYY-MM-DD). */
  readonly firstDate: string;
  readonly lastDate: string;
  readonly calibrationEnd: string;
  readonly transactions: number;
  /** Customers whose first purchase is after the calibration period. */
  readonly leftOut: number;
}

function column(frame: Frame, name: string, flag: string) {
  const c = frame.columns.get(name);
  if (c === undefined) throw new UserError(`${flag} "${name}": ${frame.source} has no such column (columns: ${[...frame.columns.keys()].join(', ')})`);
  return c;
}

function firstMissing(frame: Frame, name: string): number {
  const rows = frame.missing.get(name);
  return rows !== undefined && rows.length > 0 ? rows[0] : -1;
}

/** Customer index of every row and the ids, from a categorical or numeric id column. */
function customerCodes(frame: Frame, name: string): { codes: LevelCodes; ids: string[] } {
  const c = column(frame, name, '--customer');
  const missing = firstMissing(frame, name);
  if (missing >= 0) throw new UserError(`${rowLocation(frame, missing)}, column "${name}": missing customer id; every transaction needs one`);
  if (c.kind === 'categorical') return { codes: c.codes, ids: c.levels };
  const values = c.values;
  const index = new Map<number, number>();
  const codes = new Uint32Array(frame.nRows);
  const ids: string[] = [];
  for (let i = 0; i < frame.nRows; i++) {
    const v = values[i];
    let k = index.get(v);
    if (k === undefined) {
      k = ids.length;
      index.set(v, k);
      ids.push(String(v));
    }
    codes[i] = k;
  }
  return { codes, ids };
}

/** Day number of every row (days since 1970-01-01), parsing each distinct date text once. */
function dayNumbers(frame: Frame, name: string): Float64Array {
  const c = column(frame, name, '--date');
  const missing = firstMissing(frame, name);
  if (missing >= 0) throw new UserError(`${rowLocation(frame, missing)}, column "${name}": missing date; every transaction needs one (YYYY-MM-DD)`);
  if (c.kind !== 'categorical') {
    throw new UserError(`--date "${name}": the column holds ${c.kind === 'numeric' ? 'numbers' : 'true/false values'}, not dates; give dates as YYYY-MM-DD`);
  }
  const levelDay = new Float64Array(c.levels.length);
  for (let k = 0; k < c.levels.length; k++) levelDay[k] = parseIsoDay(c.levels[k]) ?? NaN;
  const days = new Float64Array(frame.nRows);
  for (let i = 0; i < frame.nRows; i++) {
    const d = levelDay[c.codes[i]];
    if (Number.isNaN(d)) {
      throw new UserError(`${rowLocation(frame, i)}, column "${name}": ${JSON.stringify(c.levels[c.codes[i]])} is not a date; give dates as YYYY-MM-DD`);
    }
    days[i] = d;
  }
  return days;
}

function amounts(frame: Frame, name: string): Float64Array {
  const c = column(frame, name, '--amount');
  const missing = firstMissing(frame, name);
  if (missing >= 0) throw new UserError(`${rowLocation(frame, missing)}, column "${name}": missing amount; every transaction needs one`);
  if (c.kind !== 'numeric') throw new UserError(`--amount "${name}": the column is not numeric; give amounts as plain numbers`);
  const values = asFloat64(c.values);
  for (let i = 0; i < values.length; i++) {
    if (!(values[i] >= 0)) {
      throw new UserError(`${rowLocation(frame, i)}, column "${name}": amount ${values[i]} is negative; returns and refunds are not purchases, leave them out`);
    }
  }
  return values;
}

/** The RFM summary of the transactions in `frame`. */
export function rfmSummary(frame: Frame, columns: TransactionColumns, options: RfmOptions = {}): RfmSummary {
  if (frame.nRows === 0) throw new UserError(`${frame.source}: no transactions`);
  const { codes, ids } = customerCodes(frame, columns.customer);
  const days = dayNumbers(frame, columns.date);
  const spend = amounts(frame, columns.amount);
  const holdoutWeeks = options.holdoutWeeks ?? 0;
  let firstDay = Infinity;
  let lastDay = -Infinity;
  for (let i = 0; i < days.length; i++) {
    if (days[i] < firstDay) firstDay = days[i];
    if (days[i] > lastDay) lastDay = days[i];
  }
  const calEnd = lastDay - Math.round(holdoutWeeks * 7);
  if (holdoutWeeks > 0 && calEnd <= firstDay) {
    throw new UserError(`--holdout ${holdoutWeeks}w: the data span ${(lastDay - firstDay) / 7} weeks (${isoDayText(firstDay)} to ${isoDayText(lastDay)}), no calibration period is left; give a shorter holdout`);
  }
  // counting sort of the rows by customer
  const nc = ids.length;
  const start = new Uint32Array(nc + 1);
  for (let i = 0; i < codes.length; i++) start[codes[i] + 1]++;
  for (let k = 0; k < nc; k++) start[k + 1] += start[k];
  const fill = start.slice(0, nc);
  const dayOf = new Float64Array(codes.length);
  const spendOf = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const at = fill[codes[i]]++;
    dayOf[at] = days[i];
    spendOf[at] = spend[i];
  }
  const frequency = new Uint32Array(nc);
  const recency = new Float64Array(nc);
  const age = new Float64Array(nc);
  const meanSpend = new Float64Array(nc);
  const holdFrequency = new Uint32Array(nc);
  const holdSpend = new Float64Array(nc);
  const keep = new Uint8Array(nc);
  let kept = 0;
  for (let k = 0; k < nc; k++) {
    const lo = start[k];
    const hi = start[k + 1];
    // insertion sort of the customer's purchases by day (customers have few)
    for (let j = lo + 1; j < hi; j++) {
      const d = dayOf[j];
      const s = spendOf[j];
      let m = j - 1;
      while (m >= lo && dayOf[m] > d) {
        dayOf[m + 1] = dayOf[m];
        spendOf[m + 1] = spendOf[m];
        m--;
      }
      dayOf[m + 1] = d;
      spendOf[m + 1] = s;
    }
    const first = dayOf[lo];
    if (first > calEnd) continue;
    keep[k] = 1;
    kept++;
    let x = 0;
    let last = first;
    let repeatSpend = 0;
    let prev = first;
    for (let j = lo + 1; j < hi; j++) {
      const d = dayOf[j];
      if (d <= calEnd) {
        if (d !== prev) x++;
        if (d !== first) repeatSpend += spendOf[j];
        last = d;
      } else {
        if (d !== prev) holdFrequency[k]++;
        holdSpend[k] += spendOf[j];
      }
      prev = d;
    }
    frequency[k] = x;
    recency[k] = x > 0 ? (last - first) / 7 : 0;
    age[k] = (calEnd - first) / 7;
    meanSpend[k] = x > 0 ? repeatSpend / x : 0;
  }
  const pick = <T extends Uint32Array | Float64Array>(a: T): T => {
    if (kept === nc) return a;
    const out = new (a.constructor as new (n: number) => T)(kept);
    let j = 0;
    for (let k = 0; k < nc; k++) if (keep[k]) out[j++] = a[k];
    return out;
  };
  return {
    data: { n: kept, frequency: pick(frequency), recency: pick(recency), age: pick(age), meanSpend: pick(meanSpend) },
    ids: kept === nc ? ids : ids.filter((_, k) => keep[k] === 1),
    holdout: holdoutWeeks > 0 ? { weeks: holdoutWeeks, frequency: pick(holdFrequency), spend: pick(holdSpend) } : null,
    firstDate: isoDayText(firstDay),
    lastDate: isoDayText(lastDay),
    calibrationEnd: isoDayText(calEnd),
    transactions: frame.nRows,
    leftOut: nc - kept,
  };
}
