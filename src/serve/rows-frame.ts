/**
 * Validated JSON rows → a Frame of typed columns (numbers as Float64Array, names as categorical codes); `pause` is
 * awaited between blocks of rows, so that 10,000 rows do not hold the event loop in one piece.
 */
import type { Column, Frame } from '../data/frame.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../data/frame-build.js';
import type { ColumnUse } from '../decision/scoring-columns.js';
import type { ScoreRow } from './schema.js';

/** Rows per block between pauses (one column). */
const ROWS_PER_BLOCK = 1000;

export async function rowsToFrame(
  rows: readonly ScoreRow[],
  columns: ReadonlyMap<string, ColumnUse>,
  source: string,
  pause: () => Promise<void> = async () => {},
): Promise<Frame> {
  const n = rows.length;
  const out: Column[] = [];
  for (const [name, use] of columns) {
    if (use.kind === 'numeric') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        if (i % ROWS_PER_BLOCK === 0) await pause();
        values[i] = rows[i][name] as number;
      }
      out.push(numericColumn(name, values));
    } else {
      const levels: string[] = [];
      const index = new Map<string, number>();
      const codes = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        if (i % ROWS_PER_BLOCK === 0) await pause();
        const level = String(rows[i][name]);
        let code = index.get(level);
        if (code === undefined) {
          code = levels.length;
          levels.push(level);
          index.set(level, code);
        }
        codes[i] = code;
      }
      out.push(categoricalColumn(name, codes, levels));
    }
  }
  return frameFromColumns(out, source);
}
