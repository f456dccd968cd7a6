/**
 * Any column seen as a factor (codes + level names): categorical columns as they are, numeric columns by their
 * distinct values (levels sorted numerically, named by the number), boolean columns as levels "false", "true".
 */
import type { Column, LevelCodes } from '../data/frame.js';

export interface FactorView {
  /** Row i's 0-based level (a categorical column's own codes: a code ≥ levels.length is a missing cell). */
  readonly codes: LevelCodes;
  readonly levels: readonly string[];
}

export function asFactor(column: Column): FactorView {
  if (column.kind === 'categorical') return { codes: column.codes, levels: column.levels };
  if (column.kind === 'boolean') return { codes: column.values, levels: ['false', 'true'] };
  const values = column.values;
  const distinct = Float64Array.from(new Set(values)).sort();
  const index = new Map<number, number>();
  distinct.forEach((v, k) => index.set(v, k));
  const codes = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i]) as number;
  return { codes, levels: Array.from(distinct, numberLevel) };
}

/**
 * A number's level name: as JavaScript writes it, with at most 15 significant digits as R's as.character (so 0.1 + 0.2
 * is "0.3"). R writes some round numbers in scientific notation (100000 → "1e+05"); nutmeg keeps "100000".
 */
export function numberLevel(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}
