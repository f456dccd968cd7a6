/**
 * The fast path of readCsv for the common case: a CSV file whose every data cell is a plain decimal number (no
 * quotes, no missing cells, no spaces), with any separator and decimal mark readCsv reads (csv-dialect.ts: comma,
 * semicolon, tab or pipe; point or comma, chosen from the options and the header line by the same rules as the full
 * parser). The file is read in chunks and scanned byte by byte; each cell's value goes straight into its column's
 * block, kept compactly (Columns below; no text, no per-row objects). Anything outside that case — a quote, an empty
 * or NA cell, a word, a wrong number of fields, an empty line, mixed line endings, gzip or another encoding, forced
 * types other than numeric, a decimal comma with comma separators — makes the scanner give up (null), and readCsv
 * reads the file with the full parser, which gives the same frame or the exact message. So the fast path never
 * decides an error itself, except for the header and option-column checks, which it runs at the same point as the
 * full path.
 *
 * Numbers: readDecimal (decimal-bytes.ts), bit for bit Number() of the cell's text (its decimal comma read as the
 * point); a cell the full parser would refuse (a point in a decimal-comma file, a comma in a decimal-point one, an
 * overflow) ends the scan, and the full parser says why.
 *
 * Memory: each column's values are written as they are read into a 65,536-row block, narrowed when the block holds
 * small whole numbers (Columns below). A column found to need float64 (a block with a fraction) is from then on
 * written in place into one array of the estimated final length, in huge-page memory from the native addon, so its
 * values are written once and no block of it is kept or copied: on this project's VMs first writes to fresh memory
 * cost as much CPU as the scan (bench/README.md, "CSV read, cold", session 11).
 */
import { UserError } from '../errors.js';
import { chooseDialect, type CsvDialect, type CsvSeparator, type DecimalMark } from './csv-dialect.js';
import { needsTextDecoding } from './file-text.js';
import type { Column, Frame, NumericValues } from './frame.js';
import { compactValues, frameFromColumns, joinedType, numericColumn } from './frame-build.js';
import { readDecimal } from './decimal-bytes.js';
import { withFileChunks } from '../platform/chunk-reader.js';
import { type Allocate, LARGE_BUFFER_BYTES, largeAllocator } from '../platform/large-buffer.js';

/** Bytes read at a time (1 MiB measured a little faster than 4 MiB, session 11: the chunk stays in cache between the read and the scan). */
const CHUNK_BYTES = 1 << 20;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const TAB = 9;

/** What the fast path needs of readCsv's options: types, if any, must all be numeric; no levels; the dialect asked for. */
export interface FastCsvOptions {
  readonly types?: Readonly<Record<string, string>>;
  readonly levels?: Readonly<Record<string, readonly string[]>>;
  readonly sep?: CsvSeparator;
  readonly decimal?: DecimalMark;
}

export interface FastCsv {
  readonly header: string[];
  /** The separator and decimal mark read (chooseDialect's, for readCsv's log line). */
  readonly dialect: CsvDialect;
  readonly frame: (path: string) => Frame;
  /** The columns with a number written with a leading zero (`01`), as the full path's leadingZeroWarning sees them. */
  readonly leadingZero: string[];
}

/** Rows per block of the column store below. */
const BLOCK_ROWS = 1 << 16;

/** Where the data lines of the file are, to estimate its rows from the bytes read so far. */
interface FileExtent {
  /** Offset of the first data line. */
  readonly bodyStart: number;
  readonly size: number;
}

/**
 * Columns stored compactly as they are read (issue 16 item 2). The scanner writes each column's values into
 * `values[j]`, a window of BLOCK_ROWS rows; `flush` ends a block. A column starts in blocks: its window is a reused
 * float64 scratch block, and each full block is narrowed (compactValues: 0/1 flags and small integers as bytes…) and
 * kept; the blocks are joined at the end into one array of the widest type any block needed. The first block that
 * stays float64 fixes the column's type (joinedType), so from then on (given an allocator and a large enough file)
 * the column lives in one float64 store sized from the bytes per row read so far, with a margin (grown if the
 * estimate falls short): the blocks so far are copied in, and each later window is the next BLOCK_ROWS rows of the
 * store itself. A block written in place is still checked as compactValues would: when it is all small whole numbers,
 * a −0 in it becomes 0, as narrowing it would have made it, so the frame is bit for bit the one of blocks alone.
 */
