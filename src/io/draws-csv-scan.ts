/**
 * The fast path of reading one CmdStan-format CSV file of draws (src/io/draws-csv-read.ts): the file is read a few
 * megabytes at a time and scanned byte by byte; each data row's numbers are parsed into one scratch row and handed
 * to the caller's sink at once, so neither the file's text nor its rows are ever held whole (a 10⁴-level run's chain
 * file is 200 MB of text; holding every chain's text and rows at once was most of `nutmeg summary`'s peak).
 *
 * It applies to the files nutmeg and CmdStan write: `#` comment lines, a header of plain names, rows of plain
 * decimal numbers or CmdStan's nan/inf spellings, LF or CRLF line ends. Anything else — gzip, a byte-order mark, a
 * quote, a space around a field, an empty or repeated column name, a cell that is not a number, a row with the wrong
 * number of fields — makes the scanner give up (null); the caller then reads the file with the full parser
 * (csv-parse), which gives the same values or the exact message. So this path decides no error itself.
 *
 * Numbers: a cell whose decimal digits read as an integer m ≤ 2^53 with a decimal exponent e, |e| ≤ 22, is
 * m × 10^e or m / 10^−e in one correctly rounded operation, since both operands are exact doubles (Clinger, "How to
 * read floating point numbers accurately", PLDI 1990, the fast path; as src/data/csv-fast.ts), so it equals
 * Number(cell); other cells are converted by Number() on their text.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 1 << 22;
const MAX_EXACT = 2 ** 53;
const POW10 = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);

const COMMA = 44;
const LF = 10;
const CR = 13;
const HASH = 35;
const QUOTE = 34;

/** Where one chain's rows go as they are read. */
export interface ChainSink {
  /** The rows so far are not draws (they were warm-up, or the file is being read again from its start). */
  restart(): void;
  /** One data row, as many values as the header has names; `row` is reused for the next row, so copy what you keep. */
  add(row: Float64Array): void;
}

export interface ScannedChain {
  readonly header: readonly string[];
  /** The file's comment lines, joined by line breaks (configuration, nutmeg's marks, adaptation, timing). */
  readonly comments: string;
  /** Whether a `# Adaptation terminated` comment was met (the rows before the first one were dropped by restart()). */
  readonly adaptation: boolean;
}

const ADAPTATION = /^#\s*Adaptation terminated/i;

/** CmdStan's and R's spellings of the non-finite values (lower-cased), as the full parser reads them. */
const SPECIAL: ReadonlyMap<string, number> = new Map([
  ['nan', NaN],
  ['na', NaN],
  ['-nan', NaN],
  ['inf', Infinity],
  ['+inf', Infinity],
  ['infinity', Infinity],
  ['+infinity', Infinity],
  ['-inf', -Infinity],
  ['-infinity', -Infinity],
]);

/** The header's names, or null when the line is not one the fast path reads (quotes, spaces, empty or repeated names). */
function headerNames(text: string): string[] | null {
  if (text.includes('"')) return null;
  const names = text.split(',');
  const seen = new Set<string>();
  for (const name of names) {
    if (name === '' || name !== name.trim() || seen.has(name)) return null;
    seen.add(name);
  }
  return names;
}

/**
 * Scans the data rows of buf[from, to) (each line ending in LF) into `row`, handing each to `sink`; comment lines go
 * to `onComment`. Returns the position after the last line scanned, or -1 to give up.
 */
function scanRows(buf: Buffer, from: number, to: number, row: Float64Array, sink: ChainSink, onComment: (line: string) => void): number {
  const width = row.length;
  let p = from;
  while (p < to) {
    let c = buf[p];
    if (c === LF) {
      p++; // an empty line
      continue;
    }
    if (c === CR && buf[p + 1] === LF) {
      p += 2;
      continue;
    }
    if (c === HASH) {
      const nl = buf.indexOf(LF, p);
      onComment(buf.toString('utf8', p, nl > p && buf[nl - 1] === CR ? nl - 1 : nl));
      p = nl + 1;
      continue;
    }
    for (let j = 0; j < width; j++) {
      const cellStart = p;
      c = buf[p];
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
      let v: number;
      if (digits === 0) {
        // not a decimal: nan, inf and their kin, or something the full parser must judge
        let end = cellStart;
        while (end < to && buf[end] !== COMMA && buf[end] !== LF && buf[end] !== CR) end++;
        const special = SPECIAL.get(buf.toString('latin1', cellStart, end).toLowerCase());
        if (special === undefined) return -1;
        v = special;
        p = end;
        c = buf[p];
      } else {
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
        if (exact && exp10 >= -22 && exp10 <= 22) {
          v = exp10 < 0 ? m / POW10[-exp10] : m * POW10[exp10];
          if (negative) v = -v;
        } else v = Number(buf.toString('latin1', cellStart, p));
      }
      row[j] = v;
      // the cell must end here: a comma before the last field, the line's end after it
      if (j < width - 1) {
        if (c !== COMMA) return -1;
        p++;
      } else if (c === LF) p++;
      else if (c === CR && buf[p + 1] === LF) p += 2;
      else return -1;
    }
    sink.add(row);
  }
  return p;
}

/**
 * Reads the CmdStan-format file at `path` in chunks: `begin(header)` once the header is read (it may throw: a header
 * that differs from the first chain's), then the sink's add() per data row and restart() at the first
 * `# Adaptation terminated` comment. Null when the file is not one this path reads (see the module comment); the
 * sink may have had rows by then, and the caller starts it over. `chunkBytes`: the first read's size (tests make
 * it small to put line ends at every place in a chunk); the buffer doubles while a line does not fit.
 */
export function scanChainCsv(path: string, begin: (header: readonly string[]) => ChainSink, chunkBytes = CHUNK_BYTES): ScannedChain | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    if (!fstatSync(fd).isFile()) return null;
    let buf = Buffer.allocUnsafe(chunkBytes);
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
    fill();
    // gzip or a byte-order mark: the full path
    if (len >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return null;
    if (len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return null;
    const comments: string[] = [];
    let adaptation = false;
    let header: string[] | null = null;
    let sink: ChainSink | null = null;
    let row: Float64Array | null = null;
    const onComment = (line: string): void => {
      comments.push(line);
      if (!adaptation && ADAPTATION.test(line)) {
        adaptation = true;
        sink?.restart();
      }
    };
    let start = 0;
    for (;;) {
      if (eof && len > start && buf[len - 1] !== LF) {
        // the last line has no line break: add one, so that every line scanned ends in one
        if (len + 1 > buf.length) {
          const bigger = Buffer.allocUnsafe(len + 1);
          buf.copy(bigger, 0, 0, len);
          buf = bigger;
        }
        buf[len++] = LF;
      }
      const to = eof ? len : buf.lastIndexOf(LF, len - 1) + 1;
      // comments and empty lines before the header, then the header
      while (header === null && start < to) {
        const nl = buf.indexOf(LF, start);
        const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
        if (end > start && buf[start] !== HASH) {
          for (let i = start; i < end; i++) if (buf[i] === QUOTE || buf[i] < 0x20) return null;
          header = headerNames(buf.toString('utf8', start, end));
          if (header === null) return null;
          sink = begin(header);
          row = new Float64Array(header.length);
        } else if (end > start) onComment(buf.toString('utf8', start, end));
        start = nl + 1;
      }
      if (header !== null && to > start) {
        const at = scanRows(buf, start, to, row as Float64Array, sink as ChainSink, onComment);
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
    if (header === null) return null; // the full parser says "no header line"
    return { header, comments: comments.join('\n'), adaptation };
  } finally {
    closeSync(fd);
  }
}
