/**
 * The weekly table of `nutmeg mmm` checked and turned into MmmInput: a date column (YYYY-MM-DD), the outcome, one
 * spend column per channel and optional control columns. Every mistake is a one-line UserError naming the column and,
 * where it is a value, the row (file line for a CSV): unknown column, non-numeric or missing value, negative spend,
 * unparsable, duplicate or unsorted dates.
 */
import { UserError } from '../../errors.js';
import { columnAsNumbers, rowLocation } from '../../data/frame-build.js';
import type { Column, Frame } from '../../data/frame.js';
import type { MmmInput } from './design.js';

export interface MmmColumns {
  readonly date: string;
  readonly outcome: string;
  readonly channels: readonly string[];
  readonly controls?: readonly string[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function requireColumn(frame: Frame, name: string, flag: string): Column {
  const column = frame.columns.get(name);
  if (column === undefined) {
    const known = [...frame.columns.keys()].join(', ');
    throw new UserError(`${flag}: no column "${name}" in ${frame.source}; its columns are ${known}`);
  }
  return column;
}

/** Day number (days since 1970-01-01) of an ISO date, or NaN when it is not a real calendar date. */
export function parseIsoDay(text: string): number {
  const m = ISO_DATE.exec(text.trim());
  if (m === null) return NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return NaN;
  return ms / 86_400_000;
}

function dateDays(frame: Frame, name: string): Float64Array {
  const column = requireColumn(frame, name, '--date');
  const days = new Float64Array(frame.nRows);
  for (let i = 0; i < frame.nRows; i++) {
    const text = column.kind === 'categorical' ? (column.levels[column.codes[i]] ?? '') : String(column.values[i]);
    const day = parseIsoDay(text);
    if (!Number.isFinite(day)) {
      throw new UserError(`${rowLocation(frame, i)}, column "${name}": "${text}" is not a date; write dates as YYYY-MM-DD`);
    }
    days[i] = day;
    if (i > 0 && day === days[i - 1]) {
      throw new UserError(`${rowLocation(frame, i)}, column "${name}": date ${text} repeats the row before; give one row per week`);
    }
    if (i > 0 && day < days[i - 1]) {
      throw new UserError(`${rowLocation(frame, i)}, column "${name}": date ${text} comes before the row above; sort the rows by date`);
    }
  }
  return days;
}

function numbers(frame: Frame, name: string, flag: string, nonNegative: boolean): Float64Array {
  const column = requireColumn(frame, name, flag);
  const values = columnAsNumbers(column);
  if (values === null) throw new UserError(`${flag}: column "${name}" in ${frame.source} is not numeric`);
  const missing = frame.missing.get(name);
  if (missing !== undefined && missing.length > 0) {
    throw new UserError(`${rowLocation(frame, missing[0])}, column "${name}": the value is missing; fill it in (0 for no spend)`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new UserError(`${rowLocation(frame, i)}, column "${name}": ${values[i]} is not a finite number`);
    if (nonNegative && values[i] < 0) {
      throw new UserError(`${rowLocation(frame, i)}, column "${name}": spend ${values[i]} is negative; spend must be ≥ 0`);
    }
  }
  return values;
}

export function mmmInputFromFrame(frame: Frame, columns: MmmColumns): MmmInput {
  if (columns.channels.length === 0) throw new UserError('--channels: name at least one spend column');
  const seen = new Set<string>();
  for (const c of [...columns.channels, ...(columns.controls ?? [])]) {
    if (seen.has(c)) throw new UserError(`--channels/--controls: column "${c}" is named twice`);
    seen.add(c);
  }
  if (seen.has(columns.outcome)) throw new UserError(`--outcome: column "${columns.outcome}" is also a channel or control`);
  const days = dateDays(frame, columns.date);
  const outcome = numbers(frame, columns.outcome, '--outcome', false);
  const spend = columns.channels.map((c) => numbers(frame, c, '--channels', true));
  columns.channels.forEach((c, k) => {
    if (spend[k].every((v) => v === 0)) throw new UserError(`--channels: column "${c}" has no spend in any week; leave it out`);
  });
  const controls = columns.controls ?? [];
  const controlValues = controls.map((c) => numbers(frame, c, '--controls', false));
  return { days, outcome, channels: [...columns.channels], spend, controls: [...controls], controlValues };
}