class Columns {
  /** The window each column's current block is written to; `fill` rows of it are written. */
  readonly values: Float64Array[];
  fill = 0;
  /** Per column, 1 once a cell's whole part had a leading zero (scanLines). */
  readonly leadingZero: Uint8Array;
  /** Rows of the blocks before the current one. */
  private done = 0;
  private readonly scratch: Float64Array[];
  private readonly blocks: NumericValues[][];
  /** Per column, its float64 store once it has one. */
  private readonly stores: (Float64Array | null)[];
  constructor(
    width: number,
    private readonly allocate: Allocate | null,
    private readonly extent: FileExtent,
  ) {
    this.scratch = Array.from({ length: width }, () => new Float64Array(BLOCK_ROWS));
    this.values = this.scratch.slice();
    this.blocks = Array.from({ length: width }, () => []);
    this.stores = Array.from({ length: width }, () => null);
    this.leadingZero = new Uint8Array(width);
  }

  /** Ends the current block; `at` is the file offset the next row starts at; `last` when no row follows. */
  flush(at: number, last: boolean): void {
    const rows = this.fill;
    if (rows === 0) return;
    for (let j = 0; j < this.values.length; j++) {
      const store = this.stores[j];
      if (store !== null) {
        const block = store.subarray(this.done, this.done + rows);
        if (compactValues(block) !== block) for (let i = 0; i < rows; i++) if (block[i] === 0) block[i] = 0; // −0 → 0
        continue;
      }
      const block = this.scratch[j].subarray(0, rows);
      const kept = compactValues(block);
      if (kept !== block) this.blocks[j].push(kept);
      else if (!last && this.startStore(j, block, at)) continue;
      else this.blocks[j].push(block.slice());
    }
    this.done += rows;
    this.fill = 0;
    if (last) return;
    for (let j = 0; j < this.values.length; j++) {
      let store = this.stores[j];
      if (store === null) continue;
      if (this.done + BLOCK_ROWS > store.length) {
        const bigger = this.float64(Math.max(this.capacity(at), Math.ceil(store.length * 1.25)));
        bigger.set(store.subarray(0, this.done));
        store = this.stores[j] = bigger;
      }
      this.values[j] = store.subarray(this.done, this.done + BLOCK_ROWS);
    }
  }

  /** Column j, all rows, in the widest type its blocks needed. */
  column(j: number, n: number): NumericValues {
    this.flush(0, true);
    const store = this.stores[j];
    if (store !== null) return store.length === n ? store : store.subarray(0, n);
    const blocks = this.blocks[j];
    const wide = joinedType(blocks);
    if (blocks.length === 1 && blocks[0].constructor === wide) return blocks[0];
    // (in huge-page memory when the native addon provides it: first writes to fresh 4 KiB pages cost as much CPU as
    // the scan; src/platform/large-buffer.ts)
    const allocate = this.allocate;
    const out = allocate === null ? new wide(n) : new wide(allocate(n * wide.BYTES_PER_ELEMENT), 0, n);
    let at = 0;
    for (const b of blocks) {
      out.set(b, at);
      at += b.length;
    }
    this.blocks[j] = [];
    return out;
  }

  /** Moves column j into a float64 store, its blocks so far and `block` (the current one) copied in; false when not worth it. */
  private startStore(j: number, block: Float64Array, at: number): boolean {
    if (this.allocate === null) return false;
    const capacity = this.capacity(at);
    if (capacity * 8 < LARGE_BUFFER_BYTES) return false;
    const store = this.float64(capacity);
    let k = 0;
    for (const b of this.blocks[j]) {
      store.set(b, k);
      k += b.length;
    }
    store.set(block, k);
    this.stores[j] = store;
    this.blocks[j] = [];
    return true;
  }

  /**
   * Rows a store needs for the whole file, estimated from the rows read so far (done + fill) and their bytes (`at`:
   * where the next row starts), with a margin of 1/16 and two blocks.
   */
  private capacity(at: number): number {
    const read = Math.max(1, at - this.extent.bodyStart);
    const estimate = ((this.done + this.fill) * this.extent.size) / read;
    return Math.ceil(estimate * 1.0625) + 2 * BLOCK_ROWS;
  }

  private float64(length: number): Float64Array {
    return new Float64Array((this.allocate as Allocate)(length * 8), 0, length);
  }
}

/** The byte of a one-character separator or decimal mark. */
const byteOf = (char: string): number => char.charCodeAt(0);

/**
 * Scans the data lines of buf[from, to) (each ending in a line break), appending their values; `sep` and `mark` are
 * the bytes of the separator and the decimal mark; `state.base` is the file offset of buf[0]. Returns the position
 * after the last line scanned, or -1 to give up.
 */
