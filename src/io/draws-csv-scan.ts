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
 * Numbers: readDecimal (src/data/decimal-bytes.ts, the CSV fast path's reader too), bit for bit Number() of the
 * cell's text; a cell that is no plain decimal is looked up among CmdStan's spellings of nan and inf, and anything
 * else (an overflowing decimal such as 1e999 included) is the full parser's.
 */
import { POINT, readDecimal } from '../data/decimal-bytes.js';
import { withFileChunks } from '../platform/chunk-reader.js';

const CHUNK_BYTES = 1 << 22;

const COMMA = 44;
const LF = 10;
const CR = 13;
const HASH = 35;
const QUOTE = 34;
/** The line break added to a last line without one. */
const LINE_END = [LF];

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
      const end = readDecimal(buf, p, POINT, row, j);
      if (end >= 0) p = end;
      else {
        // not a plain decimal: nan, inf and their kin, or something the full parser must judge
        let stop = p;
        while (stop < to && buf[stop] !== COMMA && buf[stop] !== LF && buf[stop] !== CR) stop++;
        const special = SPECIAL.get(buf.toString('latin1', p, stop).toLowerCase());
        if (special === undefined) return -1;
        row[j] = special;
        p = stop;
      }
      c = buf[p];
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
  return withFileChunks(path, () => chunkBytes, (reader) => {
    reader.fill();
    const head = reader.buf;
    // gzip or a byte-order mark: the full path
    if (reader.len >= 2 && head[0] === 0x1f && head[1] === 0x8b) return null;
    if (reader.len >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return null;
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
      const to = reader.wholeLines(LINE_END);
      const buf = reader.buf;
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
      if (reader.eof) break;
      // keep the partial last line, then read on
      reader.keep(start);
      start = 0;
      reader.fill();
    }
    if (header === null) return null; // the full parser says "no header line"
    return { header, comments: comments.join('\n'), adaptation };
  });
}
