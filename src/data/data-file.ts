/**
 * A data file of any format nutmeg reads, chosen by the file's first and last bytes (data-format.ts): Parquet or
 * Arrow IPC (columnar.ts), else CSV (csv.ts, which also handles gzip and refuses other binary formats).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readCsv, type ReadCsvOptions } from './csv.js';
import { arrowFileFrame, parquetFileFrame, type ColumnarFormat } from './columnar.js';
import { columnarFormatOf, refuseTruncatedColumnar } from './data-format.js';
import type { Frame } from './frame.js';
import { UserError } from '../errors.js';

/** The file's columnar format from its first 8 and last 4 bytes, or null (CSV); a columnar file cut short is an error. */
function sniff(path: string): ColumnarFormat | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // readCsv says why in its words
  }
  let head: Buffer;
  let tail: Buffer;
  try {
    const size = fstatSync(fd).size;
    if (size < 8) return null;
    head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    tail = Buffer.alloc(4);
    readSync(fd, tail, 0, 4, size - 4);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
  refuseTruncatedColumnar(path, head, tail);
  return columnarFormatOf(head, tail, path);
}

/** The format `path` holds, as read by readDataFile: 'parquet', 'arrow' or 'csv'. */
export function dataFileFormat(path: string): ColumnarFormat | 'csv' {
  return sniff(path) ?? 'csv';
}

/**
 * A separator or decimal mark (--sep, --decimal) given for a Parquet or Arrow IPC file: a mistake (they say how a CSV
 * file is written, and would be ignored), refused in one line naming the flags and the file.
 */
export function refuseCsvDialect(path: string, format: ColumnarFormat, options: Pick<ReadCsvOptions, 'sep' | 'decimal'>): void {
  const flags = [...(options.sep !== undefined ? ['--sep'] : []), ...(options.decimal !== undefined ? ['--decimal'] : [])];
  if (flags.length === 0) return;
  const kind = format === 'parquet' ? 'a Parquet' : 'an Arrow IPC';
  throw new UserError(
    `${flags.join(' and ')} ${flags.length > 1 ? 'say' : 'says'} how a CSV file is written, but ${path} is ${kind} file ` +
      `(its columns and types come from its schema); drop ${flags.length > 1 ? 'them' : 'it'}`,
  );
}

/** Reads a CSV, Parquet or Arrow IPC file into a Frame; column types come from the schema for the columnar formats. */
export function readDataFile(path: string, options: ReadCsvOptions = {}): Frame {
  const format = sniff(path);
  if (format === null) return readCsv(path, options);
  refuseCsvDialect(path, format, options);
  if (format === 'parquet') return parquetFileFrame(path, options);
  return arrowFileFrame(path, options);
}
