/**
 * CSV text (comma-separated, first line = header, RFC 4180 quoting; parsed by csv-parse) to a Frame of typed columns,
 * with no file access: readCsv (csv.ts) gives it a file's text in Node, the browser build a dropped file's or a
 * string's. Type inference and missing values: see text-columns.ts. Every problem is a UserError naming the source
 * (`path`: a file path, or a file or data set name in a page) and the line (header = line 1); nothing is silently
 * dropped except empty lines at the very end.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import type { Column, Frame } from './frame.js';
import { frameFromColumns } from './frame-build.js';
import { columnFromText, type ColumnType } from './text-columns.js';

export interface ReadCsvOptions {
  /** Force a column's type instead of inferring it. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  /** Level order of categorical columns (a value outside the list is an error). */
  readonly levels?: Readonly<Record<string, readonly string[]>>;
  /**
   * Who asked for a column's type in `types`, for messages (e.g. `--factor`): a column the file lacks is then
   * reported as "--factor "c": no such column" rather than as an expected column.
   */
  readonly typeOrigin?: Readonly<Record<string, string>>;
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

function parseRecords(path: string, text: string, firstLine: number): Parsed {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true });
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
  let line = firstLine + breaksInside(header);
  for (let r = 0; r < rows.length; r++) {
    lines[r] = line;
    line += 1 + breaksInside(rows[r]);
  }
  return { header, rows, lines };
}

export function checkHeader(path: string, header: readonly string[]): void {
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

export function checkOptionColumns(path: string, header: readonly string[], options: ReadCsvOptions): void {
  const names = new Set(header);
  for (const [name, origin] of Object.entries(options.typeOrigin ?? {})) {
    if (!names.has(name)) {
      throw new UserError(`${origin} ${JSON.stringify(name)}: ${path} has no such column; the columns are: ${header.join(', ')}`);
    }
  }
  const wanted = [...Object.keys(options.types ?? {}), ...Object.keys(options.levels ?? {})];
  const absent = [...new Set(wanted.filter((name) => !names.has(name)))];
  if (absent.length > 0) {
    const list = absent.map((n) => `"${n}"`).join(', ');
    throw new UserError(`${path}: expected column${absent.length > 1 ? 's' : ''} ${list} not found; the columns are: ${header.join(', ')}`);
  }
}

/**
 * The Frame of CSV `text`, read from `path` (a file path or a name, for messages); see the module comment.
 * `firstLine`: the file line of the first data row after a one-line header (2; for a block of a file read in blocks,
 * whose text is the header followed by the block's lines, 2 plus the line breaks of the data before the block).
 */
export function frameFromCsvText(path: string, text: string, options: ReadCsvOptions = {}, firstLine = 2): Frame {
  const parsed = parseRecords(path, text, firstLine);
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
      lineOf: (row) => parsed.lines[row],
    });
    columns.push(result.column);
    if (result.missing !== null) missing.set(name, result.missing);
  });
  return frameFromColumns(columns, path, missing, parsed.lines);
}
