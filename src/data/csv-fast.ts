/**
 * The streaming reader of readCsv: a CSV file is read in chunks and scanned byte by byte, each cell going straight
 * into its column (no text held, no per-row objects), with any separator and decimal mark readCsv reads
 * (csv-dialect.ts, chosen from the options and the header line by the full parser's rules). It gives the same frame
 * and the same messages as the full parser (csv-text.ts) for every file it reads, and gives up (null) on anything
 * else, which readCsv then reads with the full parser.
 *
 * Cells: a plain decimal (readDecimal, decimal-bytes.ts: bit for bit Number() of the cell's text, its decimal comma
 * read as the point) goes into the column's numbers (NumberBlocks, number-blocks.ts). Any other cell — a word, a
 * quoted field (RFC 4180, `""` for a quote) without a line break in it, `NA`, spaces — is interned into the column's
 * dictionary of distinct cells (csv-cells.ts), which classifies each distinct cell once by the full parser's own
 * functions; the row gets the cell's code (LevelCodes blocks, narrowed as the dictionary allows). An empty or `NA`
 * cell is missing. Each column's type is decided at the end, in file order, by the full parser's rules
 * (csv-columns.ts) from what the scan kept: a column with a text cell keeps no numbers; a column whose cells are
 * both plain decimals and text, neither clearly a typo nor clearly labels by the counts, is read again with every
 * cell interned (`textColumns`), so its levels are the cells as written.
 *
 * Given up on (the full parser decides, with its message where it has one): a quote inside an unquoted field or
 * anything but a separator or line end after a closing quote, a line break inside quotes, a wrong number of fields,
 * an empty line before the last data line (empty lines at the very end are not data, as there), mixed line endings,
 * a header with a blank name, a NUL byte or a cell that is not UTF-8, UTF-16 or a binary format, no data row. A gzip
 * file is decompressed into memory (bytes, not a string) and read the same way.
 * `numbersOnly` (scanNumericCsv) gives up on any cell that is not a plain decimal, as the reader did before text
 * cells.
 */
import { UserError } from '../errors.js';
import { CELL_BAD, CELL_MISSING, CellDictionary } from './csv-cells.js';
import { chooseDialect, type CsvDialect, type CsvSeparator, type DecimalMark } from './csv-dialect.js';
import type { CsvStop } from './csv-stop.js';
import { readDecimal } from './decimal-bytes.js';
import { needsTextDecoding } from './file-text.js';
import type { Column, Frame, LevelCodes } from './frame.js';
import { frameFromColumns, numericColumn } from './frame-build.js';
import { BLOCK_ROWS, NumberBlocks } from './number-blocks.js';
import { numberReading } from './number-reading.js';
import { ChunkReader, withFileChunks } from '../platform/chunk-reader.js';
import { isGzip } from './text-bytes.js';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { type Allocate, largeAllocator } from '../platform/large-buffer.js';

/** Bytes read at a time (1 MiB measured a little faster than 4 MiB, session 11: the chunk stays in cache between the read and the scan). */
const CHUNK_BYTES = 1 << 20;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const TAB = 9;
/** A missing cell's code in a block being written (Uint32). */
const NO_CODE = 0xffffffff;
/** How bounded first-bad-cell rows each column keeps: the first and three more (text-columns.ts notNumbersWhat). */
export const BAD_ROWS_KEPT = 4;

/** How a column's cells are read. */
export const enum CellMode {
  /** Plain decimals as numbers, anything else interned (an inferred or numeric column). */
  Auto = 0,
  /** Every cell interned (a categorical or boolean column, or one read again: see the module comment). */
  Text = 1,
  /** Not kept (a column the command does not read); its cells are still checked as CSV. */
  Skip = 2,
}

/** What the reader needs of readCsv's options. */
export interface FastCsvOptions {
  readonly types?: Readonly<Record<string, string>>;
  readonly levels?: Readonly<Record<string, readonly string[]>>;
  readonly sep?: CsvSeparator;
  readonly decimal?: DecimalMark;
  readonly select?: (names: readonly string[]) => readonly string[] | null;
  /** Told where the reader gave up on a data line (the line, its bytes): readCsv words the error from it when the file is too large for the full parser (csv-stop.ts). */
  readonly onGiveUp?: (stop: CsvStop) => void;
}

