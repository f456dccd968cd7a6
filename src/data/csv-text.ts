/**
 * CSV text (first line = header, RFC 4180 quoting; parsed by csv-parse) to a Frame of typed columns, with no file
 * access: readCsv (csv.ts) gives it a file's text in Node, the browser build a dropped file's or a string's. The
 * separator (comma, semicolon, tab, pipe) and decimal mark are given or chosen by the rules of csv-dialect.ts. Type
 * inference and missing values: see text-columns.ts. Every problem is a UserError naming the source (`path`: a file
 * path, or a file or data set name in a page) and the line (header = line 1); nothing is silently dropped: empty
 * lines at the very end are not data, and columns with neither a name nor any value (the trailing empty columns of
 * a spreadsheet's export) are left out with one warning (`options.warn`) naming them.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { UserError } from '../errors.js';
import { chooseDialect, dialectLine, separatorWord, type CsvDialect, type CsvSeparator, type DecimalMark } from './csv-dialect.js';
import type { Column, Frame } from './frame.js';
import { frameFromColumns } from './frame-build.js';
import { numberReading } from './number-reading.js';
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
  /** The field separator (`--sep`); chosen from the name and header line when absent (csv-dialect.ts). */
  readonly sep?: CsvSeparator;
  /** The decimal mark (`--decimal`); the comma for semicolon-separated files, the point otherwise, when absent. */
  readonly decimal?: DecimalMark;
  /** Told, in one line, the separator and decimal mark chosen when they are not comma and point. */
  readonly log?: (line: string) => void;
  /** Told each warning, one line without "warning: " (columns with neither a name nor values, left out). */
  readonly warn?: (message: string) => void;
  /**
   * Parquet and Arrow IPC: which of the file's columns to read, chosen from their names (file order) once the schema
   * is known — a subset in file order, or null for every column (load.ts columnsToRead: a command reads only the
   * columns its formula needs). A CSV file is parsed whole, but only the chosen columns are typed and kept, so a
   * column the command does not use cannot stop it (a text cell in an unused numeric column).
   */
  readonly select?: (names: readonly string[]) => readonly string[] | null;
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

function parseRecords(path: string, text: string, firstLine: number, delimiter: CsvSeparator): Parsed {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, delimiter });
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

/**
 * The columns (0-based) with neither a name nor any value: a blank header cell and only blank cells below it (a
 * short row has none there). None when every column is so (the file has no named column: checkHeader says so).
 */
function namelessEmptyColumns(header: readonly string[], rows: readonly (readonly string[])[]): Set<number> {
  const empty = new Set<number>();
  header.forEach((name, j) => {
    if (name.trim() !== '') return;
    for (const row of rows) {
      const cell = row[j];
      if (cell !== undefined && cell.trim() !== '') return;
    }
    empty.add(j);
  });
  return empty.size === header.length ? new Set() : empty;
}

function listed(numbers: readonly number[]): string {
  return numbers.length === 1 ? `${numbers[0]}` : `${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
}

/** The warning for columns left out by namelessEmptyColumns (1-based numbers in the message). */
function leftOutWarning(path: string, columns: ReadonlySet<number>): string {
  const numbers = [...columns].map((j) => j + 1);
  const which = `column${numbers.length === 1 ? '' : 's'} ${listed(numbers)}`;
  return `${path}: left out ${which} of the header, which ${numbers.length === 1 ? 'has' : 'have'} no name and no values (empty columns a spreadsheet exported)`;
}

/** Checks the column names: none blank (except the columns in `skip`, left out), none twice. */
export function checkHeader(path: string, header: readonly string[], skip: ReadonlySet<number> = new Set()): void {
  const seen = new Map<string, number>();
  header.forEach((name, j) => {
    if (skip.has(j)) return;
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

function checkRowLengths(path: string, parsed: Parsed, sep: CsvSeparator): void {
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
        `check for an unquoted ${separatorWord(sep)} or a missing separator`,
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
 * `dialect`: the separator and decimal mark already chosen (for a block: from the file's header, once); when absent
 * they are chosen here from `options` and `text`, and logged (options.log) when not comma and point.
 */
export function frameFromCsvText(path: string, text: string, options: ReadCsvOptions = {}, firstLine = 2, dialect?: CsvDialect): Frame {
  let chosen = dialect;
  if (chosen === undefined) {
    chosen = chooseDialect(path, text, options);
    const line = dialectLine(path, chosen);
    if (line !== null) options.log?.(line);
  }
  const parsed = parseRecords(path, text, firstLine, chosen.sep);
  const leftOut = namelessEmptyColumns(parsed.header, parsed.rows);
  checkHeader(path, parsed.header, leftOut);
  checkRowLengths(path, parsed, chosen.sep);
  if (leftOut.size > 0) options.warn?.(leftOutWarning(path, leftOut));
  const names = parsed.header.filter((_, j) => !leftOut.has(j));
  checkOptionColumns(path, names, options);
  const selected = options.select?.(names) ?? null;
  const kept = selected === null ? null : new Set(selected);
  const where = (row: number): string => `${path}, line ${parsed.lines[row]}`;
  const numbers = numberReading(chosen);
  const columns: Column[] = [];
  const missing = new Map<string, Uint32Array>();
  parsed.header.forEach((name, index) => {
    if (leftOut.has(index) || (kept !== null && !kept.has(name))) return;
    const result = columnFromText({
      numbers,
      name,
      rows: parsed.rows,
      index,
      type: options.types?.[name],
      levels: options.levels?.[name],
      where,
      lineOf: (row) => parsed.lines[row],
      warn: options.warn === undefined ? undefined : (message) => options.warn?.(`${path}: ${message}`),
    });
    columns.push(result.column);
    if (result.missing !== null) missing.set(name, result.missing);
  });
  return frameFromColumns(columns, path, missing, parsed.lines);
}
