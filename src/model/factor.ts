/**
 * Any column seen as a factor (codes + level names): categorical columns as they are, numeric columns by their
 * distinct values (levels sorted numerically, named by the number), boolean columns as levels "false", "true".
 */
import type { Column } from '../data/frame.js';

export interface FactorView {
  readonly codes: Uint32Array;
  readonly levels: readonly string[];
}

export function asFactor(column: Column): FactorView {
  if (column.kind === 'categorical') return { codes: column.codes, levels: column.levels };
  if (column.kind === 'boolean') return { codes: Uint32Array.from(column.values), levels: ['false', 'true'] };
  const values = column.values;
  const distinct = Float64Array.from(new Set(values)).sort();
  const index = new Map<number, number>();
  distinct.forEach((v, k) => index.set(v, k));
  const codes = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i]) as number;
  return { codes, levels: Array.from(distinct, (v) => String(v)) };
}