/** A scanned column: what the type decision (csv-columns.ts) needs. */
export interface ScannedColumn {
  readonly name: string;
  readonly mode: CellMode;
  readonly dictionary: CellDictionary;
  /** The code blocks (BLOCK_ROWS rows each, the last shorter); null for a block where no code was written. */
  readonly codeBlocks: readonly (LevelCodes | null)[];
  /** Rows (0-based) whose cell is missing, in order. */
  readonly missing: Uint32Array;
  /** Rows of the first BAD_ROWS_KEPT cells that are neither missing nor numbers (CELL_BAD), and how many there are. */
  readonly badRows: readonly number[];
  readonly badCount: number;
  /** Cells read as plain decimals (not interned). */
  readonly decimals: number;
  /** A plain decimal cell's whole part had a leading zero. */
  readonly leadingZero: boolean;
  /** The column's numbers (Auto columns with no CELL_BAD cell only). */
  numbers(): Column;
}

export interface ScannedCsv {
  readonly header: string[];
  /** The separator and decimal mark read (chooseDialect's, for readCsv's log line). */
  readonly dialect: CsvDialect;
  readonly rows: number;
  /** The scanned columns, in file order; null for a skipped one. */
  readonly columns: readonly (ScannedColumn | null)[];
  /** The file line of each data row (row + 2), in memory from the reader's allocator. */
  lines(): Uint32Array;
}

/** The byte of a one-character separator or decimal mark. */
const byteOf = (char: string): number => char.charCodeAt(0);

function grownRows(rows: Uint32Array, length: number): Uint32Array {
  if (length <= rows.length) return rows;
  const bigger = new Uint32Array(Math.max(length, rows.length * 2));
  bigger.set(rows);
  return bigger;
}

/** The cells of every column as the scan reads them (see the module comment). */
class CellStore {
  readonly dictionaries: CellDictionary[];
  /** Per column, the code block being written, from its first interned cell on. */
  readonly codes: (Uint32Array | null)[];
  readonly codeBlocks: (LevelCodes | null)[][];
  missing: Uint32Array[];
  readonly missingCount: Int32Array;
  readonly badRows: Int32Array;
  readonly badCount: Int32Array;
  readonly interned: Float64Array;
  /** Unescaped content of the current quoted cell with doubled quotes. */
  scratch = new Uint8Array(256);
  constructor(
    readonly modes: Uint8Array,
    readonly numbers: NumberBlocks,
    dialect: CsvDialect,
  ) {
    const width = modes.length;
    const reading = numberReading(dialect);
    this.dictionaries = Array.from({ length: width }, () => new CellDictionary(reading));
    this.codes = Array.from({ length: width }, () => null);
    this.codeBlocks = Array.from({ length: width }, () => []);
    this.missing = Array.from({ length: width }, () => new Uint32Array(16));
    this.missingCount = new Int32Array(width);
    this.badRows = new Int32Array(width * BAD_ROWS_KEPT);
    this.badCount = new Int32Array(width);
    this.interned = new Float64Array(width);
    for (let j = 0; j < width; j++) if (modes[j] !== CellMode.Auto) numbers.kill(j);
  }

  /** Ends the current block of `rows` rows (before NumberBlocks.flush). */
  flush(rows: number): void {
    for (let j = 0; j < this.codes.length; j++) {
      if (this.modes[j] === CellMode.Skip) continue;
      const codes = this.codes[j];
      if (codes === null) {
        this.codeBlocks[j].push(null);
        continue;
      }
      const size = this.dictionaries[j].size;
      const block = codes.subarray(0, rows);
      // (a typed-array conversion keeps the low bits: NO_CODE becomes 0xff or 0xffff, the narrow type's missing code)
      this.codeBlocks[j].push(size < 0xff ? new Uint8Array(block) : size < 0xffff ? new Uint16Array(block) : block.slice());
    }
  }

  missingCell(j: number, row: number, fill: number): void {
    const k = this.missingCount[j]++;
    if (k === this.missing[j].length) this.missing[j] = grownRows(this.missing[j], k + 1);
    this.missing[j][k] = row;
    this.numbers.values[j][fill] = NaN;
    const codes = this.codes[j];
    if (codes !== null) codes[fill] = NO_CODE;
  }

