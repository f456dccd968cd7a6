/**
 * Reading a CSV file into a Frame of typed columns. Encodings, gzip and binary files: see file-text.ts; the CSV rules
 * and messages: csv-text.ts (shared with the browser build). A comma-separated file with decimal points (csv-dialect.ts)
 * of plain decimal numbers only takes a byte-level fast path (csv-fast.ts) that gives the same frame; anything else,
 * and every other separator or decimal mark, goes through csv-parse.
 */
import { chooseDialect, separatorOfName } from './csv-dialect.js';
import { scanNumericCsv } from './csv-fast.js';
import { checkHeader, checkOptionColumns, frameFromCsvText, type ReadCsvOptions } from './csv-text.js';
import { readTextFile } from './file-text.js';
import { leadingZeroWarning } from './text-columns.js';
import type { Frame } from './frame.js';

export type { ColumnType } from './text-columns.js';
export { checkOptionColumns, type ReadCsvOptions } from './csv-text.js';

/** Reads a CSV file into a Frame (see the module comment for types, missing values and errors). */
export function readCsv(path: string, options: ReadCsvOptions = {}): Frame {
  // the fast path reads commas and points only: another separator or mark, given or chosen, goes to csv-parse
  const named = options.sep ?? separatorOfName(path);
  if ((named !== undefined && named !== ',') || options.decimal === ',') return readCsvFull(path, options);
  const fast = scanNumericCsv(path, options);
  if (fast === null) return readCsvFull(path, options);
  // (the fast header is the header line cut at commas, and has no quotes)
  if (chooseDialect(path, fast.header.join(','), options).sep !== ',') return readCsvFull(path, options);
  checkHeader(path, fast.header);
  checkOptionColumns(path, fast.header, options);
  // as the full path warns (text-columns.ts): a column whose type was inferred, and that the command reads
  const selected = options.select?.(fast.header) ?? null;
  for (const name of fast.leadingZero) {
    if (options.types?.[name] === undefined && (selected === null || selected.includes(name))) options.warn?.(`${path}: ${leadingZeroWarning(name)}`);
  }
  return fast.frame(path);
}

/** readCsv without the fast path: every file through csv-parse (the benchmark compares the two). */
export function readCsvFull(path: string, options: ReadCsvOptions = {}): Frame {
  return frameFromCsvText(path, readTextFile(path), options);
}
