/**
 * Reading a Parquet file's bytes into a Frame in JavaScript (issue 16 item 3), page by page, straight into the frame's
 * compact columns: no WebAssembly, no copy of the file, no Arrow table, nothing asynchronous. hyparquet (a pure
 * JavaScript Parquet reader) gives the building blocks — the footer (FileMetaData), the page headers (Thrift compact
 * protocol), snappy, the RLE/bit-packed hybrid decoder, and whole-page decoding for the rarer encodings (DELTA_*,
 * BYTE_STREAM_SPLIT, ALP) — and this module walks each column chunk itself for the common ones (PLAIN and dictionary
 * pages, v1 and v2), so that
 *   - numbers are read as typed views of the decompressed page and copied once into the column's storage (the
 *     narrowest array holding every value read so far, re-stored wider when a later page needs it: compactValues'
 *     choice for the whole column);
 *   - strings, plain or dictionary-encoded, become level codes found by their UTF-8 bytes (LevelIndex): a string is
 *     decoded once per level, never once per row, and a dictionary entry only when a row uses it;
 *   - a null (definition level 0) is a missing row, as an empty CSV cell is.
 * Only the columns asked for are decoded (`columns`); the others' bytes are not touched.
 *
 * Types come from the Parquet schema (physical type + logical/converted annotation), mapped by the same rule as the
 * Arrow readers (arrow-schema.ts frameColumnType), with the Arrow names of the types in messages. Pages compressed
 * with a codec other than snappy (or none) are decoded by `compressors` when one is given for that codec; without
 * one, parquetPagesFrame returns null and the caller reads the file another way (parquet-wasm).
 *
 * The pieces: parquet-schema.ts (the columns' types), parquet-chunk.ts (a column chunk page by page, decompression),
 * parquet-plain.ts, parquet-dictionary.ts and parquet-page-values.ts (the values by encoding), parquet-sinks.ts (the
 * columns' storage), parquet-scratch.ts, parquet-byte-source.ts. This module plans the columns and row groups and
 * builds the Frame.
 *
 * No Node imports (a page can use it).
 */
import type { ColumnMetaData, Compressors, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetMetadata } from 'hyparquet/src/metadata.js';
import { getSchemaPath } from 'hyparquet/src/schema.js';
import { UserError } from '../errors.js';
import { frameColumnType } from './arrow-schema.js';
import { LevelIndex, type Allocate } from './column-sinks.js';
import { checkOptionColumns, type ReadCsvOptions } from './csv-text.js';
import type { Column, Frame } from './frame.js';
import { frameFromColumns } from './frame-build.js';
import { bytesSource, type ByteSource } from './parquet-byte-source.js';
import { decompressor, readChunk, type Decompress } from './parquet-chunk.js';
import { Scratch } from './parquet-scratch.js';
import { leafCount, leafType, nestedText, type Planned } from './parquet-schema.js';
import { BooleanSink, CategoricalSink, NumericSink, TextSink, type Sink } from './parquet-sinks.js';
import type { ColumnType } from './text-columns.js';

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function damaged(path: string, e: unknown): UserError {
  return new UserError(`${path}: cannot read the Parquet file (${oneLine(e)}); the file is damaged or not Parquet`);
}

/** The footer, or the one-line error. */
export function parquetMetadataOf(path: string, bytes: Uint8Array | ByteSource): FileMetaData {
  try {
    if (bytes instanceof Uint8Array) return parquetMetadata(bytes, { geoparquet: false });
    if (bytes.length < 12) throw new Error('the file is too short for Parquet');
    const tail = bytes.read(bytes.length - 8, 8);
    const footer = (tail[0] | (tail[1] << 8) | (tail[2] << 16) | (tail[3] << 24)) >>> 0;
    if (footer > bytes.length - 12) throw new Error(`the footer length ${footer} is larger than the file`);
    return parquetMetadata(new Uint8Array(bytes.read(bytes.length - 8 - footer, footer + 8)), { geoparquet: false });
  } catch (e) {
    throw damaged(path, e);
  }
}

export interface PagesOptions extends ReadCsvOptions {
  /** Read only these columns (names the file lacks are left to the caller); all when absent. */
  readonly columns?: readonly string[];
  /** Decompressors of codecs other than snappy (hyparquet's Compressors: input bytes and output length → bytes). */
  readonly compressors?: Compressors;
  /**
   * Zeroed memory for the columns' storage (the frame's arrays), e.g. huge-page mappings from the native addon
   * (src/platform/large-buffer.ts); ordinary typed arrays when absent. The values are the same either way.
   */
  readonly allocate?: Allocate;
}

/**
 * Rows [from, to) of the Parquet file in `bytes` (its content, or a ByteSource; every row when `range` is absent) as a Frame whose messages count
 * rows from `from`; null when a column to read is compressed with a codec this reader lacks, or is a 64-bit integer column read as text.
 */