  /** Interns the cell bytes[from, to) of column j at data row `row` (block row `fill`); false to give up. */
  textCell(j: number, bytes: Uint8Array, from: number, to: number, row: number, fill: number): boolean {
    const dictionary = this.dictionaries[j];
    const code = dictionary.lookup(bytes, from, to, row);
    if (code < 0) return false;
    if (this.modes[j] === CellMode.Skip) return true;
    const flags = dictionary.flags[code];
    if ((flags & CELL_MISSING) !== 0) {
      this.missingCell(j, row, fill);
      return true;
    }
    dictionary.counts[code]++;
    this.interned[j]++;
    let codes = this.codes[j];
    if (codes === null) codes = this.codes[j] = new Uint32Array(BLOCK_ROWS).fill(NO_CODE);
    codes[fill] = code;
    this.numbers.values[j][fill] = dictionary.values[code];
    if ((flags & CELL_BAD) !== 0) {
      const k = this.badCount[j]++;
      if (k === 0) this.numbers.kill(j);
      if (k < BAD_ROWS_KEPT) this.badRows[j * BAD_ROWS_KEPT + k] = row;
    }
    return true;
  }
}

interface ScanState {
  rows: number;
  readonly crlf: boolean;
  base: number;
  /** Empty lines seen after the last data line (allowed only at the very end). */
  emptyLines: number;
  readonly numbersOnly: boolean;
  /** Where the scan gave up on a data line: its line number and bytes (up to its line break); null before. */
  stop: { readonly line: number; readonly bytes: Uint8Array } | null;
}

/** Bytes of a line kept for the message when the reader gives up on it (csv-stop.ts). */
const STOP_LINE_BYTES = 1 << 20;

/** Records that the scan gives up on the line starting at buf[at] (file line `line`); returns -1 (scanLines' give-up). */
function giveUp(state: ScanState, buf: Buffer, at: number, to: number, line: number): number {
  let end = buf.indexOf(LF, at);
  if (end < 0 || end > to) end = to;
  state.stop = { line, bytes: new Uint8Array(buf.subarray(at, Math.min(end, at + STOP_LINE_BYTES))) };
  return -1;
}

/**
 * The cell of column j that starts at buf[p] and is not a plain decimal read at once: returns where it ends (at its
 * separator or line break), or -1 to give up.
 */
function otherCell(buf: Buffer, p: number, j: number, cells: CellStore, mark: number, sep: number, row: number, state: ScanState): number {
  if (state.numbersOnly) return -1;
  const mode = cells.modes[j];
  const fill = cells.numbers.fill;
  let from: number;
  let to: number;
  let end: number;
  let bytes: Uint8Array = buf;
  if (buf[p] === QUOTE) {
    // a quoted field: up to the quote that is not doubled; no line break inside
    let q = p + 1;
    let doubled = false;
    for (;;) {
      const b = buf[q];
      if (b === QUOTE) {
        if (buf[q + 1] !== QUOTE) break;
        doubled = true;
        q += 2;
      } else if (b === LF || b === CR || b === undefined) return -1;
      else q++;
    }
    from = p + 1;
    to = q;
    end = q + 1;
    if (doubled) {
      if (cells.scratch.length < to - from) cells.scratch = new Uint8Array(2 * (to - from));
      let k = 0;
      for (let i = from; i < to; i++) {
        cells.scratch[k++] = buf[i];
        if (buf[i] === QUOTE) i++;
      }
      bytes = cells.scratch;
      from = 0;
      to = k;
    } else if (mode === CellMode.Auto && to > from) {
      // a quoted plain decimal is that number (csv-parse gives the text between the quotes)
      const values = cells.numbers.values[j];
      if (readDecimal(buf, from, mark, values, fill) === to) {
        const first = from + (+(buf[from] === 45) | +(buf[from] === 43));
        cells.numbers.leadingZero[j] |= +(buf[first] === 48) & +(((buf[first + 1] | 0) - 48) >>> 0 < 10);
        return end;
      }
    }
  } else {
    let q = p;
    let b = buf[q];
    while (b !== sep && b !== LF && b !== CR) {
      if (b === QUOTE || b === undefined) return -1;
      b = buf[++q];
    }
    from = p;
    to = q;
    end = q;
  }
  if (mode !== CellMode.Skip) {
    if (to === from || (to === from + 2 && bytes[from] === 78 && bytes[from + 1] === 65)) {
      cells.missingCell(j, row, fill); // (empty or NA)
      return end;
    }
  } else {
    // a skipped column's cells are checked only for what makes the whole file unreadable (NUL, not UTF-8)
    let ascii = true;
    for (let i = from; i < to; i++) if (bytes[i] === 0 || bytes[i] >= 0x80) ascii = false;
    if (ascii) return end;
  }
  return cells.textCell(j, bytes, from, to, row, fill) ? end : -1;
}

