/**
 * Turning one column of text cells (as parsed from CSV) into a typed Frame column: type inference, forced types,
 * level order, and missing-value bookkeeping.
 *
 * Inference: numeric when every non-missing cell is a plain decimal number (optional sign, digits, optional
 * fraction, optional exponent) with a finite value; else boolean when every non-missing cell is true/false in any
 * case; else categorical, with levels sorted as plain strings (UTF-16 code units, as `<` does, not locale order).
 * A column forced to boolean also accepts 0/1. Missing cells are empty (or only spaces) or exactly `NA`: numeric
 * NaN, boolean 0, categorical MISSING_CODE, and the row is recorded in the frame's `missing` map.
 *
 * Types are never guessed from a typo. A column with some cells that are not plain decimals is an error, not a
 * factor, when numbers still make up at least half of its distinct non-missing values or at least half of its
 * non-missing cells; "numbers" here counts the plain decimals and the numbers nutmeg refuses (NaN, Inf, 1e309, 1,5,
 * 0x10, … — see number-cells.ts). So `1.5, 2, x7` and `3, NaN` are errors naming the cell (repair it, or say the
 * column is categorical with --factor), while a column of labels in which numbers are a minority both of the values
 * and of the rows (`A12, B7, C3, 123`; `Urban, Rural, 7`) stays categorical. A false error costs the user one flag;
 * a false factor silently fits another model, hence the rule leans to the error. A column forced numeric (--numeric,
 * or a schema) takes plain decimals only and reports the first other cell the same way. A file read with decimal
 * commas (csv-dialect.ts) reads its cells so (number-reading.ts): `0,5` is a plain decimal there and `0.5` refused.
 */
import { UserError } from '../errors.js';
import type { Column } from './frame.js';
import { MISSING_CODE, booleanColumn, categoricalColumn, compactNumericColumn } from './frame-build.js';
import { POINT_DECIMALS, type NumberReading } from './number-reading.js';

export { parseDecimal } from './number-cells.js';

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
  /** File line of data row r, for listing further bad cells; without it they are listed as data rows (1-based). */
  readonly lineOf?: (row: number) => number;
  /** How numbers are written (number-reading.ts): decimal points unless given. */
  readonly numbers?: NumberReading;
  /** Told a warning about the column, one line without "warning: " (leadingZeroWarning). */
  readonly warn?: (message: string) => void;
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

