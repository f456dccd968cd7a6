/**
 * Writing a Frame as CSV (header, then one line per row), readable back by readCsv into the same columns: numbers
 * in JavaScript's shortest round-trip form, booleans as true/false, categories by level name (quoted when they hold
 * a comma, quote, line break or edge spaces), missing values as empty cells. Reading infers types again: a
 * categorical column whose levels all look like numbers reads back as numeric unless its type is forced, and a level
 * literally named "NA" or "" reads back as missing.
 */
import { writeFileSync } from 'node:fs';
import type { Column, Frame } from './frame.js';
import { quote } from './csv-quote.js';

export { quote };

function cell(column: Column, row: number): string {
  switch (column.kind) {
    case 'numeric': {
      const v = column.values[row];
      return Number.isNaN(v) ? '' : String(v);
    }
    case 'boolean':
      return column.values[row] === 1 ? 'true' : 'false';
    case 'categorical': {
      const code = column.codes[row];
      return code >= column.levels.length ? '' : quote(column.levels[code]); // (a missing cell's code: frame.ts LevelCodes)
    }
  }
}

export function frameToCsv(frame: Frame): string {
  const columns = [...frame.columns.values()];
  const missing = columns.map((c) => new Set(frame.missing.get(c.name) ?? []));
  const lines = [columns.map((c) => quote(c.name)).join(',')];
  for (let r = 0; r < frame.nRows; r++) {
    lines.push(columns.map((c, j) => (missing[j].has(r) ? '' : cell(c, r))).join(','));
  }
  return lines.join('\n') + '\n';
}

export function writeCsv(frame: Frame, path: string): void {
  writeFileSync(path, frameToCsv(frame));
}