/**
 * Scans the data lines of buf[from, to) (each ending in a line break), appending their cells; `sep` and `mark` are
 * the bytes of the separator and the decimal mark; `state.base` is the file offset of buf[0]. Returns the position
 * after the last line scanned, or -1 to give up.
 */
function scanLines(buf: Buffer, from: number, to: number, cells: CellStore, sep: number, mark: number, state: ScanState): number {
  const cols = cells.numbers;
  const modes = cells.modes;
  const width = modes.length;
  const crlf = state.crlf;
  let p = from;
  let rows = 0;
  // per column, whether a whole part has a leading zero (`01`, `-007.5`: codes such as zip codes, which readCsv warns
  // about, text-columns.ts leadingZeroWarning); set without a branch per cell (0/1 columns start with '0' half the time)
  const leadingZero = cols.leadingZero;
  const before = state.rows;
  let emptyLines = state.emptyLines;
  while (p < to) {
    // an empty line: allowed only after the last data line (and never in a file of one column, where it is a cell)
    const c0 = buf[p];
    if (c0 === LF || (c0 === CR && crlf && buf[p + 1] === LF)) {
      if (width === 1 || (c0 === LF && crlf) || state.numbersOnly) return giveUp(state, buf, p, to, before + rows + emptyLines + 2);
      emptyLines++;
      p += c0 === LF ? 1 : 2;
      continue;
    }
    // data after an empty line: the first empty line (right after the last data row) is the one to remove
    if (emptyLines > 0) return giveUp(state, buf, p, p, before + rows + 2);
    const lineStart = p;
    if (cols.fill === BLOCK_ROWS) {
      cells.flush(BLOCK_ROWS);
      cols.flush(state.base + p, false);
    }
    const fill = cols.fill;
    const row = before + rows;
    const values = cols.values;
    for (let j = 0; j < width; j++) {
      let q = -1;
      if (modes[j] === CellMode.Auto) {
        // a number written with a leading zero (`01`, `-007`): the sign skipped, a 0 followed by a digit (no branch;
        // exact for the column's type decision also when the cell turns out not to be a plain decimal: csv-columns.ts
        // uses the flag only for a column of numbers, where such a cell is a number whose text starts so)
        const first = p + (+(buf[p] === 45) | +(buf[p] === 43));
        leadingZero[j] |= +(buf[first] === 48) & +(((buf[first + 1] | 0) - 48) >>> 0 < 10);
        q = readDecimal(buf, p, mark, values[j], fill);
      }
      // the cell must end here: a separator before the last field, a line break (or the end of the file) after it;
      // anything else is a text cell (or an overflow, which the full parser refuses)
      let c = q < 0 ? -1 : buf[q];
      if (j < width - 1) {
        if (c !== sep) {
          q = otherCell(buf, p, j, cells, mark, sep, row, state);
          if (q < 0 || buf[q] !== sep) return giveUp(state, buf, lineStart, to, row + 2);
        }
        p = q + 1;
        continue;
      }
      if (c !== LF && c !== CR) {
        q = otherCell(buf, p, j, cells, mark, sep, row, state);
        if (q < 0) return giveUp(state, buf, lineStart, to, row + 2);
        c = buf[q];
      }
      if (c === LF) {
        if (crlf) return giveUp(state, buf, lineStart, to, row + 2);
        p = q + 1;
      } else if (c === CR) {
        if (!crlf || buf[q + 1] !== LF) return giveUp(state, buf, lineStart, to, row + 2);
        p = q + 2;
      } else return giveUp(state, buf, lineStart, to, row + 2);
    }
    cols.fill++;
    rows++;
  }
  state.rows += rows;
  state.emptyLines = emptyLines;
  return p;
}

