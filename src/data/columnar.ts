/**
 * Reading a Parquet file or an Arrow IPC file/stream (.arrow, .arrows, .feather v2) into a Frame in Node: the file and
 * the decoders. Parquet is decoded in JavaScript (parquet-pages.ts, with hyparquet's decoders) page by page straight
 * into compact frame columns, from the file itself a column chunk at a time (parquetFileFrame: the file is never held
 * whole); gzip and brotli pages (and zstd from Node 22.15) through Node's zlib; a file with a codec neither decodes
 * (lz4, zstd on older Node) is read by parquet-wasm (the Rust `parquet` crate compiled to WebAssembly) a window of row
 * groups at a time (parquet-read.ts). Arrow IPC is decoded by apache-arrow and the Frame's typed columns are filled
 * from its column buffers, batch by batch (arrow-read.ts). The libraries are loaded on first use, so commands reading
 * CSV do not pay for them (and Parquet loads neither apache-arrow nor, unless it falls back, parquet-wasm).
 * parquet-read.ts and arrow-read.ts import nothing from Node and take the library as a parameter: a page reads through
 * them with parquet-wasm's web build (src/browser/columnar-chunk.ts).
 *
 * Types come from the file's schema (arrow-schema.ts, one mapping for both formats): integers and floats → numeric
 * (stored compactly); strings and dictionary-encoded strings → categorical; booleans → boolean (0/1). A null is a
 * missing value, recorded in the frame's `missing` map as an empty CSV cell is, so the model's checks report it the
 * same way ("data.parquet, row 17, column "x": value is missing"). NaN or infinite floats, and columns of other types
 * (dates, timestamps, decimals, binary, lists, structs, …), are one-line errors naming the column.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Compressors } from 'hyparquet';
import { UserError } from '../errors.js';
import { arrowBlocks, arrowFrame, type ArrowLibrary } from './arrow-read.js';
import type { ReadCsvOptions } from './csv-text.js';
import type { ColumnarFormat } from './data-format.js';
import type { Frame } from './frame.js';
import { frameRows, withFirstRow } from './frame-build.js';
import { parquetMetadataOf, parquetPagesFrame, type PagesOptions } from './parquet-pages.js';
import type { ByteSource } from './parquet-byte-source.js';
import { parquetFrame, parquetLayout, parquetRowsFrame, type ParquetDecoder } from './parquet-read.js';
import { largeAllocator } from '../platform/large-buffer.js';

const require = createRequire(import.meta.url);
let arrowModule: ArrowLibrary | null = null;
let parquetModule: ParquetDecoder | null = null;
const arrow = (): ArrowLibrary => (arrowModule ??= require('apache-arrow') as ArrowLibrary);
const parquetWasm = (): ParquetDecoder => (parquetModule ??= require('parquet-wasm/node') as ParquetDecoder);

type Zlib = typeof import('node:zlib') & { zstdDecompressSync?: (b: Uint8Array) => Uint8Array };
let zlibModule: Zlib | null = null;
/** node:zlib, loaded on the first Parquet file (commands reading CSV never load it; tests/cli/lazy-imports.test.ts). */
const zlib = (): Zlib => (zlibModule ??= require('node:zlib') as Zlib);
let compressors: Compressors | null = null;

/** Parquet codecs besides snappy that Node decodes (zstd from Node 22.15 on); LZ4 and the rest go to parquet-wasm. */
function nodeCompressors(): Compressors {
  if (compressors === null) {
    const z = zlib();
    const zstd = z.zstdDecompressSync;
    compressors = {
      GZIP: (input) => z.gunzipSync(input),
      BROTLI: (input) => z.brotliDecompressSync(input),
      ...(zstd === undefined ? {} : { ZSTD: (input: Uint8Array) => zstd(input) }),
    };
  }
  return compressors;
}

export type { ColumnarFormat } from './data-format.js';

/** Rows decoded at a time from a Parquet file read in blocks (columnarBlocks). */
const PARQUET_BATCH_ROWS = 1 << 20;

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/**
 * A whole-file read's options: the codecs Node decodes, and the columns' storage in huge-page memory when the native
 * addon provides it (large-buffer.ts: first writes to fresh 4 KiB pages were half the CPU of a cold read). Not for
 * reads in blocks: the addon's memory goes back only once the event loop turns (Node runs the finalizers of external
 * buffers from it), so a synchronous loop over blocks would hold every block's columns.
 */
function wholeFileOptions(options: PagesOptions): PagesOptions {
  const allocate = options.allocate ?? largeAllocator() ?? undefined;
  return { ...options, compressors: nodeCompressors(), ...(allocate === undefined ? {} : { allocate }) };
}

/**
 * A Parquet file on disk read a column chunk at a time into one reused buffer (parquet-pages.ts ByteSource), in
 * `allocate`'s memory when given.
 */
