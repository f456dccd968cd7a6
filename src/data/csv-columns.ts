/**
 * The typed columns of a CSV file read by the streaming reader (csv-fast.ts), decided column by column in file order
 * by the full parser's rules (text-columns.ts columnFromText) from what the scan kept: the numbers of a column whose
 * cells all read as numbers, else the column's distinct cells (csv-cells.ts) with their classes, counts and first
 * rows, its level codes and missing rows, and the rows of its first cells that are not numbers. Warnings and errors
 * come in the full parser's order with its words (the message helpers of text-columns.ts).
 *
 * The one case the counts cannot settle — a column with both plain decimals and other cells, where numbers are a
 * minority of the cells, so that the typo rule needs the number of distinct numbers as written — is `needsText`:
 * readCsv then scans the file again with that column's every cell interned (csv-fast.ts textColumns).
 */
import { CELL_BAD, CELL_LEADING_ZERO, CELL_MISSING, CELL_NUMBER, type CellDictionary } from './csv-cells.js';
import type { FastCsvOptions, ScannedColumn, ScannedCsv } from './csv-fast.js';
import { CellMode } from './csv-fast.js';
import type { Column, Frame, LevelCodes } from './frame.js';
import { booleanColumn, categoricalColumn, frameFromColumns, levelCodesType } from './frame-build.js';
import { BLOCK_ROWS } from './number-blocks.js';
import type { NumberReading } from './number-reading.js';
import {
  cellErrorAt,
  checkLevelsType,
  leadingZeroWarning,
  levelTwiceError,
  notALevel,
  notNumbersWhat,
  numbersAreMajority,
  NOT_A_BOOLEAN,
  sortedLevels,
  type ColumnType,
} from './text-columns.js';

export interface ColumnOptions extends FastCsvOptions {
  readonly types?: Readonly<Record<string, ColumnType>>;
  readonly warn?: (message: string) => void;
}

/** The non-missing cells of a column and those that count as numbers (meantNumeric's cells). */
function cellCounts(column: ScannedColumn): { cells: number; numberCells: number } {
  const d = column.dictionary;
  let cells = column.decimals;
  let numberCells = column.decimals;
  for (let code = 0; code < d.size; code++) {
    const flags = d.flags[code];
    if ((flags & CELL_MISSING) !== 0) continue;
    cells += d.counts[code];
    if ((flags & CELL_NUMBER) !== 0) numberCells += d.counts[code];
  }
  return { cells, numberCells };
}

/**
 * Whether an inferred column with cells that are not numbers is still meant to hold numbers (text-columns.ts
 * meantNumeric); null when the counts cannot tell (see the module comment).
 */
function meantNumeric(column: ScannedColumn): boolean | null {
  const { cells, numberCells } = cellCounts(column);
  if (2 * numberCells >= cells) return true;
  if (column.decimals > 0) return null;
  const d = column.dictionary;
  let values = 0;
  let numberValues = 0;
  for (let code = 0; code < d.size; code++) {
    const flags = d.flags[code];
    if ((flags & CELL_MISSING) !== 0) continue;
    values++;
    if ((flags & CELL_NUMBER) !== 0) numberValues++;
  }
  return numbersAreMajority(numberValues, values, numberCells, cells);
}

/** The names of the columns that must be read again with every cell interned (see the module comment). */
export function needsText(scan: ScannedCsv, options: ColumnOptions): Set<string> {
  const out = new Set<string>();
  for (const column of scan.columns) {
    if (column === null || column.mode !== CellMode.Auto || column.badCount === 0 || column.decimals === 0) continue;
    if (options.types?.[column.name] === undefined && meantNumeric(column) === null) out.add(column.name);
  }
  return out;
}

/** The first row (and its code) among the codes `pick` chooses, or null. */
function firstRowOf(d: CellDictionary, pick: (code: number) => boolean): { row: number; code: number } | null {
  let best: { row: number; code: number } | null = null;
  for (let code = 0; code < d.size; code++) {
    if (pick(code) && (best === null || d.firstRows[code] < best.row)) best = { row: d.firstRows[code], code };
  }
  return best;
}

/** Calls `each(row, code)` for every row, code NaN for a missing cell, from the column's code blocks. */
function mapCodes<T extends LevelCodes | Uint8Array>(column: ScannedColumn, out: T, value: (code: number) => number, missing: number): T {
  let at = 0;
  for (const block of column.codeBlocks) {
    const rows = Math.min(BLOCK_ROWS, out.length - at);
    if (block === null) out.fill(missing, at, at + rows);
    else {
      const absent = block instanceof Uint8Array ? 0xff : block instanceof Uint16Array ? 0xffff : 0xffffffff;
      for (let i = 0; i < rows; i++) {
        const c = block[i];
        out[at + i] = c === absent ? missing : value(c);
      }
    }
    at += rows;
  }
  return out;
}

