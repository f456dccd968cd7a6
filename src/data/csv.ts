/**
 * Reading a CSV file into a Frame of typed columns. Encodings, gzip and binary files: see file-text.ts; the CSV rules
 * and messages: csv-text.ts (shared with the browser build). A file of plain decimal numbers only, with any separator
 * and decimal mark (csv-dialect.ts), takes a byte-level fast path (csv-fast.ts) that gives the same frame and log
 * line; anything else goes through csv-parse.
 */
import { dialectLine } from './csv-dialect.js';
import { scanNumericCsv } from './csv-fast.js';
import { checkHeader, checkOptionColumns, frameFromCsvText, type ReadCsvOptions } from './csv-text.js';
import { readTextFile } from './file-text.js';
import { leadingZeroWarning } from './text-columns.js';
import type { Frame } from './frame.js';

export type { ColumnType } from './text-columns.js';
export { checkOptionColumns, type ReadCsvOptions } from './csv-text.js';

/** Reads a CSV file into a Frame (see the module comment for types, missing values and errors). */
export function readCsv(path: string, options: ReadCsvOptions = {}): Frame {
  const fast = scanNumericCsv(path, options);
  if (fast === null) return readCsvFull(path, options);
  // (what the full parser logs and checks, in its order)
  const line = dialectLine(path, fast.dialect);
  if (line !== null) options.log?.(line);
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