function scanLines(
  buf: Buffer,
  from: number,
  to: number,
  cols: Columns,
  sep: number,
  mark: number,
  state: { rows: number; crlf: boolean; base: number },
): number {
  const width = cols.values.length;
  const crlf = state.crlf;
  let p = from;
  let rows = 0;
  // per column, whether a whole part has a leading zero (`01`, `-007.5`: codes such as zip codes, which readCsv warns
  // about, text-columns.ts leadingZeroWarning); set without a branch per cell (0/1 columns start with '0' half the time)
  const leadingZero = cols.leadingZero;
  while (p < to) {
    if (cols.fill === BLOCK_ROWS) cols.flush(state.base + p, false);
    const row = cols.fill;
    const values = cols.values;
    for (let j = 0; j < width; j++) {
      // a number written with a leading zero (`01`, `-007`): the sign skipped, a 0 followed by a digit (no branch)
      const first = p + (+(buf[p] === 45) | +(buf[p] === 43));
      leadingZero[j] |= +(buf[first] === 48) & +(((buf[first + 1] | 0) - 48) >>> 0 < 10);
      p = readDecimal(buf, p, mark, values[j], row);
      if (p < 0) return -1; // (not a plain decimal, or an overflow, which the full parser refuses)
      // the cell must end here: a separator before the last field, a line break (or the end of the file) after it
      const c = buf[p];
      if (j < width - 1) {
        if (c !== sep) return -1;
        p++;
      } else if (c === LF) {
        if (crlf) return -1;
        p++;
      } else if (c === CR) {
        if (!crlf || buf[p + 1] !== LF) return -1;
        p += 2;
      } else return -1;
    }
    cols.fill++;
    rows++;
  }
  state.rows += rows;
  return p;
}

/**
 * The header line at the start of buf: its text (byte-order mark left out), where the data start and its line ending;
 * null when the fast path does not apply (no whole line yet, a quote or control byte other than a tab, not UTF-8).
 */
function headerLine(buf: Buffer): { text: string; bodyStart: number; crlf: boolean } | null {
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  const nl = buf.indexOf(LF, start);
  if (nl < 0) return null;
  const crlf = nl > start && buf[nl - 1] === CR;
  const stop = crlf ? nl - 1 : nl;
  for (let i = start; i < stop; i++) {
    const b = buf[i];
    if ((b < 0x20 && b !== TAB) || b === QUOTE || b === 0x7f) return null;
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

/**
 * The header and columns of a CSV file of plain decimal numbers, read in chunks; null when the file is anything else
 * (then readCsv reads it with the full parser). `frame(path)` builds the Frame (file line of row r is r + 2).
 * `allocate`: memory for large columns (default: the native addon's huge pages, largeAllocator(); null: ordinary
 * arrays and no float64 stores, every column in blocks — the tests compare the two).
 */
export function scanNumericCsv(path: string, options: FastCsvOptions = {}, allocate?: Allocate | null): FastCsv | null {
  if (Object.keys(options.levels ?? {}).length > 0) return null;
  if (Object.values(options.types ?? {}).some((t) => t !== 'numeric')) return null;
  return withFileChunks(path, (size) => Math.min(Math.max(size, 1), CHUNK_BYTES), (reader, size) => {
    // the header line, whole
    let header: ReturnType<typeof headerLine> = null;
    for (;;) {
      reader.fill();
      const head = reader.buf.subarray(0, reader.len);
      if (head.length >= 16 && needsTextDecoding(head.subarray(0, 16))) return null;
      header = headerLine(head);
      if (header !== null || reader.eof) break;
      if (head.indexOf(LF) >= 0) return null; // a line break but no usable header
    }
    if (header === null || (reader.len < 16 && needsTextDecoding(reader.buf.subarray(0, reader.len)))) return null;
    const dialect = dialectOf(path, header.text, options);
    if (dialect === null || (dialect.sep !== '\t' && header.text.includes('\t'))) return null;
    const names = header.text.split(dialect.sep);
    const sep = byteOf(dialect.sep);
    const mark = byteOf(dialect.decimal);
    const memory = allocate === undefined ? largeAllocator() : allocate;
    const cols = new Columns(names.length, memory, { bodyStart: header.bodyStart, size });
    const state = { rows: 0, crlf: header.crlf, base: 0 };
    const ending = header.crlf ? [CR, LF] : [LF];
    let start = header.bodyStart;
    for (;;) {
      const to = reader.wholeLines(ending);
      if (to > start) {
        const at = scanLines(reader.buf, start, to, cols, sep, mark, state);
        if (at !== to) return null;
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
    return {
      header: names,
      leadingZero: names.filter((_, j) => cols.leadingZero[j] !== 0),
      dialect,
      frame: (source: string): Frame => {
        const columns: Column[] = names.map((name, j) => numericColumn(name, cols.column(j, n)));
        const lines = memory === null ? new Uint32Array(n) : new Uint32Array(memory(n * 4), 0, n);
        for (let r = 0; r < n; r++) lines[r] = r + 2;
        return frameFromColumns(columns, source, new Map(), lines);
      },
    };
  });
}
