/**
 * Any column seen as a factor (codes + level names): categorical columns as they are, numeric columns by their
 * distinct values (levels sorted numerically, named by the number), boolean columns as levels "false", "true".
 */
import { UserError } from '../errors.js';
import type { Column, Frame, LevelCodes } from '../data/frame.js';
import { rowLocation } from '../data/frame-build.js';

export interface FactorView {
  /** Row i's 0-based level (a categorical column's own codes: a code ≥ levels.length is a missing cell). */
  readonly codes: LevelCodes;
  readonly levels: readonly string[];
}

/** 2^53: from here on, consecutive whole numbers share one float64, so distinct integer codes can merge. */
const EXACT_LIMIT = 2 ** 53;

/**
 * Column `column` of `frame` as a factor. A numeric column's levels are its distinct values named as numberLevel names
 * them; two values with one name (0.3 and 0.1 + 0.2) are one level, as in R's factor(). A whole number of magnitude
 * 2^53 or more is refused: a 64-bit ID read as a number has already lost its last digits there (9007199254740993 and
 * …992 are one float64), so distinct IDs would silently become one level; the message says to read it as text.
 */
export function asFactor(column: Column, frame?: Frame): FactorView {
  if (column.kind === 'categorical') return { codes: column.codes, levels: column.levels };
  if (column.kind === 'boolean') return { codes: column.values, levels: ['false', 'true'] };
  const values = column.values;
  const distinct = Float64Array.from(new Set(values)).sort();
  const big = distinct[0] <= -EXACT_LIMIT ? distinct[0] : distinct[distinct.length - 1] >= EXACT_LIMIT ? distinct[distinct.length - 1] : NaN;
  if (!Number.isNaN(big)) throw inexactLevels(column.name, values, frame);
  const index = new Map<number, number>();
  const levels: string[] = [];
  let last = '';
  for (const v of distinct) {
    const name = numberLevel(v);
    if (levels.length === 0 || name !== last) levels.push((last = name));
    index.set(v, levels.length - 1);
  }
  const codes = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i]) as number;
  return { codes, levels };
}

function inexactLevels(name: string, values: ArrayLike<number>, frame: Frame | undefined): UserError {
  let row = 0;
  while (Math.abs(values[row]) < EXACT_LIMIT) row++;
  const value = values[row];
  const where = frame === undefined ? `row ${row + 1}` : rowLocation(frame, row);
  return new UserError(
    `${where}, column "${name}": ${String(value)} is a whole number beyond 2^53, where distinct numbers share one ` +
      `value (an ID's last digits are lost), so levels would merge; read the column as text: --factor ${name}`,
  );
}

/**
 * A number's level name: as JavaScript writes it, with at most 15 significant digits as R's as.character (so 0.1 + 0.2
 * is "0.3"). R writes some round numbers in scientific notation (100000 → "1e+05"); nutmeg keeps "100000".
 */
export function numberLevel(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}