export function parquetPagesFrame(path: string, bytes: Uint8Array | ByteSource, options: PagesOptions = {}, range?: { offset: number; limit: number }): Frame | null {
  const source = bytes instanceof Uint8Array ? bytesSource(bytes) : bytes;
  const meta = parquetMetadataOf(path, source);
  let root: SchemaTree;
  try {
    root = getSchemaPath(meta.schema, [])[0];
  } catch (e) {
    throw damaged(path, e);
  }
  const tops = root.children;
  const names = tops.map((t) => t.element.name);
  if (names.length === 0) throw new UserError(`${path}: the file has no columns`);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new UserError(`${path}: column name "${name}" appears twice in the schema; rename one`);
    seen.add(name);
  }
  const numRows = Number(meta.num_rows);
  const from = range === undefined ? 0 : Math.min(range.offset, numRows);
  const to = range === undefined ? numRows : Math.min(numRows, range.offset + range.limit);
  const total = Math.max(0, to - from);
  if (total === 0) throw new UserError(`${path}: has a schema but no data rows`);
  checkOptionColumns(path, names, options);
  const chosen = options.columns ?? options.select?.(names) ?? null;
  const wanted = chosen === null ? null : new Set(chosen);
  const planned: Planned[] = [];
  let leaf = 0;
  for (const top of tops) {
    const name = top.element.name;
    const leaves = leafCount(top);
    const index = leaf;
    leaf += leaves;
    if (wanted !== null && !wanted.has(name)) continue;
    const nested = top.children.length > 0 || top.element.repetition_type === 'REPEATED';
    const t = nested ? { cls: 'other' as const, text: nestedText(top), kind: null } : leafType(top.element);
    frameColumnType(path, name, t.cls, t.text); // (throws for a type nutmeg does not read)
    if (t.kind === null) throw new UserError(`${path}: column "${name}" has type ${t.text}, which nutmeg does not read`);
    planned.push({ name, leaf: index, element: top.element, schemaPath: [root, top], kind: t.kind, optional: top.element.repetition_type === 'OPTIONAL', levels: new LevelIndex() });
  }
  const scratch = new Scratch();
  const compressors = options.compressors ?? {};
  // the row groups holding rows of the range, and whether every column chunk to read can be decompressed here
  const groups: { index: number; start: number; rows: number }[] = [];
  let start = 0;
  for (let g = 0; g < meta.row_groups.length; g++) {
    const rows = Number(meta.row_groups[g].num_rows);
    if (start < to && start + rows > from) groups.push({ index: g, start, rows });
    start += rows;
  }
  if (start !== numRows) throw damaged(path, new Error('its row groups do not add up to its row count'));
  const decompressors: Decompress[][] = [];
  for (const { index } of groups) {
    const chunks = meta.row_groups[index].columns;
    const row: Decompress[] = [];
    for (const c of planned) {
      const m = chunks[c.leaf]?.meta_data;
      if (m === undefined) throw damaged(path, new Error(`row group ${index} has no metadata for column "${c.name}"`));
      const d = decompressor(m.codec, compressors, scratch);
      if (d === null) return null;
      row.push(d);
    }
    decompressors.push(row);
  }
  const asText = (c: Planned): boolean => {
    const forced = options.types?.[c.name];
    return (forced !== undefined && forced !== frameColumnType(path, c.name, leafType(c.element).cls, '')) || options.levels?.[c.name] !== undefined;
  };
  // a 64-bit integer column read as text (--factor id): this reader holds its values as numbers, which merge IDs
  // beyond 2^53; parquet-wasm's reader writes them exactly (parquet-read.ts)
  if (planned.some((c) => (c.kind === 'int64' || c.kind === 'uint64') && asText(c))) return null;
  const sinks: Sink[] = planned.map((c) => {
    const natural: ColumnType = frameColumnType(path, c.name, leafType(c.element).cls, '');
    if (asText(c)) return new TextSink(path, c, total, options, from);
    if (natural === 'numeric') return new NumericSink(path, c.name, c.kind === 'float' || c.kind === 'double', total, from, options.allocate);
    if (natural === 'boolean') return new BooleanSink(c.name, total, options.allocate);
    return new CategoricalSink(c.name, c.levels, total, options.allocate);
  });
  try {
    groups.forEach((g, k) => {
      const chunks = meta.row_groups[g.index].columns;
      planned.forEach((c, j) => {
        readChunk(source, chunks[c.leaf].meta_data as ColumnMetaData, c, sinks[j], g.start, g.rows, { from, to }, decompressors[k][j], compressors, scratch);
      });
    });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw damaged(path, e);
  }
  const columns: Column[] = [];
  const missing = new Map<string, Uint32Array>();
  sinks.forEach((sink, j) => {
    const built = sink.finish(total);
    columns.push(built.column);
    if (built.missing !== null) missing.set(planned[j].name, built.missing);
  });
  return frameFromColumns(columns, path, missing);
}
