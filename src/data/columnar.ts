/**
 * Reading a Parquet file or an Arrow IPC file/stream (.arrow, .arrows, .feather v2) into a Frame in Node: the file's
 * bytes and the decoders. Parquet is decoded by parquet-wasm (the Rust `parquet` crate compiled to WebAssembly) a
 * window of row groups at a time and copied straight out of its memory into compact frame columns (parquet-read.ts);
 * Arrow IPC is decoded by apache-arrow and the Frame's typed columns are filled from its column buffers, batch by
 * batch (arrow-read.ts). Both libraries are loaded on first use, so commands reading CSV do not pay for them (and
 * Parquet does not load apache-arrow). parquet-read.ts and arrow-read.ts import nothing from Node and take the
 * library as a parameter: a page reads through them with parquet-wasm's web build (src/browser/columnar-chunk.ts).
 *
 * Types come from the file's schema (arrow-schema.ts, one mapping for both formats): integers and floats → numeric
 * (stored compactly); strings and dictionary-encoded strings → categorical; booleans → boolean (0/1). A null is a
 * missing value, recorded in the frame's `missing` map as an empty CSV cell is, so the model's checks report it the
 * same way ("data.parquet, row 17, column "x": value is missing"). NaN or infinite floats, and columns of other types
 * (dates, timestamps, decimals, binary, lists, structs, …), are one-line errors naming the column.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { arrowBlocks, arrowFrame, type ArrowLibrary } from './arrow-read.js';
import type { ReadCsvOptions } from './csv-text.js';
import type { ColumnarFormat } from './data-format.js';
import type { Frame } from './frame.js';
import { frameRows, withFirstRow } from './frame-build.js';
import { parquetFrame, parquetLayout, parquetRowsFrame, type ParquetDecoder } from './parquet-read.js';

const require = createRequire(import.meta.url);
let arrowModule: ArrowLibrary | null = null;
let parquetModule: ParquetDecoder | null = null;
const arrow = (): ArrowLibrary => (arrowModule ??= require('apache-arrow') as ArrowLibrary);
const parquetWasm = (): ParquetDecoder => (parquetModule ??= require('parquet-wasm/node') as ParquetDecoder);

export type { ColumnarFormat } from './data-format.js';

/** Rows decoded at a time from a Parquet file read in blocks (columnarBlocks). */
const PARQUET_BATCH_ROWS = 1 << 20;

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** Reads a Parquet or Arrow IPC file's bytes into a Frame (see the module comment). */
export function frameFromColumnar(path: string, bytes: Uint8Array, format: ColumnarFormat, options: ReadCsvOptions = {}): Frame {
  if (format === 'parquet') return parquetFrame(path, bytes, parquetWasm(), options);
  return arrowFrame(path, bytes, arrow(), options);
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
 * row in the file (withFirstRow). Parquet is decoded `parquetRows` rows at a time (parquet-wasm's offset and limit,
 * a multiple of blockRows), so the decoded columns of the whole file are never held; an Arrow IPC file's table is its
 * bytes, sliced.
 */
export function* columnarBlocks(
  path: string,
  format: ColumnarFormat,
  options: ReadCsvOptions,
  blockRows: number,
  /** Rows decoded at a time from a Parquet file (tests make it small). */
  parquetRows = PARQUET_BATCH_ROWS,
): Generator<Frame> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`${path}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? oneLine(e)})`);
  }
  if (format === 'parquet') {
    const total = parquetLayout(path, bytes).numRows;
    const batchRows = Math.max(blockRows, Math.floor(parquetRows / blockRows) * blockRows);
    let rowBase = 0;
    do {
      const frame = parquetRowsFrame(path, bytes, parquetWasm(), options, rowBase, batchRows);
      yield* frameSlices(frame, blockRows, rowBase);
      rowBase += frame.nRows;
    } while (rowBase < total);
    return;
  }
  yield* arrowBlocks(path, bytes, arrow(), options, blockRows);
}