function where(path: string, row: number): string {
  return `${path}, line ${row + 2}`;
}

function categorical(path: string, column: ScannedColumn, n: number, given: readonly string[] | undefined): Column {
  const d = column.dictionary;
  const index = new Map<string, number>();
  let levels: string[];
  if (given !== undefined) {
    given.forEach((level, k) => {
      if (index.has(level)) throw levelTwiceError(column.name, level);
      index.set(level, k);
    });
    const outside = firstRowOf(d, (code) => (d.flags[code] & CELL_MISSING) === 0 && !index.has(d.strings[code]));
    if (outside !== null) throw cellErrorAt(where(path, outside.row), column.name, d.strings[outside.code], notALevel(given));
    levels = [...given];
  } else {
    const seen: string[] = [];
    for (let code = 0; code < d.size; code++) if ((d.flags[code] & CELL_MISSING) === 0) seen.push(d.strings[code]);
    levels = sortedLevels(seen);
    levels.forEach((level, k) => index.set(level, k));
  }
  const remap = Int32Array.from(d.strings, (cell) => index.get(cell) ?? -1);
  const type = levelCodesType(levels.length, column.missing.length > 0);
  const codes = new type(n);
  const absent = type === Uint8Array ? 0xff : type === Uint16Array ? 0xffff : 0xffffffff;
  return categoricalColumn(column.name, mapCodes(column, codes, (c) => remap[c], absent), levels);
}

function boolean(path: string, column: ScannedColumn, n: number, forced: boolean): Column {
  const d = column.dictionary;
  const values = forced ? d.booleans : d.words;
  const bad = firstRowOf(d, (code) => (d.flags[code] & CELL_MISSING) === 0 && values[code] < 0);
  if (bad !== null) throw cellErrorAt(where(path, bad.row), column.name, d.strings[bad.code], NOT_A_BOOLEAN);
  return booleanColumn(column.name, mapCodes(column, new Uint8Array(n), (c) => values[c], 0));
}

function notNumbers(path: string, column: ScannedColumn, reading: NumberReading, forced: boolean): Error {
  const d = column.dictionary;
  const first = firstRowOf(d, (code) => (d.flags[code] & CELL_BAD) !== 0);
  if (first === null || first.row !== column.badRows[0]) throw new Error(`csv-columns: column "${column.name}": bad cells out of step`);
  const cell = d.strings[first.code];
  const shown = column.badRows.slice(1).map((row) => row + 2);
  return cellErrorAt(where(path, first.row), column.name, cell, notNumbersWhat(column.name, reading.reason(cell), forced, column.badCount - 1, shown, 'line'));
}

/** The typed column of one scanned column (text-columns.ts columnFromText's rules; see the module comment). */
function typedColumn(path: string, column: ScannedColumn, n: number, options: ColumnOptions, reading: NumberReading): Column {
  const name = column.name;
  const type = options.types?.[name];
  const levels = options.levels?.[name];
  checkLevelsType(name, type, levels);
  const kind = type ?? (levels !== undefined ? 'categorical' : undefined);
  if (kind === 'categorical') return categorical(path, column, n, levels);
  if (kind === 'boolean') return boolean(path, column, n, true);
  if (column.badCount === 0) {
    if (column.mode !== CellMode.Auto) throw new Error(`csv-columns: column "${name}" was read as text`);
    const d = column.dictionary;
    let leadingZero = column.leadingZero;
    for (let code = 0; code < d.size; code++) if ((d.flags[code] & CELL_LEADING_ZERO) !== 0) leadingZero = true;
    if (type === undefined && leadingZero) options.warn?.(`${path}: ${leadingZeroWarning(name)}`);
    return column.numbers();
  }
  if (type === 'numeric') throw notNumbers(path, column, reading, true);
  const meant = meantNumeric(column);
  if (meant === null) throw new Error(`csv-columns: column "${name}" needs every cell interned`);
  if (meant) throw notNumbers(path, column, reading, false);
  const d = column.dictionary;
  let words = true;
  for (let code = 0; code < d.size; code++) if ((d.flags[code] & CELL_MISSING) === 0 && d.words[code] < 0) words = false;
  return words ? boolean(path, column, n, false) : categorical(path, column, n, undefined);
}

/** The Frame of a scanned file, its columns typed in file order (warnings and errors as the full parser gives them). */
export function frameOfScan(path: string, scan: ScannedCsv, options: ColumnOptions, reading: NumberReading): Frame {
  const columns: Column[] = [];
  const missing = new Map<string, Uint32Array>();
  for (const scanned of scan.columns) {
    if (scanned === null) continue;
    columns.push(typedColumn(path, scanned, scan.rows, options, reading));
    if (scanned.missing.length > 0) missing.set(scanned.name, scanned.missing);
  }
  return frameFromColumns(columns, path, missing, scan.lines());
}
