/** Validated JSON rows → a Frame of typed columns (numbers as Float64Array, names as categorical codes). */
import type { Column, Frame } from '../data/frame.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../data/frame-build.js';
import type { ColumnUse } from '../decision/scoring.js';
import type { ScoreRow } from './schema.js';

export function rowsToFrame(rows: readonly ScoreRow[], columns: ReadonlyMap<string, ColumnUse>, source: string): Frame {
  const n = rows.length;
  const out: Column[] = [];
  for (const [name, use] of columns) {
    if (use.kind === 'numeric') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = rows[i][name] as number;
      out.push(numericColumn(name, values));
    } else {
      const levels: string[] = [];
      const index = new Map<string, number>();
      const codes = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
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
