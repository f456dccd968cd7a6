/**
 * Reading a Parquet file or an Arrow IPC file/stream (.arrow, .arrows, .feather v2) into a Frame. Parquet is decoded
 * in JavaScript (parquet-pages.ts, with hyparquet's decoders) page by page straight into compact frame columns, from
 * the file itself a column chunk at a time (parquetFileFrame: the file is never held whole); gzip and brotli pages
 * (and zstd from Node 22.15) through Node's zlib; a file with a codec neither decodes (lz4, zstd on older Node) is read by
 * parquet-wasm (the Rust `parquet` crate compiled to WebAssembly) a window of row groups at a time (parquet-read.ts).
 * Arrow IPC is decoded by apache-arrow and the Frame's typed columns are filled from its column buffers, batch by batch
 * (no per-row objects). The libraries are loaded on first use, so commands reading CSV do not pay for them (and
 * Parquet loads neither apache-arrow nor, unless it falls back, parquet-wasm).
 *
 * Types come from the file's schema (arrow-schema.ts, one mapping for both formats): integers and floats → numeric
 * (stored compactly); strings and dictionary-encoded strings → categorical, levels sorted as plain strings like a CSV
 * column; booleans → boolean (0/1). A null is a missing value, recorded in the frame's `missing` map as an empty CSV
 * cell is, so the model's checks report it the same way ("data.parquet, row 17, column "x": value is missing"). NaN
 * or infinite floats, and columns of other types (dates, timestamps, decimals, binary, lists, structs, …), are
 * one-line errors naming the column. A type forced with --factor/--numeric (or levels) re-reads that column's values
 * as text cells with the CSV rules (text-columns.ts).
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import type { Compressors } from 'hyparquet';
import { UserError } from '../errors.js';
import { frameColumnType, type ArrowTypeClass } from './arrow-schema.js';
import type { ReadCsvOptions } from './csv.js';
import { checkOptionColumns } from './csv.js';
import type { Column, Frame } from './frame.js';
import { MISSING_CODE, booleanColumn, categoricalColumn, compactNumericColumn, frameFromColumns, frameRows, withFirstRow } from './frame-build.js';
import { hasNonFinite } from './column-sinks.js';
import { parquetMetadataOf, parquetPagesFrame, type ByteSource, type PagesOptions } from './parquet-pages.js';
import { parquetFrame, parquetLayout, parquetRowsFrame, type ParquetDecoder } from './parquet-read.js';
import { columnFromText, type ColumnType } from './text-columns.js';

type Arrow = typeof import('apache-arrow');
type ArrowTable = import('apache-arrow').Table;
type ArrowData = import('apache-arrow').Data;

const require = createRequire(import.meta.url);
let arrowModule: Arrow | null = null;
let parquetModule: ParquetDecoder | null = null;
const arrow = (): Arrow => (arrowModule ??= require('apache-arrow') as Arrow);
const parquetWasm = (): ParquetDecoder => (parquetModule ??= require('parquet-wasm/node') as ParquetDecoder);

/** Parquet codecs besides snappy that Node decodes (zstd from Node 22.15 on); LZ4 and the rest go to parquet-wasm. */
const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Uint8Array }).zstdDecompressSync;
const NODE_COMPRESSORS: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
  ...(zstd === undefined ? {} : { ZSTD: (input: Uint8Array) => zstd(input) }),
};

export type ColumnarFormat = 'parquet' | 'arrow';

/** Rows decoded at a time from a Parquet file read in blocks (columnarBlocks). */
const PARQUET_BATCH_ROWS = 1 << 20;

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

/** The Arrow table in `bytes` (an Arrow IPC file/stream); one-line errors. */
function decode(path: string, bytes: Uint8Array): ArrowTable {
  try {
    return arrow().tableFromIPC(bytes);
  } catch (e) {
    throw new UserError(
      `${path}: cannot read the Arrow IPC file (${oneLine(e)}); write it as Arrow IPC (Feather v2), Parquet or CSV`,
    );
  }
}

function isNull(data: ArrowData, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (data.nullCount === 0 || bitmap === undefined || bitmap.length === 0) return false;
  const bit = data.offset + i;
  return (bitmap[bit >> 3] & (1 << (bit & 7))) === 0;
}

/** The class of an apache-arrow column's type, for the schema → frame mapping (arrow-schema.ts). */
function arrowTypeClass(data: ArrowData): ArrowTypeClass {
  const { Type } = arrow();
  switch (data.typeId) {
    case Type.Int:
      return 'integer';
    case Type.Float:
      return (data.type as unknown as { precision: number }).precision === 0 ? 'half-float' : 'float';
    case Type.Bool:
      return 'boolean';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Dictionary: {
      const valueType = (data.type as unknown as { dictionary: { typeId: number } }).dictionary.typeId;
      return valueType === Type.Utf8 || valueType === Type.LargeUtf8 ? 'dictionary-string' : 'other';
    }
    case Type.Null:
      return 'null';
    default:
      return 'other';
  }
}

