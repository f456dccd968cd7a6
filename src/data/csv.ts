/**
 * Reading a CSV file into a Frame of typed columns. Encodings, gzip and binary files: see file-text.ts; the CSV rules
 * and messages: csv-text.ts (shared with the browser build). A file is read streaming (csv-fast.ts: numbers and text
 * cells, quoted fields, missing cells, any separator and decimal mark; its columns typed by csv-columns.ts), which
 * gives the same frame, log line, warnings and errors as the full parser; a file the streaming reader gives up on
 * (see csv-fast.ts) goes through csv-parse.
 */
import { dialectLine } from './csv-dialect.js';
import { frameOfScan, needsText } from './csv-columns.js';
import { scanCsv } from './csv-fast.js';
import { csvStopMessage, type CsvStop } from './csv-stop.js';
import { checkHeader, checkOptionColumns, frameFromCsvText, type ReadCsvOptions } from './csv-text.js';
import { readTextFile } from './file-text.js';
import type { Frame } from './frame.js';
import { numberReading } from './number-reading.js';
import { TextTooLargeError } from './text-bytes.js';
import { UserError } from '../errors.js';

export type { ColumnType } from './text-columns.js';
export { checkOptionColumns, type ReadCsvOptions } from './csv-text.js';

/** Reads a CSV file into a Frame (see the module comment for types, missing values and errors). */
export function readCsv(path: string, options: ReadCsvOptions = {}): Frame {
  let stop: CsvStop | null = null;
  let scan = scanCsv(path, { ...options, onGiveUp: (s) => (stop = s) });
  if (scan === null) return readCsvFull(path, options, stop);
  // (what the full parser logs and checks, in its order)
  const line = dialectLine(path, scan.dialect);
  if (line !== null) options.log?.(line);
  checkHeader(path, scan.header);
  checkOptionColumns(path, scan.header, options);
  const again = needsText(scan, options);
  if (again.size > 0) {
    scan = scanCsv(path, options, undefined, again);
    if (scan === null) throw new Error(`${path}: the second scan gave up where the first did not`);
  }
  return frameOfScan(path, scan, options, numberReading(scan.dialect));
}

/**
 * readCsv without the streaming reader: every file through csv-parse (the tests and benchmark compare the two).
 * `stop`: where the streaming reader gave up, which words the error when the file is more text than one string holds.
 */
export function readCsvFull(path: string, options: ReadCsvOptions = {}, stop: CsvStop | null = null): Frame {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (e) {
    if (e instanceof TextTooLargeError && stop !== null) throw new UserError(csvStopMessage(path, stop, e.bytes));
    throw e;
  }
  return frameFromCsvText(path, text, options);
}