/** The fields of a header line (RFC 4180 quotes, no line break inside); null when it is not one the reader takes. */
function headerFields(text: string, sep: string): string[] | null {
  const names: string[] = [];
  let at = 0;
  for (;;) {
    let name: string;
    if (text[at] === '"') {
      let q = at + 1;
      name = '';
      for (;;) {
        const close = text.indexOf('"', q);
        if (close < 0) return null;
        name += text.slice(q, close);
        if (text[close + 1] === '"') {
          name += '"';
          q = close + 2;
        } else {
          at = close + 1;
          break;
        }
      }
      if (at < text.length && text[at] !== sep) return null;
    } else {
      let end = text.indexOf(sep, at);
      if (end < 0) end = text.length;
      name = text.slice(at, end);
      if (name.includes('"')) return null;
      at = end;
    }
    names.push(name);
    if (at >= text.length) return names;
    at++; // (the separator)
  }
}

/**
 * The header line at the start of buf: its text (byte-order mark left out), where the data start and its line ending;
 * null when the reader does not take it (no whole line yet, a control byte other than a tab, not UTF-8).
 */
function headerLine(buf: Buffer, quotes: boolean): { text: string; bodyStart: number; crlf: boolean } | null {
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  const nl = buf.indexOf(LF, start);
  if (nl < 0) return null;
  const crlf = nl > start && buf[nl - 1] === CR;
  const stop = crlf ? nl - 1 : nl;
  for (let i = start; i < stop; i++) {
    const b = buf[i];
    if ((b < 0x20 && b !== TAB) || (b === QUOTE && !quotes) || b === 0x7f) return null;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(start, stop));
  } catch {
    return null;
  }
  return { text, bodyStart: nl + 1, crlf };
}

/** The dialect the full parser would read `path` with, given its header line; null where it would refuse (it says why). */
function dialectOf(path: string, header: string, options: FastCsvOptions): CsvDialect | null {
  try {
    return chooseDialect(path, header, options);
  } catch (e) {
    if (e instanceof UserError) return null;
    throw e;
  }
}

/** Whether the file at `path` starts with gzip's magic bytes (false when it cannot be read: the full parser says why). */
function gzipFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && isGzip(head);
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * What `use` makes of the bytes of the file at `path`, read a chunk at a time (`size`: the bytes in all). A gzip file
 * (`data.csv.gz`) is decompressed into memory first — its bytes, never one string, so that any size memory holds is
 * read — then scanned the same way; null when it cannot be (the full parser says why).
 */
function withCsvChunks<T>(path: string, use: (reader: ChunkReader, size: number) => T | null): T | null {
  if (!gzipFile(path)) return withFileChunks(path, (size) => Math.min(Math.max(size, 1), CHUNK_BYTES), use);
  let bytes: Buffer;
  try {
    bytes = process.getBuiltinModule('node:zlib').gunzipSync(readFileSync(path));
  } catch {
    return null;
  }
  let at = 0;
  const reader = new ChunkReader((buf, offset, length) => {
    const n = Math.min(length, bytes.length - at);
    bytes.copy(buf, offset, at, at + n);
    at += n;
    return n;
  }, Math.min(Math.max(bytes.length, 1), CHUNK_BYTES));
  return use(reader, bytes.length);
}

/** How each column is read: Text when its type is categorical or boolean, or it is in `textColumns`; Skip when not selected. */
function cellModes(names: readonly string[], options: FastCsvOptions, textColumns: ReadonlySet<string>): Uint8Array {
  const selected = options.select?.(names) ?? null;
  const kept = selected === null ? null : new Set(selected);
  return Uint8Array.from(names, (name) => {
    if (kept !== null && !kept.has(name)) return CellMode.Skip;
    const type = options.types?.[name];
    const text = textColumns.has(name) || options.levels?.[name] !== undefined || (type !== undefined && type !== 'numeric');
    return text ? CellMode.Text : CellMode.Auto;
  });
}

/**
 * Scans the CSV file at `path` (see the module comment); null when the reader gives up. `allocate`: memory for large
 * columns (default: the native addon's huge pages, largeAllocator(); null: ordinary arrays, every column in blocks —
 * the tests compare the two). `textColumns`: columns whose every cell is interned.
 */