/** The natural type of a column from its schema, or an error for one nutmeg does not read. */
function schemaType(path: string, name: string, data: ArrowData): ColumnType {
  return frameColumnType(path, name, arrowTypeClass(data), String(data.type));
}

interface Built {
  readonly column: Column;
  readonly missing: Uint32Array | null;
}

/** Rows whose value is null, over all chunks of a column. */
function nullRows(chunks: readonly ArrowData[]): Uint32Array | null {
  let count = 0;
  for (const d of chunks) count += d.nullCount;
  if (count === 0) return null;
  const rows = new Uint32Array(count);
  let k = 0;
  let base = 0;
  for (const d of chunks) {
    if (d.nullCount > 0) for (let i = 0; i < d.length; i++) if (isNull(d, i)) rows[k++] = base + i;
    base += d.length;
  }
  return rows;
}

/** A column of values without nulls, once checked finite (a one-line error naming the first bad row otherwise). */
function finiteNumericColumn(path: string, name: string, values: Float64Array, rowBase = 0): Column {
  if (!hasNonFinite(values)) return compactNumericColumn(name, values);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) {
      const what = Number.isNaN(v) ? 'is NaN, not a number' : 'is infinite, not a finite number';
      throw new UserError(`${path}, row ${rowBase + i + 1}, column "${name}": the value ${what}; repair it or write it as a null (missing)`);
    }
  }
  return compactNumericColumn(name, values);
}

function numericFromChunks(path: string, name: string, chunks: readonly ArrowData[], n: number, rowBase: number): Column {
  // one chunk of float64 without nulls: the Arrow buffer itself (a view of the decoded bytes), once checked finite
  const only = chunks.length === 1 ? chunks[0].values : null;
  if (only instanceof Float64Array && only.length === n && chunks[0].nullCount === 0) return finiteNumericColumn(path, name, only, rowBase);
  const out = new Float64Array(n);
  let base = 0;
  for (const d of chunks) {
    const values = d.values as ArrayLike<number | bigint>;
    const len = d.length;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < len; i++) out[base + i] = Number(values[i]);
    } else if (values instanceof Float64Array || values instanceof Float32Array) {
      for (let i = 0; i < len; i++) {
        const v = values[i];
        if (v - v !== 0 && !isNull(d, i)) {
          const what = Number.isNaN(v) ? 'is NaN, not a number' : 'is infinite, not a finite number';
          throw new UserError(
            `${path}, row ${rowBase + base + i + 1}, column "${name}": the value ${what}; repair it or write it as a null (missing)`,
          );
        }
        out[base + i] = v;
      }
    } else {
      // (a buffer of narrow integers can be longer than the chunk: Arrow pads buffers to 8 bytes)
      out.set((values as Int32Array).subarray(0, len), base);
    }
    if (d.nullCount > 0) for (let i = 0; i < len; i++) if (isNull(d, i)) out[base + i] = NaN;
    base += len;
  }
  return compactNumericColumn(name, out);
}

