/**
 * Reading a CSV file (comma-separated, first line = header, RFC 4180 quoting; parsed by csv-parse) into a Frame of
 * typed columns. Type inference and missing values: see text-columns.ts. Every problem with the file is a
 * UserError naming the file and the file line (header = line 1); nothing is silently dropped except empty lines
 * at the very end of the file.
 */
import { readFileSync } from 'node:fs';
import { CsvError, parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import type { Column, Frame } from './frame.js';
import { frameFromColumns } from './frame-build.js';
import { columnFromText, type ColumnType } from './text-columns.js';

export type { ColumnType } from './text-columns.js';

export interface ReadCsvOptions {
  /** Force a column's type instead of inferring it. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** Level order of categorical columns (a value outside the list is an error). */
  readonly levels?: Readonly<Record<string, readonly string[]>>;
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: file not found; check the path`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, not a CSV file`);
    throw new UserError(`${path}: cannot read the file (${code ?? String(e)})`);
  }
}

interface Parsed {
  readonly header: string[];
  readonly rows: string[][];
  /** Starting file line of each data row. */
  readonly lines: Uint32Array;
}

/** Number of line breaks inside the fields of a record (quoted fields may span lines). */
function breaksInside(record: readonly string[]): number {
  let count = 0;
  for (const field of record) {
    for (let at = field.indexOf('\n'); at >= 0; at = field.indexOf('\n', at + 1)) count++;
  }
  return count;
}

function parseRecords(path: string, bytes: Buffer): Parsed {
  let records: string[][];
  try {
    records = parse(bytes, { bom: true, relax_column_count: true });
  } catch (e) {
    if (e instanceof CsvError) throw new UserError(`${path}: not valid CSV: ${e.message.split('\n')[0]}`);
    throw e;
  }
  // empty lines at the very end are not data
  while (records.length > 1 && records[records.length - 1].length === 1 && records[records.length - 1][0] === '') {
    records.pop();
  }
  if (records.length === 0 || (records.length === 1 && records[0].length === 1 && records[0][0].trim() === '')) {
    throw new UserError(`${path}: the file is empty; expected a header line with column names, then data rows`);
  }
  const header = records[0];
  if (records.length === 1) throw new UserError(`${path}: has a header but no data rows`);
  const rows = records.slice(1);
  const lines = new Uint32Array(rows.length);
  let line = 2 + breaksInside(header);
  for (let r = 0; r < rows.length; r++) {
    lines[r] = line;
    line += 1 + breaksInside(rows[r]);
  }
  return { header, rows, lines };
}

function checkHeader(path: string, header: readonly string[]): void {
  const seen = new Map<string, number>();
  header.forEach((name, j) => {
    if (name.trim() === '') {
      throw new UserError(
        `${path}: column ${j + 1} of the header has no name; name every column (from R, write.csv(..., row.names = FALSE))`,
      );
    }
    const first = seen.get(name);
    if (first !== undefined) {
      throw new UserError(`${path}: column name "${name}" appears twice in the header (columns ${first + 1} and ${j + 1}); rename one`);
    }
    seen.set(name, j);
  });
}

function checkRowLengths(path: string, parsed: Parsed): void {
  const width = parsed.header.length;
  for (let r = 0; r < parsed.rows.length; r++) {
    const row = parsed.rows[r];
    if (row.length === width) continue;
    const line = parsed.lines[r];
    if (row.length === 1 && row[0] === '') {
      throw new UserError(`${path}: line ${line} is empty, the header has ${width} fields; remove the empty line`);
    }
    throw new UserError(
      `${path}: line ${line} has ${row.length} field${row.length === 1 ? '' : 's'}, the header has ${width}; ` +
        'check for an unquoted comma or a missing separator',
    );
  }
}

function checkOptionColumns(path: string, header: readonly string[], options: ReadCsvOptions): void {
  const names = new Set(header);
  const wanted = [...Object.keys(options.types ?? {}), ...Object.keys(options.levels ?? {})];
  const absent = [...new Set(wanted.filter((name) => !names.has(name)))];
  if (absent.length > 0) {
    const list = absent.map((n) => `"${n}"`).join(', ');
    throw new UserError(`${path}: expected column${absent.length > 1 ? 's' : ''} ${list} not found; the columns are: ${header.join(', ')}`);
  }
}

/** Reads a CSV file into a Frame (see the module comment for types, missing values and errors). */
export function readCsv(path: string, options: ReadCsvOptions = {}): Frame {
  const parsed = parseRecords(path, readBytes(path));
  checkHeader(path, parsed.header);
  checkRowLengths(path, parsed);
  checkOptionColumns(path, parsed.header, options);
  const where = (row: number): string => `${path}, line ${parsed.lines[row]}`;
  const columns: Column[] = [];
  const missing = new Map<string, Uint32Array>();
  parsed.header.forEach((name, index) => {
    const result = columnFromText({
      name,
      rows: parsed.rows,
      index,
      type: options.types?.[name],
      levels: options.levels?.[name],
      where,
    });
    columns.push(result.column);
    if (result.missing !== null) missing.set(name, result.missing);
  });
  return frameFromColumns(columns, path, missing, parsed.lines);
}