function openParquet(path: string, allocate: ((bytes: number) => ArrayBuffer) | undefined): { source: ByteSource; close(): void } | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null; // readFileSync says why in its words
  }
  let buffer = Buffer.allocUnsafe(0);
  const source: ByteSource = {
    length: fstatSync(fd).size,
    read(offset, length) {
      if (buffer.length < length) {
        const size = Math.max(length, Math.min(2 * buffer.length, 1 << 26));
        buffer = allocate === undefined ? Buffer.allocUnsafe(size) : Buffer.from(allocate(size));
      }
      for (let got = 0; got < length; ) {
        const n = readSync(fd, buffer, got, length - got, offset + got);
        if (n === 0) throw new Error('the file ends early');
        got += n;
      }
      // (a plain Uint8Array view: a Buffer's slice would not copy)
      return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
    },
  };
  return { source, close: () => closeSync(fd) };
}

/**
 * Reads a Parquet file from disk into a Frame: the JavaScript reader on the file itself (never held whole), or —
 * for a codec it lacks — parquet-wasm on the file's bytes.
 */
export function parquetFileFrame(path: string, options: PagesOptions = {}): Frame {
  const pages = wholeFileOptions(options);
  const file = openParquet(path, pages.allocate);
  if (file !== null) {
    try {
      const frame = parquetPagesFrame(path, file.source, pages);
      if (frame !== null) return frame;
    } finally {
      file.close();
    }
  }
  return parquetFrame(path, readFileSync(path), parquetWasm, { ...options, compressors: nodeCompressors() });
}

/**
 * Reads an Arrow IPC file from disk into a Frame: its bytes — which its float64 columns stay views of — in huge-page
 * memory when the native addon provides it (as the Parquet reader's columns: fresh 4 KiB pages cost most of a cold
 * read's CPU on this VM), else as readFileSync gives them.
 */
export function arrowFileFrame(path: string, options: ReadCsvOptions = {}): Frame {
  return arrowFrame(path, fileBytes(path, largeAllocator() ?? undefined), arrow(), options);
}

/** The whole file, in `allocate`'s memory when given. */
function fileBytes(path: string, allocate: ((bytes: number) => ArrayBuffer) | undefined): Uint8Array {
  if (allocate === undefined) return readFileSync(path);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return readFileSync(path); // (which says why in its words)
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return readFileSync(path);
    const bytes = new Uint8Array(allocate(size));
    for (let got = 0; got < size; ) {
      const n = readSync(fd, bytes, got, size - got, got);
      if (n === 0) return readFileSync(path); // (the file shrank while read)
      got += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** The blocks of at most `blockRows` rows of `frame`, whose first row is row `rowBase` of the file. */
function* frameSlices(frame: Frame, blockRows: number, rowBase: number): Generator<Frame> {
  for (let first = 0; first < frame.nRows; first += blockRows) {
    const count = Math.min(blockRows, frame.nRows - first);
    const rows = new Uint32Array(count);
    for (let k = 0; k < count; k++) rows[k] = first + k;
    yield withFirstRow(count === frame.nRows ? frame : frameRows(frame, rows), rowBase + first);
  }
}

/**
 * A Parquet or Arrow IPC file as Frames of at most `blockRows` rows each, in order; a block's rows are named by their
 * row in the file (withFirstRow). Parquet is decoded `parquetRows` rows at a time (a multiple of blockRows) from the
 * file itself, so neither the file nor its decoded columns are ever held whole (parquet-wasm's offset and limit, on
 * the file's bytes, for a codec the JavaScript reader lacks); an Arrow IPC file's table is its bytes, sliced.
 */
export function* columnarBlocks(
  path: string,
  format: ColumnarFormat,
  options: ReadCsvOptions,
  blockRows: number,
  /** Rows decoded at a time from a Parquet file (tests make it small). */
  parquetRows = PARQUET_BATCH_ROWS,
): Generator<Frame> {
  // Parquet: the JavaScript reader on the file itself, one batch of rows decoded at a time, the file never held whole;
  // from the first row group whose codec it lacks on, parquet-wasm on the file's bytes
  let resume = 0;
  const batchRows = Math.max(blockRows, Math.floor(parquetRows / blockRows) * blockRows);
  const pages = { ...options, compressors: nodeCompressors() };
  const file = format === 'parquet' ? openParquet(path, undefined) : null;
  if (file !== null) {
    try {
      const total = Number(parquetMetadataOf(path, file.source).num_rows);
      do {
        const frame = parquetPagesFrame(path, file.source, pages, { offset: resume, limit: batchRows });
        if (frame === null) break;
        yield* frameSlices(frame, blockRows, resume);
        resume += frame.nRows;
      } while (resume < total);
      if (resume >= total) return;
    } finally {
      file.close();
    }
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? oneLine(e)})`);
  }
  if (format === 'parquet') {
    const total = parquetLayout(path, bytes).numRows;
    let rowBase = resume;
    do {
      const frame = parquetRowsFrame(path, bytes, parquetWasm, pages, rowBase, batchRows);
      yield* frameSlices(frame, blockRows, rowBase);
      rowBase += frame.nRows;
    } while (rowBase < total);
    return;
  }
  yield* arrowBlocks(path, bytes, arrow(), options, blockRows);
}
