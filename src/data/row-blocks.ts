/**
 * A data file read in blocks of rows (issue 16 item 7: `nutmeg score` of 10⁷ rows in bounded memory): each block is
 * a Frame of at most `blockRows` rows whose messages name the rows of the whole file — CSV blocks carry their file
 * lines, Parquet/Arrow and in-memory blocks their row numbers (withFirstRow).
 *
 * CSV: the file is read in chunks and cut at record ends (a line break outside quotes); each block's text is the
 * header line followed by the block's lines, read by the same parser as a whole file (csv-text.ts), so a block's
 * cells read as they would in the whole file. Column types are inferred per block unless forced (--numeric,
 * --factor): a column whose cells are numbers in one block and words in another reads as numeric in the first.
 * An empty line is kept at the start of the next block, so that one in the middle of the file is still the error it
 * is in a whole file, while empty lines at the very end are dropped as there. A gzip, UTF-16 or otherwise encoded file
 * is decoded whole first (readTextFile), then cut the same way. The separator and decimal mark are chosen once, from
 * the file's name and header line (csv-dialect.ts), and logged once; columns left out for having neither a name nor
 * values in a block are warned about once (a block with a value there is the error a whole file gives).
 *
 * Parquet: decoded a batch of rows at a time from the file itself, a column chunk at a time (columnar.ts) — neither
 * the file's bytes nor its decoded rows are held whole (parquet-wasm's offset/limit on the file's bytes for a codec
 * the JavaScript reader lacks). Arrow IPC: the file's bytes are the columns; blocks are slices of its table.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { ReadCsvOptions } from './csv-text.js';
import { frameFromCsvText } from './csv-text.js';
import { chooseDialect, dialectLine } from './csv-dialect.js';
import { columnarBlocks } from './columnar.js';
import { dataFileFormat, refuseCsvDialect } from './data-file.js';
import { firstInvalidUtf8, needsTextDecoding } from './file-text.js';
import { decodeTextBytes } from './text-bytes.js';
import { readTextFile } from './file-text.js';
import type { Frame } from './frame.js';
import { frameRows, withFirstRow } from './frame-build.js';
import { ChunkReader, type ReadBytes } from '../platform/chunk-reader.js';

/** Rows per block unless asked otherwise (the fast CSV reader's block, csv-fast.ts). */
export const BLOCK_ROWS = 1 << 16;

const CHUNK_BYTES = 1 << 22;
const LF = 10;
const CR = 13;
const QUOTE = 34;

/** The blocks of an in-memory frame (a simulated data set), each naming its rows as rows of `frame`. */
export function* frameBlocks(frame: Frame, blockRows = BLOCK_ROWS): Generator<Frame> {
  for (let first = 0; first < frame.nRows; first += blockRows) {
    const count = Math.min(blockRows, frame.nRows - first);
    const rows = new Uint32Array(count);
    for (let k = 0; k < count; k++) rows[k] = first + k;
    yield withFirstRow(frameRows(frame, rows), first);
  }
}

/** The blocks of a CSV, Parquet or Arrow IPC file (see the module comment). */
export function fileBlocks(path: string, options: ReadCsvOptions = {}, blockRows = BLOCK_ROWS): Generator<Frame> {
  const format = dataFileFormat(path);
  if (format !== 'csv') {
    refuseCsvDialect(path, format, options);
    return columnarBlocks(path, format, options, blockRows);
  }
  return csvBlocks(path, options, blockRows);
}

/** Where the bytes come from: the file, chunk by chunk, or the whole text of a file that needed decoding. */
interface ByteSource {
  readonly read: ReadBytes;
  close(): void;
}

function openBytes(path: string): { source: ByteSource; decoded: boolean } {
  let fd: number;
  try {
    if (!statSync(path).isFile()) return { source: wholeText(path), decoded: true };
    fd = openSync(path, 'r');
  } catch {
    return { source: wholeText(path), decoded: true }; // readTextFile says why in its words
  }
  const head = Buffer.alloc(16);
  const got = readSync(fd, head, 0, 16, 0);
  if (needsTextDecoding(head.subarray(0, got))) {
    closeSync(fd);
    return { source: wholeText(path), decoded: true };
  }
  let position = 0;
  return {
    source: {
      read(buf, offset, length) {
        const n = readSync(fd, buf, offset, length, position);
        position += n;
        return n;
      },
      close: () => closeSync(fd),
    },
    decoded: false,
  };
}

