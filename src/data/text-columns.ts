/**
 * Turning one column of text cells (as parsed from CSV) into a typed Frame column: type inference, forced types,
 * level order, and missing-value bookkeeping.
 *
 * Inference: numeric when every non-missing cell is a plain decimal number (optional sign, digits, optional
 * fraction, optional exponent) with a finite value; else boolean when every non-missing cell is true/false in any
 * case; else categorical, with levels sorted as plain strings (UTF-16 code units, as `<` does, not locale order).
 * A column forced to boolean also accepts 0/1. Missing cells are empty (or only spaces) or exactly `NA`: numeric
 * NaN, boolean 0, categorical MISSING_CODE, and the row is recorded in the frame's `missing` map.
 */
import { UserError } from '../errors.js';
import type { Column } from './frame.js';
import { MISSING_CODE, booleanColumn, categoricalColumn, numericColumn } from './frame-build.js';

export type ColumnType = 'numeric' | 'categorical' | 'boolean';

export interface TextColumnInput {
  readonly name: string;
  /** Parsed records (data rows only); this column's cell is `rows[r][index]`. */
  readonly rows: readonly (readonly string[])[];
  readonly index: number;
  /** Forced type; inferred when absent (categorical when `levels` is given). */
  readonly type?: ColumnType;
  /** Level order for a categorical column; a value outside it is an error. */
  readonly levels?: readonly string[];
  /** Location of data row r for messages, e.g. "data.csv, line 17". */
  readonly where: (row: number) => string;
}

export interface TextColumn {
  readonly column: Column;
  /** Rows whose cell was missing; null when none. */
  readonly missing: Uint32Array | null;
}

export function isMissingCell(cell: string): boolean {
  if (cell.length === 0) return true;
  const first = cell.charCodeAt(0);
  if (first > 32) return cell === 'NA'; // the common case: no leading space, so no trim()
  return cell.trim() === '';
}

/**
 * The value of a plain decimal number (optional sign, digits with an optional fraction, optional exponent; spaces
 * around allowed), or NaN for anything else: hex, Infinity, words, overflow. Number() parses; a scan of the
 * characters keeps out the forms Number() accepts beyond plain decimals (0x…, 0b…, 0o…, Infinity, blank).
 */
export function parseDecimal(cell: string): number {
  let digits = 0;
  for (let i = 0; i < cell.length; i++) {
    const c = cell.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c !== 46 && c !== 101 && c !== 69 && c !== 43 && c !== 45 && c !== 32 && c !== 9) return NaN; // . e E + - space tab
  }
  if (digits === 0) return NaN;
  const v = Number(cell);
  return Number.isFinite(v) ? v : NaN;
}

/** 1 for true, 0 for false (any case), -1 for anything else. */
export function parseBooleanWord(cell: string): number {
  const t = cell.trim().toLowerCase();
  return t === 'true' ? 1 : t === 'false' ? 0 : -1;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function missingRows(input: TextColumnInput): Uint32Array | null {
  const rows: number[] = [];
  for (let r = 0; r < input.rows.length; r++) if (isMissingCell(input.rows[r][input.index])) rows.push(r);
  return rows.length > 0 ? Uint32Array.from(rows) : null;
}

function cellError(input: TextColumnInput, row: number, what: string): UserError {
  const cell = input.rows[row][input.index];
  return new UserError(`${input.where(row)}, column "${input.name}": ${JSON.stringify(cell)} ${what}`);
}

interface NumericParse {
  readonly values: Float64Array;
  /** First row whose cell is neither missing nor a number; -1 when there is none. */
  readonly badRow: number;
}

/** Parses the cells as numbers, stopping at the first one that is not a number (missing cells become NaN). */
function parseNumericCells(input: TextColumnInput): NumericParse {
  const values = new Float64Array(input.rows.length);
  for (let r = 0; r < values.length; r++) {
    const cell = input.rows[r][input.index];
    const v = parseDecimal(cell);
    if (Number.isNaN(v) && !isMissingCell(cell)) return { values, badRow: r };
    values[r] = v;
  }
  return { values, badRow: -1 };
}

function allBooleanWords(input: TextColumnInput): boolean {
  for (let r = 0; r < input.rows.length; r++) {
    const cell = input.rows[r][input.index];
    if (parseBooleanWord(cell) < 0 && !isMissingCell(cell)) return false;
  }
  return true;
}

function toBoolean(input: TextColumnInput): Column {
  const values = new Uint8Array(input.rows.length);
  for (let r = 0; r < values.length; r++) {
    const cell = input.rows[r][input.index];
    if (isMissingCell(cell)) continue;
    let v = parseBooleanWord(cell);
    if (v < 0) v = cell.trim() === '1' ? 1 : cell.trim() === '0' ? 0 : -1;
    if (v < 0) throw cellError(input, r, 'is not a boolean (true/false or 1/0); fix the value');
    values[r] = v;
  }
  return booleanColumn(input.name, values);
}

function toCategorical(input: TextColumnInput): Column {
  const n = input.rows.length;
  const codes = new Uint32Array(n);
  const index = new Map<string, number>();
  if (input.levels !== undefined) {
    input.levels.forEach((level, k) => {
      if (index.has(level)) throw new UserError(`levels for column "${input.name}" list "${level}" twice`);
      index.set(level, k);
    });
  }
  const given = input.levels !== undefined;
  for (let r = 0; r < n; r++) {
    const cell = input.rows[r][input.index];
    if (isMissingCell(cell)) {
      codes[r] = MISSING_CODE;
      continue;
    }
    let code = index.get(cell);
    if (code === undefined) {
      if (given) {
        const allowed = (input.levels ?? []).map((l) => JSON.stringify(l)).join(', ');
        throw cellError(input, r, `is not one of the given levels (${allowed}); add it to the levels or fix the value`);
      }
      code = index.size;
      index.set(cell, code);
    }
    codes[r] = code;
  }
  if (given) return categoricalColumn(input.name, codes, input.levels ?? []);
  // codes so far are in order of first appearance: renumber them in sorted level order
  const firstSeen = [...index.keys()];
  const levels = [...firstSeen].sort(compareStrings);
  const rank = new Map(levels.map((level, k) => [level, k]));
  const remap = Uint32Array.from(firstSeen, (level) => rank.get(level) ?? 0);
  for (let r = 0; r < n; r++) if (codes[r] !== MISSING_CODE) codes[r] = remap[codes[r]];
  return categoricalColumn(input.name, codes, levels);
}

/** The typed column for one column of text cells. */
export function columnFromText(input: TextColumnInput): TextColumn {
  if (input.levels !== undefined && input.type !== undefined && input.type !== 'categorical') {
    throw new UserError(
      `levels were given for column "${input.name}", which is forced to be ${input.type}; levels apply only to categorical columns`,
    );
  }
  let column: Column;
  const type = input.type ?? (input.levels !== undefined ? 'categorical' : undefined);
  if (type === 'categorical') column = toCategorical(input);
  else if (type === 'boolean') column = toBoolean(input);
  else {
    const parsed = parseNumericCells(input);
    if (parsed.badRow < 0) column = numericColumn(input.name, parsed.values);
    else if (type === 'numeric') {
      throw cellError(input, parsed.badRow, "is not a number; fix the value, or leave the column's type to be inferred");
    } else column = allBooleanWords(input) ? toBoolean(input) : toCategorical(input);
  }
  return { column, missing: missingRows(input) };
}