/** 1 for true, 0 for false (any case), -1 for anything else. */
export function parseBooleanWord(cell: string): number {
  const t = cell.trim().toLowerCase();
  return t === 'true' ? 1 : t === 'false' ? 0 : -1;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Inferred level order: sorted as plain strings (UTF-16 code units), a new array. */
export function sortedLevels(levels: readonly string[]): string[] {
  return [...levels].sort(compareStrings);
}

function missingRows(input: TextColumnInput): Uint32Array | null {
  const rows: number[] = [];
  for (let r = 0; r < input.rows.length; r++) if (isMissingCell(input.rows[r][input.index])) rows.push(r);
  return rows.length > 0 ? Uint32Array.from(rows) : null;
}

function cellError(input: TextColumnInput, row: number, what: string): UserError {
  return cellErrorAt(input.where(row), input.name, input.rows[row][input.index], what);
}

/** The error for one cell: where it is (e.g. "data.csv, line 17"), its column, the cell as written, and what is wrong. */
export function cellErrorAt(where: string, name: string, cell: string, what: string): UserError {
  return new UserError(`${where}, column "${name}": ${JSON.stringify(cell)} ${what}`);
}

/** What is wrong with a cell of a boolean column that is no boolean. */
export const NOT_A_BOOLEAN = 'is not a boolean (true/false or 1/0); fix the value';

/** What is wrong with a cell outside the given levels of a categorical column. */
export function notALevel(levels: readonly string[]): string {
  const allowed = levels.map((l) => JSON.stringify(l)).join(', ');
  return `is not one of the given levels (${allowed}); add it to the levels or fix the value`;
}

/** The error for levels that list one value twice. */
export function levelTwiceError(name: string, level: string): UserError {
  return new UserError(`levels for column "${name}" list "${level}" twice`);
}

/** The value of a cell of a column forced to be boolean: true/false in any case, or 1/0; -1 for anything else. */
export function forcedBooleanValue(cell: string): number {
  const v = parseBooleanWord(cell);
  if (v >= 0) return v;
  const t = cell.trim();
  return t === '1' ? 1 : t === '0' ? 0 : -1;
}

/**
 * meantNumeric's rule from its counts: numbers are at least half of the distinct non-missing values, or of the
 * non-missing cells.
 */
export function numbersAreMajority(numberValues: number, values: number, numberCells: number, cells: number): boolean {
  return 2 * numberValues >= values || 2 * numberCells >= cells;
}

interface NumericParse {
  readonly values: Float64Array;
  /** First row whose cell is neither missing nor a number; -1 when there is none. */
  readonly badRow: number;
}

/** Parses the cells as numbers, stopping at the first one that is not a number (missing cells become NaN). */
function parseNumericCells(input: TextColumnInput): NumericParse {
  const values = new Float64Array(input.rows.length);
  const { parse } = input.numbers ?? POINT_DECIMALS;
  for (let r = 0; r < values.length; r++) {
    const cell = input.rows[r][input.index];
    const v = parse(cell);
    if (Number.isNaN(v) && !isMissingCell(cell)) return { values, badRow: r };
    values[r] = v;
  }
  return { values, badRow: -1 };
}

/**
 * Whether a column that has cells other than plain decimals is still meant to hold numbers: numbers (plain or
 * refused, see number-cells.ts) are at least half of its distinct non-missing values, or of its non-missing cells.
 */
function meantNumeric(input: TextColumnInput): boolean {
  const isNumber = new Map<string, boolean>();
  const numberCell = (input.numbers ?? POINT_DECIMALS).cell;
  let cells = 0;
  let numberCells = 0;
  for (let r = 0; r < input.rows.length; r++) {
    const cell = input.rows[r][input.index];
    if (isMissingCell(cell)) continue;
    cells++;
    let known = isNumber.get(cell);
    if (known === undefined) {
      known = numberCell(cell) !== 'text';
      isNumber.set(cell, known);
    }
    if (known) numberCells++;
  }
  let numberValues = 0;
  for (const known of isNumber.values()) if (known) numberValues++;
  return numbersAreMajority(numberValues, isNumber.size, numberCells, cells);
}

/** How the CLI flag names a column (quoted when it has characters a shell or a list would split on). */
function flagColumn(name: string): string {
  return /^[\w.]+$/.test(name) ? name : JSON.stringify(name);
}

/**
 * The error for a numeric column (forced, or inferred by the majority rule) whose cell at `firstBad` is not a plain
 * decimal: names the cell and why it is refused, the fix, and how many other cells of the column are refused too.
 */
function notNumbersError(input: TextColumnInput, firstBad: number, forced: boolean): UserError {
  const others: number[] = [];
  const { parse, reason } = input.numbers ?? POINT_DECIMALS;
  for (let r = firstBad + 1; r < input.rows.length; r++) {
    const cell = input.rows[r][input.index];
    if (Number.isNaN(parse(cell)) && !isMissingCell(cell)) others.push(r);
  }
  const cell = input.rows[firstBad][input.index];
  const { lineOf } = input;
  const shown = others.slice(0, 3).map((r) => (lineOf === undefined ? r + 1 : lineOf(r)));
  return cellError(input, firstBad, notNumbersWhat(input.name, reason(cell), forced, others.length, shown, lineOf === undefined ? 'row' : 'line'));
}

/**
 * What is wrong with the first cell of a numeric column that is not a plain decimal (`reason`: why the cell is not
 * read as a number), the fix, and how many later cells of the column are not numbers either (`others`; `shown`: the
 * rows or lines of the first three of them, `unit` says which).
 */
export function notNumbersWhat(name: string, reason: string, forced: boolean, others: number, shown: readonly number[], unit: 'row' | 'line'): string {
  const fix = forced
    ? 'the column is read as numbers, so repair the cell (a missing value is an empty cell or NA)'
    : "the column's other values are numbers, so repair the cell (a missing value is an empty cell or NA), " +
      `or pass --factor ${flagColumn(name)} if the column is categorical`;
  let more = '';
  if (others > 0) {
    const list = shown.join(', ') + (others > 3 ? ', …' : '');
    more = `; ${others} more cell${others === 1 ? ' is' : 's are'} not a number (${unit}${others === 1 ? '' : 's'} ${list})`;
  }
  return `${reason}; ${fix}${more}`;
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
    const v = forcedBooleanValue(cell);
    if (v < 0) throw cellError(input, r, NOT_A_BOOLEAN);
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
      if (index.has(level)) throw levelTwiceError(input.name, level);
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
      if (given) throw cellError(input, r, notALevel(input.levels ?? []));
      code = index.size;
      index.set(cell, code);
    }
    codes[r] = code;
  }
  if (given) return categoricalColumn(input.name, codes, input.levels ?? []);
  // codes so far are in order of first appearance: renumber them in sorted level order
  const firstSeen = [...index.keys()];
  const levels = sortedLevels(firstSeen);
  const rank = new Map(levels.map((level, k) => [level, k]));
  const remap = Uint32Array.from(firstSeen, (level) => rank.get(level) ?? 0);
  for (let r = 0; r < n; r++) if (codes[r] !== MISSING_CODE) codes[r] = remap[codes[r]];
  return categoricalColumn(input.name, codes, levels);
}