function wholeText(path: string): ByteSource {
  const bytes = Buffer.from(readTextFile(path), 'utf8');
  let at = 0;
  return {
    read(buf, offset, length) {
      const n = Math.min(length, bytes.length - at);
      bytes.copy(buf, offset, at, at + n);
      at += n;
      return n;
    },
    close: () => undefined,
  };
}

function countBreaks(buf: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let at = buf.indexOf(LF, from); at >= 0 && at < to; at = buf.indexOf(LF, at + 1)) count++;
  return count;
}

function* csvBlocks(path: string, options: ReadCsvOptions, blockRows: number): Generator<Frame> {
  const { source, decoded } = openBytes(path);
  try {
    const reader = new ChunkReader(source.read, CHUNK_BYTES);
    // the header: the bytes up to the first line break outside quotes
    let headerEnd = -1;
    let inQuote = false;
    let scanned = 0;
    while (headerEnd < 0) {
      reader.fill();
      for (; scanned < reader.len && headerEnd < 0; scanned++) {
        const c = reader.buf[scanned];
        if (c === QUOTE) inQuote = !inQuote;
        else if (c === LF && !inQuote) headerEnd = scanned + 1;
      }
      if (reader.eof && headerEnd < 0) headerEnd = reader.len;
    }
    const headerBytes = Buffer.from(reader.buf.subarray(0, headerEnd));
    // the dialect from the header line (undecodable bytes there are the first block's error, as in a whole file)
    const dialect = chooseDialect(path, headerBytes.toString('utf8'), options);
    const line = dialectLine(path, dialect);
    if (line !== null) options.log?.(line);
    const warned = new Set<string>();
    const { warn } = options;
    const blockOptions: ReadCsvOptions = {
      ...options,
      warn: warn === undefined ? undefined : (message) => {
        if (warned.has(message)) return;
        warned.add(message);
        warn(message);
      },
    };
    // the first block's text starts with the file's own bytes (byte-order mark and all), later ones with the header
    let headerText: string | null = null;
    let firstLine = 2;
    let start = headerEnd;
    let first = true;
    let any = false;
    for (;;) {
      // cut after blockRows records, at a record end outside quotes, never right after an empty line
      let records = 0;
      let cut = -1;
      let at = start;
      let lineStart = start;
      let quoted = false;
      let buf = reader.buf;
      for (;;) {
        if (at === reader.len) {
          if (reader.eof) break;
          // keep the block's bytes so far (the first block's with the header), read on
          const keep = first ? 0 : start;
          reader.keep(keep);
          at -= keep;
          lineStart -= keep;
          start -= keep;
          reader.fill();
          buf = reader.buf;
          continue;
        }
        const c = buf[at++];
        if (c === QUOTE) quoted = !quoted;
        else if (c === LF && !quoted) {
          const empty = at - lineStart === 1 || (at - lineStart === 2 && buf[lineStart] === CR);
          lineStart = at;
          if (!empty) records++;
          if (records === blockRows && !empty) {
            cut = at;
            break;
          }
        }
      }
      const end = cut >= 0 ? cut : reader.len;
      if (end === start && !first) break;
      if (cut < 0 && !first && isBlank(buf, start, end)) break; // only empty lines left: the end of the file
      let text: string;
      if (first) {
        const bytes = buf.subarray(0, end);
        text = decoded ? bytes.toString('utf8') : decodeTextBytes(path, bytes);
      } else {
        headerText ??= decodeBlock(path, headerBytes, 0, headerBytes.length, 1, decoded);
        text = headerText + decodeBlock(path, buf, start, end, firstLine, decoded);
      }
      const frame = frameFromCsvText(path, text, blockOptions, firstLine, dialect);
      any = true;
      yield frame;
      firstLine += countBreaks(buf, first ? headerEnd : start, end);
      first = false;
      start = end;
      if (cut < 0) break;
    }
    if (!any) throw new UserError(`${path}: has a header but no data rows`);
  } finally {
    source.close();
  }
}

function isBlank(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== LF && buf[i] !== CR) return false;
  return true;
}

/** UTF-8 text of buf[from, to); invalid bytes are the error a whole file gives, at the file line. */
function decodeBlock(path: string, buf: Buffer, from: number, to: number, firstLine: number, decoded: boolean): string {
  const bytes = buf.subarray(from, to);
  if (decoded) return bytes.toString('utf8');
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const byte = bytes[Math.max(0, at)].toString(16).toUpperCase().padStart(2, '0');
    const line = firstLine + countBreaks(bytes, 0, Math.max(0, at));
    throw new UserError(`${path}: not UTF-8 (byte 0x${byte} at line ${line}); save it as UTF-8`);
  }
}
