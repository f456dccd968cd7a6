/**
 * The fast path of readCsv for the common case: a CSV file whose every data cell is a plain decimal number (no
 * quotes, no missing cells, no spaces). The file is read in chunks and scanned byte by byte; each cell's value goes
 * straight into its column's block, kept compactly (Columns below; no text, no per-row objects). Anything outside that case — a quote, an
 * empty or NA cell, a word, a wrong number of fields, an empty line, mixed line endings, gzip or another encoding,
 * forced types other than numeric — makes the scanner give up (null), and readCsv reads the file with the full parser,
 * which gives the same frame or the exact message. So the fast path never decides an error itself, except for the
 * header and option-column checks, which it runs at the same point as the full path.
 *
 * Numbers: a cell with at most 2^53 as its decimal digits read as an integer m and a decimal exponent e with
 * |e| ≤ 22 is m × 10^e or m / 10^−e in one correctly rounded operation, since both operands are exact doubles
 * (Clinger, "How to read floating point numbers accurately", PLDI 1990, the fast path); so it equals Number(cell).
 * Other cells are converted by Number() on their text.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { needsTextDecoding } from './file-text.js';
import type { Column, Frame, NumericValues } from './frame.js';
import { compactValues, frameFromColumns, joinedType, numericColumn } from './frame-build.js';
import { largeAllocator } from '../platform/large-buffer.js';

const CHUNK_BYTES = 1 << 22;
const MAX_EXACT = 2 ** 53;
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/** What the fast path needs of readCsv's options: types, if any, must all be numeric; no levels. */
export interface FastCsvOptions {
  readonly types?: Readonly<Record<string, string>>;
  readonly levels?: Readonly<Record<string, readonly string[]>>;
}

export interface FastCsv {
  readonly header: string[];
  readonly frame: (path: string) => Frame;
}

/** Rows per block of the column store below. */
const BLOCK_ROWS = 1 << 16;

/**
 * Columns stored compactly as they are read (issue 16 item 2): the scanner writes a float64 block of BLOCK_ROWS rows
 * per column; each full block is narrowed (compactValues: 0/1 flags and small integers as bytes…) and kept, and the
 * blocks are joined at the end into one array per column of the widest type any block needed. The float64 text of a
 * 10⁷-row file is never held whole.
 */
class Columns {
  /** The current block of each column; `fill` rows of it are written. */
  readonly values: Float64Array[];
  fill = 0;
  private readonly blocks: NumericValues[][];
  constructor(width: number) {
    this.values = Array.from({ length: width }, () => new Float64Array(BLOCK_ROWS));
    this.blocks = Array.from({ length: width }, () => []);
  }
  /** Keeps the current blocks (narrowed) and starts new ones. */
  flush(): void {
    if (this.fill === 0) return;
    this.values.forEach((v, j) => this.blocks[j].push(compactValues(v.slice(0, this.fill))));
    this.fill = 0;
  }
  /** Column j, all rows, in the widest type its blocks needed. */
  column(j: number, n: number): NumericValues {
    this.flush();
    const blocks = this.blocks[j];
    const wide = joinedType(blocks);
    if (blocks.length === 1 && blocks[0].constructor === wide) return blocks[0];
    // (in huge-page memory when the native addon provides it: first writes to fresh 4 KiB pages cost as much CPU as
    // the scan; src/platform/large-buffer.ts)
    const allocate = largeAllocator();
    const out = allocate === null ? new wide(n) : new wide(allocate(n * wide.BYTES_PER_ELEMENT), 0, n);
    let at = 0;
    for (const b of blocks) {
      out.set(b, at);
      at += b.length;
    }
    this.blocks[j] = [];
    return out;
  }
}

/**
 * Scans the data lines of buf[from, to) (each ending in a line break), appending their values. Returns the position after the last line scanned, or -1 to give up.
 */