/** Whether a cell's whole part starts with a 0 followed by a digit (`01`, `-007.5`; not `0`, `0.5`). */
function hasLeadingZero(input: TextColumnInput): boolean {
  for (let r = 0; r < input.rows.length; r++) if (leadingZeroCell(input.rows[r][input.index])) return true;
  return false;
}

/** Whether one cell's whole part starts with a 0 followed by a digit (hasLeadingZero). */
export function leadingZeroCell(cell: string): boolean {
  let at = 0;
  while (at < cell.length && cell.charCodeAt(at) <= 32) at++;
  if (cell.charCodeAt(at) === 45 || cell.charCodeAt(at) === 43) at++;
  return at + 1 < cell.length && cell.charCodeAt(at) === 48 && (cell.charCodeAt(at + 1) - 48) >>> 0 < 10;
}

/**
 * Numbers written with a leading zero are codes (zip codes, ids: `02134`, `007`) more often than measurements; read
 * as numbers, `01` and `1` become one value (one level, as a grouping factor) and the zeros are lost. Inference keeps
 * the rule (a column of plain decimals is numeric, as R's read.csv reads it) and says so in one line.
 */
export function leadingZeroWarning(name: string): string {
  return (
    `column "${name}" has numbers written with a leading zero, as codes are (zip codes, ids); it is read as numbers, ` +
    `so "01" and "1" are one value: pass --factor ${flagColumn(name)} to keep the values as written`
  );
}

/** Levels apply only to a categorical column: an error when they are given for a column forced to another type. */
export function checkLevelsType(name: string, type: ColumnType | undefined, levels: readonly string[] | undefined): void {
  if (levels !== undefined && type !== undefined && type !== 'categorical') {
    throw new UserError(`levels were given for column "${name}", which is forced to be ${type}; levels apply only to categorical columns`);
  }
}

/** The typed column for one column of text cells. */
export function columnFromText(input: TextColumnInput): TextColumn {
  checkLevelsType(input.name, input.type, input.levels);
  let column: Column;
  const type = input.type ?? (input.levels !== undefined ? 'categorical' : undefined);
  if (type === 'categorical') column = toCategorical(input);
  else if (type === 'boolean') column = toBoolean(input);
  else {
    const parsed = parseNumericCells(input);
    if (parsed.badRow < 0) {
      column = compactNumericColumn(input.name, parsed.values);
      if (type === undefined && hasLeadingZero(input)) input.warn?.(leadingZeroWarning(input.name));
    }
    else if (type === 'numeric') throw notNumbersError(input, parsed.badRow, true);
    else if (meantNumeric(input)) throw notNumbersError(input, parsed.badRow, false);
    else column = allBooleanWords(input) ? toBoolean(input) : toCategorical(input);
  }
  return { column, missing: missingRows(input) };
}