function booleanFromChunks(name: string, chunks: readonly ArrowData[], n: number): Column {
  const out = new Uint8Array(n);
  let base = 0;
  for (const d of chunks) {
    const bits = d.values as Uint8Array;
    for (let i = 0; i < d.length; i++) {
      const bit = d.offset + i;
      out[base + i] = (bits[bit >> 3] >> (bit & 7)) & 1 && !isNull(d, i) ? 1 : 0;
    }
    base += d.length;
  }
  return booleanColumn(name, out);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The strings of a Utf8/LargeUtf8 chunk, decoded one by one (null for a null). */
function stringAt(d: ArrowData, bytes: Buffer, i: number): string {
  const offsets = d.valueOffsets as ArrayLike<number | bigint>;
  return bytes.toString('utf8', Number(offsets[i]), Number(offsets[i + 1]));
}

function chunkBytes(d: ArrowData): Buffer {
  const values = d.values as Uint8Array;
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** A categorical column: codes in order of first appearance, then renumbered in sorted level order (as for CSV). */
function categoricalFromChunks(name: string, chunks: readonly ArrowData[], n: number): Column {
  const { Type } = arrow();
  const codes = new Uint32Array(n);
  const index = new Map<string, number>();
  const codeOf = (s: string): number => {
    let c = index.get(s);
    if (c === undefined) {
      c = index.size;
      index.set(s, c);
    }
    return c;
  };
  let base = 0;
  for (const d of chunks) {
    if (d.typeId === Type.Dictionary) {
      const dict = d.dictionary;
      const keys = d.values as ArrayLike<number | bigint>;
      const local = new Int32Array(dict?.length ?? 0).fill(-1);
      for (let i = 0; i < d.length; i++) {
        if (isNull(d, i)) {
          codes[base + i] = MISSING_CODE;
          continue;
        }
        const key = Number(keys[i]);
        let c = local[key];
        if (c < 0) {
          const s = dict?.get(key);
          c = s === null || s === undefined ? -2 : codeOf(String(s));
          local[key] = c;
        }
        codes[base + i] = c === -2 ? MISSING_CODE : c;
      }
    } else {
      const bytes = chunkBytes(d);
      for (let i = 0; i < d.length; i++) codes[base + i] = isNull(d, i) ? MISSING_CODE : codeOf(stringAt(d, bytes, i));
    }
    base += d.length;
  }
  const firstSeen = [...index.keys()];
  const levels = [...firstSeen].sort(compareStrings);
  const rank = new Map(levels.map((level, k) => [level, k]));
  const remap = Uint32Array.from(firstSeen, (level) => rank.get(level) ?? 0);
  for (let r = 0; r < n; r++) if (codes[r] !== MISSING_CODE) codes[r] = remap[codes[r]];
  return categoricalColumn(name, codes, levels);
}

/** A column's values as CSV-like text cells (null → empty cell), for re-reading it with a forced type. */
function textCells(table: ArrowTable, index: number): string[][] {
  const vector = table.getChildAt(index);
  const cells: string[][] = new Array<string[]>(table.numRows);
  if (vector === null) return cells;
  let r = 0;
  for (const v of vector) {
    cells[r++] = [v === null || v === undefined ? '' : String(v)];
  }
  return cells;
}

function buildColumn(path: string, table: ArrowTable, index: number, options: ReadCsvOptions, rowBase = 0): Built {
  const field = table.schema.fields[index];
  const name = field.name;
  const chunks = (table.getChildAt(index)?.data ?? []) as ArrowData[];
  const n = table.numRows;
  const natural = chunks.length > 0 ? schemaType(path, name, chunks[0]) : 'numeric';
  const forced = options.types?.[name];
  const levels = options.levels?.[name];
  if ((forced !== undefined && forced !== natural) || levels !== undefined) {
    const rows = textCells(table, index);
    const result = columnFromText({ name, rows, index: 0, type: forced, levels, where: (row) => `${path}, row ${rowBase + row + 1}` });
    return result;
  }
  const missing = nullRows(chunks);
  if (natural === 'numeric') return { column: numericFromChunks(path, name, chunks, n, rowBase), missing };
  if (natural === 'boolean') return { column: booleanFromChunks(name, chunks, n), missing };
  return { column: categoricalFromChunks(name, chunks, n), missing };
}

/** The schema's names, checked: at least one, none twice. */
function checkedNames(path: string, names: string[]): string[] {
  if (names.length === 0) throw new UserError(`${path}: the file has no columns`);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new UserError(`${path}: column name "${name}" appears twice in the schema; rename one`);
    seen.add(name);
  }
  return names;
}

/** The column names of a decoded table, checked: at least one, none twice. */
function tableNames(path: string, table: ArrowTable): string[] {
  return checkedNames(path, table.schema.fields.map((f) => f.name));
}

/** The Frame of a decoded table (or a slice of one starting at row `rowBase` of the file, which messages count from). */
function tableFrame(path: string, table: ArrowTable, names: readonly string[], options: ReadCsvOptions, rowBase: number): Frame {
  const columns: Column[] = [];
  const missing = new Map<string, Uint32Array>();
  for (let j = 0; j < names.length; j++) {
    const built = buildColumn(path, table, j, options, rowBase);
    columns.push(built.column);
    if (built.missing !== null) missing.set(names[j], built.missing);
  }
  return frameFromColumns(columns, path, missing);
}

/** A Parquet file on disk read a column chunk at a time into one reused buffer (parquet-pages.ts ByteSource). */
function openParquet(path: string): { source: ByteSource; close(): void } | null {
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
      if (buffer.length < length) buffer = Buffer.allocUnsafe(Math.max(length, Math.min(2 * buffer.length, 1 << 26)));
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
  const file = openParquet(path);
  if (file !== null) {
    try {
      const frame = parquetPagesFrame(path, file.source, { ...options, compressors: NODE_COMPRESSORS });
      if (frame !== null) return frame;
    } finally {
      file.close();
    }
  }
  return parquetFrame(path, readFileSync(path), parquetWasm, { ...options, compressors: NODE_COMPRESSORS });
}

/** Reads a Parquet or Arrow IPC file's bytes into a Frame (see the module comment). */
export function frameFromColumnar(path: string, bytes: Uint8Array, format: ColumnarFormat, options: ReadCsvOptions = {}): Frame {
  if (format === 'parquet') return parquetFrame(path, bytes, parquetWasm, { ...options, compressors: NODE_COMPRESSORS });
  const table = decode(path, bytes);
  const names = tableNames(path, table);
  if (table.numRows === 0) throw new UserError(`${path}: has a schema but no data rows`);
  checkOptionColumns(path, names, options);
  return tableFrame(path, table, names, options, 0);
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
  const pages = { ...options, compressors: NODE_COMPRESSORS };
  const file = format === 'parquet' ? openParquet(path) : null;
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
  const table = decode(path, bytes);
  const names = tableNames(path, table);
  if (table.numRows === 0) throw new UserError(`${path}: has a schema but no data rows`);
  checkOptionColumns(path, names, options);
  for (let first = 0; first < table.numRows; first += blockRows) {
    const slice = table.slice(first, Math.min(table.numRows, first + blockRows));
    yield withFirstRow(tableFrame(path, slice, names, options, first), first);
  }
}