export function scanCsv(
  path: string,
  options: FastCsvOptions = {},
  allocate?: Allocate | null,
  textColumns: ReadonlySet<string> = new Set(),
  numbersOnly = false,
): ScannedCsv | null {
  return withCsvChunks(path, (reader, size) => {
    // the header line, whole
    let header: ReturnType<typeof headerLine> = null;
    for (;;) {
      reader.fill();
      const head = reader.buf.subarray(0, reader.len);
      if (head.length >= 16 && needsTextDecoding(head.subarray(0, 16))) return null;
      header = headerLine(head, !numbersOnly);
      if (header !== null || reader.eof) break;
      if (head.indexOf(LF) >= 0) return null; // a line break but no usable header
    }
    if (header === null || (reader.len < 16 && needsTextDecoding(reader.buf.subarray(0, reader.len)))) return null;
    const dialect = dialectOf(path, header.text, options);
    if (dialect === null || (dialect.sep !== '\t' && header.text.includes('\t'))) return null;
    const names = headerFields(header.text, dialect.sep);
    if (names === null || names.some((name) => name.trim() === '')) return null;
    const modes = numbersOnly ? new Uint8Array(names.length) : cellModes(names, options, textColumns);
    const sep = byteOf(dialect.sep);
    const mark = byteOf(dialect.decimal);
    const memory = allocate === undefined ? largeAllocator() : allocate;
    const numbers = new NumberBlocks(names.length, memory, { bodyStart: header.bodyStart, size });
    const cells = new CellStore(modes, numbers, dialect);
    const state: ScanState = { rows: 0, crlf: header.crlf, base: 0, emptyLines: 0, numbersOnly, stop: null };
    const ending = header.crlf ? [CR, LF] : [LF];
    let start = header.bodyStart;
    for (;;) {
      const to = reader.wholeLines(ending);
      if (to > start) {
        const at = scanLines(reader.buf, start, to, cells, sep, mark, state);
        if (at !== to) {
          if (state.stop !== null) options.onGiveUp?.({ ...state.stop, fields: names.length, sep: dialect.sep });
          return null;
        }
        start = to;
      }
      if (reader.eof) break;
      // keep the partial last line, then read on
      reader.keep(start);
      state.base += start;
      start = 0;
      reader.fill();
    }
    if (state.rows === 0) return null;
    const n = state.rows;
    cells.flush(numbers.fill);
    numbers.flush(0, true);
    const columns = names.map((name, j): ScannedColumn | null => {
      const mode = modes[j] as CellMode;
      if (mode === CellMode.Skip) return null;
      const missing = cells.missing[j].slice(0, cells.missingCount[j]);
      const badCount = cells.badCount[j];
      return {
        name,
        mode,
        dictionary: cells.dictionaries[j],
        codeBlocks: cells.codeBlocks[j],
        missing,
        badRows: Array.from(cells.badRows.subarray(j * BAD_ROWS_KEPT, j * BAD_ROWS_KEPT + Math.min(badCount, BAD_ROWS_KEPT))),
        badCount,
        decimals: mode === CellMode.Auto ? n - missing.length - cells.interned[j] : 0,
        leadingZero: numbers.leadingZero[j] !== 0,
        numbers: () => numericColumn(name, numbers.column(j, n)),
      };
    });
    return {
      header: names,
      dialect,
      rows: n,
      columns,
      lines: () => {
        const lines = memory === null ? new Uint32Array(n) : new Uint32Array(memory(n * 4), 0, n);
        for (let r = 0; r < n; r++) lines[r] = r + 2;
        return lines;
      },
    };
  });
}

/** The numbers-only reader of session 11 (the tests and benchmarks compare with it): see NumericCsv. */
export interface FastCsv {
  readonly header: string[];
  readonly dialect: CsvDialect;
  readonly frame: (path: string) => Frame;
  /** The columns with a number written with a leading zero (`01`), as the full path's leadingZeroWarning sees them. */
  readonly leadingZero: string[];
}

/**
 * The header and columns of a CSV file of plain decimal numbers only (no quotes, no missing cells, no spaces), null
 * for any other file; `frame(path)` builds the Frame (file line of row r is r + 2).
 */
export function scanNumericCsv(path: string, options: FastCsvOptions = {}, allocate?: Allocate | null): FastCsv | null {
  if (Object.keys(options.levels ?? {}).length > 0) return null;
  if (Object.values(options.types ?? {}).some((t) => t !== 'numeric')) return null;
  const scan = scanCsv(path, { ...options, select: undefined }, allocate, new Set(), true);
  if (scan === null) return null;
  const columns = scan.columns as readonly ScannedColumn[];
  return {
    header: scan.header,
    dialect: scan.dialect,
    leadingZero: columns.filter((c) => c.leadingZero).map((c) => c.name),
    frame: (source) => frameFromColumns(columns.map((c) => c.numbers()), source, new Map(), scan.lines()),
  };
}
