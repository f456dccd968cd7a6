/**
 * An interrupted time series read from a Frame and checked: the time column (ISO dates YYYY-MM-DD, or numbers),
 * strictly increasing; the outcome and covariates present in every row; the split at the intervention into the
 * pre-period (t < intervention, where the regression is fitted) and the post-period (t ≥ intervention, where it is
 * projected as the counterfactual). Every refusal is one line naming the file line (or row) and the column.
 */
import { UserError } from '../../errors.js';
import { columnAsNumbers, rowLocation } from '../../data/frame-build.js';
import type { Frame } from '../../data/frame.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of an ISO date, or null when the text is not a real calendar date in that form. */
export function isoDay(text: string): number | null {
  const m = ISO_DATE.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** The ISO date of a day number (isoDay's inverse). */
export function dayIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export interface Series {
  /** Where the data came from, for messages and fit.json. */
  readonly source: string;
  /** 'date': time is in days since 1970-01-01 (labels are ISO dates); 'number': the time column's own values. */
  readonly timeKind: 'date' | 'number';
  readonly time: Float64Array;
  /** Each row's time as written (ISO date or number). */
  readonly labels: readonly string[];
  readonly y: Float64Array;
  /** Covariate columns, by name, each of length n. */
  readonly covariates: readonly { readonly name: string; readonly values: Float64Array }[];
  /** Rows before the intervention (the first nPre rows, the time being sorted). */
  readonly nPre: number;
  /** The intervention's time, on the scale of `time`. */
  readonly intervention: number;
}

export interface SeriesColumns {
  readonly time: string;
  readonly outcome: string;
  readonly covariates?: readonly string[];
  /** The intervention as the user wrote it (a date or a number, as the time column). */
  readonly intervention: string;
}

function column(frame: Frame, name: string, flag: string) {
  const c = frame.columns.get(name);
  if (c === undefined) {
    throw new UserError(`${flag} ${name}: ${frame.source} has no column "${name}" (columns: ${[...frame.columns.keys()].join(', ')})`);
  }
  return c;
}

function firstMissing(frame: Frame, name: string): number | null {
  const rows = frame.missing.get(name);
  return rows !== undefined && rows.length > 0 ? rows[0] : null;
}

/** A numeric column with no missing cell, or a one-line refusal naming the first bad row. */
function numericValues(frame: Frame, name: string, flag: string, what: string): Float64Array {
  const c = column(frame, name, flag);
  const missing = firstMissing(frame, name);
  if (missing !== null) {
    throw new UserError(`${rowLocation(frame, missing)}, column "${name}": the ${what} is missing; fill it in or remove the row`);
  }
  const values = columnAsNumbers(c);
  if (values === null || c.kind === 'boolean') {
    const row = c.kind === 'categorical' ? c.codes.findIndex((code) => code < c.levels.length && !Number.isFinite(Number(c.levels[code]))) : 0;
    const cell = c.kind === 'categorical' ? ` ('${c.levels[c.codes[Math.max(row, 0)]]}')` : '';
    throw new UserError(`${rowLocation(frame, Math.max(row, 0))}, column "${name}"${cell}: the ${what} must be a number (${flag} ${name})`);
  }
  return values;
}

/** Times in days (dates) or as numbers, with their labels. */
function readTime(frame: Frame, name: string): { kind: 'date' | 'number'; time: Float64Array; labels: string[] } {
  const c = column(frame, name, '--time');
  const missing = firstMissing(frame, name);
  if (missing !== null) throw new UserError(`${rowLocation(frame, missing)}, column "${name}": the time is missing; every row needs one`);
  if (c.kind === 'numeric') {
    const time = columnAsNumbers(c)!;
    return { kind: 'number', time: Float64Array.from(time), labels: Array.from(time, String) };
  }
  if (c.kind !== 'categorical') throw new UserError(`--time ${name}: column "${name}" is true/false, not a date (YYYY-MM-DD) or a number`);
  const dayOfLevel = c.levels.map(isoDay);
  const time = new Float64Array(frame.nRows);
  for (let i = 0; i < frame.nRows; i++) {
    const day = dayOfLevel[c.codes[i]];
    if (day === null) {
      throw new UserError(`${rowLocation(frame, i)}, column "${name}": '${c.levels[c.codes[i]]}' is not a date of the form YYYY-MM-DD`);
    }
    time[i] = day;
  }
  return { kind: 'date', time, labels: Array.from(c.codes, (code) => c.levels[code]) };
}

/** The intervention on the time column's scale. */
function readIntervention(text: string, kind: 'date' | 'number', timeName: string): number {
  if (kind === 'date') {
    const day = isoDay(text);
    if (day === null) throw new UserError(`--intervention ${text}: not a date of the form YYYY-MM-DD, as the time column "${timeName}" holds`);
    return day;
  }
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UserError(`--intervention ${text}: not a number, as the time column "${timeName}" holds`);
  return v;
}

export function readSeries(frame: Frame, cols: SeriesColumns): Series {
  if (frame.nRows === 0) throw new UserError(`${frame.source}: no rows`);
  const { kind, time, labels } = readTime(frame, cols.time);
  for (let i = 1; i < time.length; i++) {
    if (time[i] === time[i - 1]) {
      throw new UserError(`${rowLocation(frame, i)}, column "${cols.time}": ${labels[i]} repeats the previous row's time; give one row per time`);
    }
    if (time[i] < time[i - 1]) {
      throw new UserError(`${rowLocation(frame, i)}, column "${cols.time}": ${labels[i]} comes before the previous row's ${labels[i - 1]}; sort the rows by time`);
    }
  }
  const y = numericValues(frame, cols.outcome, '--outcome', 'outcome');
  const covariates = (cols.covariates ?? []).map((name) => {
    if (name === cols.outcome || name === cols.time) throw new UserError(`--covariates ${name}: that column is the ${name === cols.outcome ? 'outcome' : 'time'}`);
    return { name, values: Float64Array.from(numericValues(frame, name, '--covariates', 'covariate')) };
  });
  const intervention = readIntervention(cols.intervention, kind, cols.time);
  const first = labels[0];
  const last = labels[labels.length - 1];
  if (intervention <= time[0]) {
    throw new UserError(`--intervention ${cols.intervention}: on or before the first time (${first}), so there is no pre-period; give a time after ${first}`);
  }
  if (intervention > time[time.length - 1]) {
    throw new UserError(`--intervention ${cols.intervention}: after the last time (${last}), so there is no post-period; give a time up to ${last}`);
  }
  let nPre = 0;
  while (time[nPre] < intervention) nPre++;
  return { source: frame.source, timeKind: kind, time, labels, y: Float64Array.from(y), covariates, nPre, intervention };
}