function scanLines(buf: Buffer, from: number, to: number, cols: Columns, state: { rows: number; crlf: boolean }): number {
  const width = cols.values.length;
  let p = from;
  while (p < to) {
    if (cols.fill === BLOCK_ROWS) cols.flush();
    const row = cols.fill;
    for (let j = 0; j < width; j++) {
      const cellStart = p;
      let c = buf[p];
      let negative = false;
      if (c === 45) {
        negative = true;
        c = buf[++p];
      } else if (c === 43) c = buf[++p];
      let m = 0;
      let digits = 0;
      let exp10 = 0;
      let exact = true;
      while (c >= 48 && c <= 57) {
        const next = m * 10 + (c - 48);
        if (next > MAX_EXACT) exact = false;
        else m = next;
        if (!exact) exp10++;
        digits++;
        c = buf[++p];
      }
      if (c === 46) {
        c = buf[++p];
        while (c >= 48 && c <= 57) {
          if (exact) {
            const next = m * 10 + (c - 48);
            if (next > MAX_EXACT) exact = false;
            else {
              m = next;
              exp10--;
            }
          }
          digits++;
          c = buf[++p];
        }
      }
      if (digits === 0) return -1;
      if (c === 101 || c === 69) {
        c = buf[++p];
        let expNegative = false;
        if (c === 45) {
          expNegative = true;
          c = buf[++p];
        } else if (c === 43) c = buf[++p];
        let e = 0;
        let expDigits = 0;
        while (c >= 48 && c <= 57) {
          if (e < 100000) e = e * 10 + (c - 48);
          expDigits++;
          c = buf[++p];
        }
        if (expDigits === 0) return -1;
        exp10 += expNegative ? -e : e;
      }
      let v: number;
      if (exact && exp10 >= -22 && exp10 <= 22) {
        v = exp10 < 0 ? m / POW10[-exp10] : m * POW10[exp10];
        if (negative) v = -v;
      } else {
        v = Number(buf.toString('latin1', cellStart, p));
        if (!Number.isFinite(v)) return -1;
      }
      cols.values[j][row] = v;
      // the cell must end here: a comma before the last field, a line break (or the end of the file) after it
      if (j < width - 1) {
        if (c !== COMMA) return -1;
        p++;
      } else if (c === LF) {
        if (state.crlf) return -1;
        p++;
      } else if (c === CR) {
        if (!state.crlf || buf[p + 1] !== LF) return -1;
        p += 2;
      } else return -1;
    }
    cols.fill++;
    state.rows++;
  }
  return p;
}

/** Reads the header from the first line of buf: names and line ending, or null when the fast path does not apply. */
function parseHeader(buf: Buffer): { names: string[]; bodyStart: number; crlf: boolean } | null {
  let start = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
  const nl = buf.indexOf(LF, start);
  if (nl < 0) return null;
  const crlf = nl > start && buf[nl - 1] === CR;
  const stop = crlf ? nl - 1 : nl;
  for (let i = start; i < stop; i++) {
    const b = buf[i];
    if (b < 0x20 || b === QUOTE || b === 0x7f) return null;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(start, stop));
  } catch {
    return null;
  }
  return { names: text.split(','), bodyStart: nl + 1, crlf };
}

/**
 * The header and columns of a CSV file of plain decimal numbers, read in chunks; null when the file is anything else
 * (then readCsv reads it with the full parser). `frame(path)` builds the Frame (file line of row r is r + 2).
 */
export function scanNumericCsv(path: string, options: FastCsvOptions = {}): FastCsv | null {
  if (Object.keys(options.levels ?? {}).length > 0) return null;
  if (Object.values(options.types ?? {}).some((t) => t !== 'numeric')) return null;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return null;
    const size = stat.size;
    let buf = Buffer.allocUnsafe(Math.min(Math.max(size, 1), CHUNK_BYTES));
    let len = 0;
    let eof = false;
    const fill = (): void => {
      if (len === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const got = readSync(fd, buf, len, buf.length - len, null);
      if (got === 0) eof = true;
      len += got;
    };
    // the header line, whole
    let header: ReturnType<typeof parseHeader> = null;
    for (;;) {
      fill();
      if (len >= 16 && needsTextDecoding(buf.subarray(0, 16))) return null;
      header = parseHeader(buf.subarray(0, len));
      if (header !== null || eof) break;
      if (buf.subarray(0, len).indexOf(LF) >= 0) return null; // a line break but no usable header
    }
    if (header === null || (len < 16 && needsTextDecoding(buf.subarray(0, len)))) return null;
    const width = header.names.length;
    const cols = new Columns(width);
    const state = { rows: 0, crlf: header.crlf };
    let start = header.bodyStart;
    for (;;) {
      if (eof && len > start && buf[len - 1] !== LF) {
        // the last line has no line break: add one, so that every line the scanner sees ends in one
        if (len + 2 > buf.length) {
          const bigger = Buffer.allocUnsafe(len + 2);
          buf.copy(bigger, 0, 0, len);
          buf = bigger;
        }
        if (state.crlf) buf[len++] = CR;
        buf[len++] = LF;
      }
      const lastBreak = buf.lastIndexOf(LF, len - 1);
      const to = eof ? len : lastBreak + 1;
      if (to > start) {
        const at = scanLines(buf, start, to, cols, state);
        if (at !== to) return null;
        start = to;
      }
      if (eof) break;
      // keep the partial last line, then read on
      buf.copy(buf, 0, start, len);
      len -= start;
      start = 0;
      fill();
    }
    if (state.rows === 0) return null;
    const names = header.names;
    const n = state.rows;
    return {
      header: names,
      frame: (source: string): Frame => {
        const columns: Column[] = names.map((name, j) => numericColumn(name, cols.column(j, n)));
        const lines = new Uint32Array(n);
        for (let r = 0; r < n; r++) lines[r] = r + 2;
        return frameFromColumns(columns, source, new Map(), lines);
      },
    };
  } finally {
    closeSync(fd);
  }
}
