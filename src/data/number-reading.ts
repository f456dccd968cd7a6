/**
 * How the numeric cells of a CSV column are read: with a decimal point (number-cells.ts, the default) or with a
 * decimal comma (csv-dialect.ts: `0,5` is one half). Type inference (text-columns.ts) asks the reading in use.
 *
 * With a decimal comma a cell is a plain decimal when it has no point and, its one comma read as the point, is a plain
 * decimal (`0,5`, `-1,25e3`, `12`). A cell with a point that would be a number with either mark (`0.5`, `1.234`,
 * `1.234,5`) is a number nutmeg refuses, whose reason names --decimal and --sep: a point there is a decimal point
 * written by another program or a thousands separator, and nutmeg guesses neither.
 */
import type { CsvDialect } from './csv-dialect.js';
import { decimalReason } from './csv-dialect.js';
import { notANumberReason, numberCell, parseDecimal, type NumberCell } from './number-cells.js';

export interface NumberReading {
  /** The value of a plain decimal cell, NaN for any other. */
  readonly parse: (cell: string) => number;
  /** The class of a non-missing cell (number-cells.ts). */
  readonly cell: (cell: string) => NumberCell;
  /** Why a non-missing cell that `parse` refuses is not read as a number. */
  readonly reason: (cell: string) => string;
}

/** Decimal points: number-cells.ts as it is. */
export const POINT_DECIMALS: NumberReading = { parse: parseDecimal, cell: numberCell, reason: notANumberReason };

function parseCommaDecimal(cell: string): number {
  if (cell.includes('.')) return NaN;
  const at = cell.indexOf(',');
  if (at < 0) return parseDecimal(cell);
  if (cell.indexOf(',', at + 1) >= 0) return NaN;
  return parseDecimal(`${cell.slice(0, at)}.${cell.slice(at + 1)}`);
}

/** A cell with a point that is a number read with a point, or with the points dropped and a comma as the mark. */
function pointedNumber(cell: string): boolean {
  if (!cell.includes('.')) return false;
  return !Number.isNaN(parseDecimal(cell)) || !Number.isNaN(parseCommaDecimal(cell.replaceAll('.', '')));
}

/** Decimal commas, for a file read with `dialect` (its reasons say how the mark was chosen). */
export function commaDecimals(dialect: CsvDialect): NumberReading {
  const why =
    `has a point, but the file is read with decimal commas (${decimalReason(dialect)}); ` +
    'give --decimal . if its numbers are written with points, else remove the thousands separators';
  return {
    parse: parseCommaDecimal,
    cell: (cell) => (!Number.isNaN(parseCommaDecimal(cell)) ? 'decimal' : pointedNumber(cell) ? 'refused' : numberCell(cell) === 'text' ? 'text' : 'refused'),
    reason: (cell) => (pointedNumber(cell) ? why : /,.*,/.test(cell) ? 'is not a number: it has more than one comma' : notANumberReason(cell)),
  };
}

/** The reading of a file read with `dialect`. */
export function numberReading(dialect: CsvDialect): NumberReading {
  return dialect.decimal === ',' ? commaDecimals(dialect) : POINT_DECIMALS;
}
