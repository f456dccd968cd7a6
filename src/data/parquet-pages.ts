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
 * No Node imports (a page can use it).
 */
import type { ColumnMetaData, CompressionCodec, Compressors, DataReader, DecodedArray, FileMetaData, PageHeader, SchemaElement, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { parquetMetadata } from 'hyparquet/src/metadata.js';
import { getSchemaPath } from 'hyparquet/src/schema.js';
import { UserError } from '../errors.js';
import { frameColumnType, type ArrowTypeClass } from './arrow-schema.js';
import { LevelCodesStore, LevelIndex, Missing, hasNonFinite, sortedCategorical, widenWholeRange, zeroed, type Allocate, type WholeRange } from './column-sinks.js';
import { snappyDecompress } from './snappy.js';
import { checkOptionColumns, type ReadCsvOptions } from './csv-text.js';
import type { Column, Frame, NumericValues } from './frame.js';
import { booleanColumn, frameFromColumns, integerStorage, missingCode, numericColumn, type NumericArrayType } from './frame-build.js';
import { columnFromText, type ColumnType } from './text-columns.js';

/**
 * A page's non-null values as the sinks take them: numbers always as float64, 0/1 and level codes as int32, so that
 * each sink's loops see one array type (several types at one loop made it megamorphic: 40% of the CPU of a read).
 */
type Values = Float64Array | Int32Array;

/** How a leaf column's values are stored in its pages. */
type ValueKind = 'int32' | 'uint32' | 'int64' | 'uint64' | 'float' | 'double' | 'boolean' | 'bytes';

interface Planned {
  readonly name: string;
  /** Index of its column chunk in each row group. */
  readonly leaf: number;
  readonly element: SchemaElement;
  readonly schemaPath: SchemaTree[];
  readonly kind: ValueKind;
  /** Whether its pages carry definition levels (an OPTIONAL top-level column). */
  readonly optional: boolean;
  readonly levels: LevelIndex;
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function damaged(path: string, e: unknown): UserError {
  return new UserError(`${path}: cannot read the Parquet file (${oneLine(e)}); the file is damaged or not Parquet`);
}

const UNITS: Readonly<Record<string, string>> = { MILLIS: 'MILLISECOND', MICROS: 'MICROSECOND', NANOS: 'NANOSECOND' };

/** The class, the Arrow name and the value kind of a leaf column of the schema. */
function leafType(e: SchemaElement): { cls: ArrowTypeClass; text: string; kind: ValueKind | null } {
  const logical = e.logical_type;
  const converted = e.converted_type;
  const other = (text: string) => ({ cls: 'other' as const, text, kind: null });
  if (logical?.type === 'NULL') return { cls: 'null', text: 'Null', kind: null };
  if (logical?.type === 'DECIMAL' || converted === 'DECIMAL') return other(`Decimal<${e.precision ?? '?'},${e.scale ?? 0}>`);
  if (logical?.type === 'DATE' || converted === 'DATE') return other('Date<DAY>');
  if (logical?.type === 'TIME') return other(`Time<${UNITS[logical.unit] ?? logical.unit}>`);
  if (converted === 'TIME_MILLIS' || converted === 'TIME_MICROS') return other(`Time<${converted === 'TIME_MILLIS' ? 'MILLISECOND' : 'MICROSECOND'}>`);
  if (logical?.type === 'TIMESTAMP') return other(`Timestamp<${UNITS[logical.unit] ?? logical.unit}>`);
  if (converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS') return other(`Timestamp<${converted === 'TIMESTAMP_MILLIS' ? 'MILLISECOND' : 'MICROSECOND'}>`);
  const unsigned = (logical?.type === 'INTEGER' && !logical.isSigned) || (converted !== undefined && converted.startsWith('UINT_'));
  const bits = logical?.type === 'INTEGER' ? logical.bitWidth : converted !== undefined && /^U?INT_\d+$/.test(converted) ? Number(converted.replace(/^U?INT_/, '')) : 0;
  const intText = (size: number) => `${unsigned ? 'Uint' : 'Int'}${bits || size}`;
  switch (e.type) {
    case 'BOOLEAN':
      return { cls: 'boolean', text: 'Bool', kind: 'boolean' };
    case 'INT32':
      return { cls: 'integer', text: intText(32), kind: unsigned ? 'uint32' : 'int32' };
    case 'INT64':
      return { cls: 'integer', text: intText(64), kind: unsigned ? 'uint64' : 'int64' };
    case 'INT96':
      return other('Timestamp<NANOSECOND>');
    case 'FLOAT':
      return { cls: 'float', text: 'Float32', kind: 'float' };
    case 'DOUBLE':
      return { cls: 'float', text: 'Float64', kind: 'double' };
    case 'BYTE_ARRAY':
      if (logical?.type === 'STRING' || logical?.type === 'ENUM' || logical?.type === 'JSON' || converted === 'UTF8' || converted === 'ENUM' || converted === 'JSON') {
        return { cls: 'string', text: 'Utf8', kind: 'bytes' };
      }
      return other('Binary');
    case 'FIXED_LEN_BYTE_ARRAY':
      if (logical?.type === 'FLOAT16') return { cls: 'half-float', text: 'Float16', kind: null };
      return other(`FixedSizeBinary<${e.type_length ?? '?'}>`);
    default:
      return other(String(e.type));
  }
}

function leafCount(node: SchemaTree): number {
  return node.children.length === 0 ? 1 : node.children.reduce((n, c) => n + leafCount(c), 0);
}

/** The Arrow name of a nested (group or repeated) top-level column, for the message refusing it. */
function nestedText(node: SchemaTree): string {
  const e = node.element;
  let leaf = node;
  while (leaf.children.length > 0) leaf = leaf.children[0];
  const inner = leafType(leaf.element).text;
  if (node.children.length === 0) return `List<${inner}>`; // a repeated leaf (the legacy list layout)
  if (e.logical_type?.type === 'LIST' || e.converted_type === 'LIST') return `List<${inner}>`;
  if (e.logical_type?.type === 'MAP' || e.converted_type === 'MAP' || e.converted_type === 'MAP_KEY_VALUE') return 'Map';
  return 'Struct';
}

/** Growable scratch arrays of one read (no module-level state). */
class Scratch {
  page = new Uint8Array(0);
  aligned = new ArrayBuffer(0);
  defs = new Uint8Array(0);
  indices = new Uint32Array(0);
  numbers = new Float64Array(0);
  codes = new Int32Array(0);
  entries = new Float64Array(0);
  bytes(n: number): Uint8Array {
    if (this.page.length < n) this.page = new Uint8Array(Math.max(n, 2 * this.page.length));
    return this.page.subarray(0, n);
  }
  alignedBuffer(n: number): ArrayBuffer {
    if (this.aligned.byteLength < n) this.aligned = new ArrayBuffer(Math.max(n, 2 * this.aligned.byteLength));
    return this.aligned;
  }
  defLevels(n: number): Uint8Array {
    if (this.defs.length < n) this.defs = new Uint8Array(Math.max(n, 2 * this.defs.length));
    return this.defs.subarray(0, n);
  }
  index(n: number): Uint32Array {
    if (this.indices.length < n) this.indices = new Uint32Array(Math.max(n, 2 * this.indices.length));
    return this.indices.subarray(0, n);
  }
  float64(n: number): Float64Array {
    if (this.numbers.length < n) this.numbers = new Float64Array(Math.max(n, 2 * this.numbers.length));
    return this.numbers.subarray(0, n);
  }
  /** A numeric dictionary's values (one column chunk's, reused by the next: fresh memory costs more than the copy). */
  dictionary(n: number): Float64Array {
    if (this.entries.length < n) this.entries = new Float64Array(Math.max(n, 2 * this.entries.length));
    return this.entries.subarray(0, n);
  }
  int32(n: number): Int32Array {
    if (this.codes.length < n) this.codes = new Int32Array(Math.max(n, 2 * this.codes.length));
    return this.codes.subarray(0, n);
  }
}

/** A column's storage being filled: `values` are the page's non-null values (numbers, 0/1, or level codes) in order. */
interface Sink {
  append(values: Values, valid: Uint8Array | null, n: number, base: number): void;
  finish(rows: number): { column: Column; missing: Uint32Array | null };
}

/** Numbers stored as compactValues stores them (see NumericReader in parquet-read.ts: the same rule, page by page). */
class NumericSink implements Sink {
  private store: NumericValues;
  private type: NumericArrayType = Uint8Array;
  private readonly range: WholeRange = { lo: 0, hi: 0, whole: true };
  private readonly missing = new Missing();
  constructor(
    private readonly path: string,
    private readonly name: string,
    private readonly isFloat: boolean,
    private readonly total: number,
    private readonly rowBase: number,
    private readonly allocate: Allocate | undefined,
  ) {
    this.store = zeroed(Uint8Array, total, allocate);
  }
  append(anyValues: Values, valid: Uint8Array | null, n: number, base: number): void {
    const values = anyValues as Float64Array;
    const range = this.range;
    if (valid !== null) range.whole = false;
    else {
      if (this.isFloat && hasNonFinite(values)) for (let i = 0; i < n; i++) this.checkFinite(values[i], base + i);
      widenWholeRange(range, values, n, this.isFloat);
    }
    const type = range.whole ? integerStorage(range.lo, range.hi) : Float64Array;
    if (type !== this.type) {
      const wider = zeroed(type, this.total, this.allocate);
      wider.set(this.store.subarray(0, base));
      this.store = wider;
      this.type = type;
    }
    if (valid === null) {
      this.store.set(values, base);
      return;
    }
    const store = this.store;
    for (let i = 0, k = 0; i < n; i++) {
      if (valid[i] !== 0) {
        const v = values[k++];
        if (this.isFloat) this.checkFinite(v, base + i);
        store[base + i] = v;
      } else {
        this.missing.add(base + i);
        store[base + i] = NaN;
      }
    }
  }
  private checkFinite(v: number, row: number): void {
    if (v - v === 0) return;
    const what = Number.isNaN(v) ? 'is NaN, not a number' : 'is infinite, not a finite number';
    throw new UserError(`${this.path}, row ${this.rowBase + row + 1}, column "${this.name}": the value ${what}; repair it or write it as a null (missing)`);
  }
  finish(rows: number): { column: Column; missing: Uint32Array | null } {
    return { column: numericColumn(this.name, rows === this.total ? this.store : this.store.slice(0, rows)), missing: this.missing.done() };
  }
}

class BooleanSink implements Sink {
  private readonly values: Uint8Array;
  private readonly missing = new Missing();
  constructor(
    private readonly name: string,
    total: number,
    allocate: Allocate | undefined,
  ) {
    this.values = zeroed(Uint8Array, total, allocate);
  }
  append(anyValues: Values, valid: Uint8Array | null, n: number, base: number): void {
    const values = anyValues as Int32Array;
    if (valid === null) {
      this.values.set(values, base);
      return;
    }
    for (let i = 0, k = 0; i < n; i++) {
      if (valid[i] !== 0) this.values[base + i] = values[k++];
      else this.missing.add(base + i);
    }
  }
  finish(rows: number): { column: Column; missing: Uint32Array | null } {
    return { column: booleanColumn(this.name, rows === this.values.length ? this.values : this.values.slice(0, rows)), missing: this.missing.done() };
  }
}

class CategoricalSink implements Sink {
  private readonly codes: LevelCodesStore;
  private readonly missing = new Missing();
  constructor(
    private readonly name: string,
    private readonly levels: LevelIndex,
    total: number,
    allocate: Allocate | undefined,
  ) {
    this.codes = new LevelCodesStore(total, allocate);
  }
  append(anyValues: Values, valid: Uint8Array | null, n: number, base: number): void {
    const values = anyValues as Int32Array;
    // (the page's strings were given their codes already: the level count is known)
    const codes = this.codes.reserve(this.levels.names.length, valid !== null, base);
    if (valid === null) {
      codes.set(values, base);
      return;
    }
    const absent = missingCode(codes);
    for (let i = 0, k = 0; i < n; i++) {
      if (valid[i] !== 0) codes[base + i] = values[k++];
      else {
        codes[base + i] = absent;
        this.missing.add(base + i);
      }
    }
  }
  finish(rows: number): { column: Column; missing: Uint32Array | null } {
    return { column: sortedCategorical(this.name, this.codes.codes, rows, this.levels), missing: this.missing.done() };
  }
}

/** A column whose type was forced (--factor, --numeric, levels): its values as CSV-like text cells, typed at the end. */
class TextSink implements Sink {
  private readonly cells: string[][];
  constructor(
    private readonly path: string,
    private readonly column: Planned,
    total: number,
    private readonly options: ReadCsvOptions,
    private readonly rowBase: number,
  ) {
    this.cells = new Array<string[]>(total);
  }
  private text(v: number): string {
    if (this.column.kind === 'bytes') return this.column.levels.names[v];
    if (this.column.kind === 'boolean') return v !== 0 ? 'true' : 'false';
    return String(v);
  }
  append(values: Values, valid: Uint8Array | null, n: number, base: number): void {
    for (let i = 0, k = 0; i < n; i++) this.cells[base + i] = [valid === null || valid[i] !== 0 ? this.text(values[k++]) : ''];
  }
  finish(rows: number): { column: Column; missing: Uint32Array | null } {
    const name = this.column.name;
    const rowBase = this.rowBase;
    return columnFromText({
      name,
      rows: rows === this.cells.length ? this.cells : this.cells.slice(0, rows),
      index: 0,
      type: this.options.types?.[name],
      levels: this.options.levels?.[name],
      where: (row) => `${this.path}, row ${rowBase + row + 1}`,
    });
  }
}

/** A typed view of `n` elements of `size` bytes at `bytes[at]`, copied to an aligned scratch buffer when misaligned. */
function alignedView<T>(bytes: Uint8Array, at: number, n: number, size: number, scratch: Scratch, make: (b: ArrayBufferLike, offset: number, n: number) => T): T {
  const offset = bytes.byteOffset + at;
  if (offset % size === 0) return make(bytes.buffer, offset, n);
  const buffer = scratch.alignedBuffer(n * size);
  new Uint8Array(buffer, 0, n * size).set(bytes.subarray(at, at + n * size));
  return make(buffer, 0, n);
}

/** 64-bit integers (little-endian pairs) as numbers: hi·2³² + lo, rounded once, as Number(bigint) does. */
function int64Numbers(bytes: Uint8Array, at: number, n: number, unsigned: boolean, scratch: Scratch): Float64Array {
  const pairs = alignedView(bytes, at, 2 * n, 4, scratch, (b, o, m) => new Int32Array(b, o, m));
  const out = scratch.float64(n);
  for (let i = 0; i < n; i++) {
    const hi = pairs[2 * i + 1];
    out[i] = (unsigned ? hi >>> 0 : hi) * 4294967296 + (pairs[2 * i] >>> 0);
  }
  return out;
}

/** `n` PLAIN values of column `c` at `bytes[at]`: numbers, 0/1, or level codes. */
function plainValues(c: Planned, bytes: Uint8Array, at: number, n: number, scratch: Scratch): Values {
  switch (c.kind) {
    case 'double':
      return alignedView(bytes, at, n, 8, scratch, (b, o, m) => new Float64Array(b, o, m));
    case 'float': {
      const view = alignedView(bytes, at, n, 4, scratch, (b, o, m) => new Float32Array(b, o, m));
      const out = scratch.float64(n);
      for (let i = 0; i < n; i++) out[i] = view[i];
      return out;
    }
    case 'int32': {
      const view = alignedView(bytes, at, n, 4, scratch, (b, o, m) => new Int32Array(b, o, m));
      const out = scratch.float64(n);
      for (let i = 0; i < n; i++) out[i] = view[i];
      return out;
    }
    case 'uint32': {
      const view = alignedView(bytes, at, n, 4, scratch, (b, o, m) => new Uint32Array(b, o, m));
      const out = scratch.float64(n);
      for (let i = 0; i < n; i++) out[i] = view[i];
      return out;
    }
    case 'int64':
    case 'uint64':
      return int64Numbers(bytes, at, n, c.kind === 'uint64', scratch);
    case 'boolean': {
      const out = scratch.int32(n);
      for (let i = 0; i < n; i++) out[i] = (bytes[at + (i >> 3)] >> (i & 7)) & 1;
      return out;
    }
    case 'bytes': {
      const out = scratch.int32(n);
      let p = at;
      for (let i = 0; i < n; i++) {
        const len = (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0;
        if (p + 4 + len > bytes.length) throw new Error('a string runs past its page');
        out[i] = c.levels.code(bytes, p + 4, p + 4 + len);
        p += 4 + len;
      }
      return out;
    }
  }
}

/** A column chunk's dictionary: numbers (or 0/1) ready to gather, or the byte ranges of its strings. */
interface Dictionary {
  readonly size: number;
  readonly numbers: Float64Array | null;
  readonly bytes: Uint8Array | null;
  /** Start and end of entry k at 2k, 2k + 1 (strings). */
  readonly bounds: Int32Array | null;
  /** Level code of entry k once a row used it, else -1 (strings). */
  readonly codes: Int32Array | null;
}

function readDictionary(c: Planned, page: Uint8Array, n: number, scratch: Scratch): Dictionary {
  if (c.kind === 'bytes') {
    const bounds = new Int32Array(2 * n);
    let p = 0;
    for (let k = 0; k < n; k++) {
      const len = (page[p] | (page[p + 1] << 8) | (page[p + 2] << 16) | (page[p + 3] << 24)) >>> 0;
      if (p + 4 + len > page.length) throw new Error('a dictionary string runs past its page');
      bounds[2 * k] = p + 4;
      bounds[2 * k + 1] = p + 4 + len;
      p += 4 + len;
    }
    return { size: n, numbers: null, bytes: page, bounds, codes: new Int32Array(n).fill(-1) };
  }
  const numbers = scratch.dictionary(n);
  numbers.set(plainValues(c, page, 0, n, scratch));
  return { size: n, numbers, bytes: null, bounds: null, codes: null };
}

/** `n` dictionary indices (bit width byte, then the RLE/bit-packed hybrid) at `page[at…end)`, looked up. */
function dictionaryValues(c: Planned, dict: Dictionary | null, page: Uint8Array, at: number, end: number, n: number, scratch: Scratch): Values {
  if (dict === null) throw new Error('a dictionary-encoded page has no dictionary');
  const indices = scratch.index(n);
  const width = page[at];
  if (width === 0) indices.fill(0);
  else {
    const reader: DataReader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: at + 1 };
    readRleBitPackedHybrid(reader, width, indices, end - at - 1);
  }
  if (dict.codes !== null && dict.bounds !== null && dict.bytes !== null) {
    const out = scratch.int32(n);
    const { codes, bounds, bytes } = dict;
    for (let i = 0; i < n; i++) {
      const k = indices[i];
      if (k >= dict.size) throw new Error('a dictionary index is out of range');
      let code = codes[k];
      if (code < 0) codes[k] = code = c.levels.code(bytes, bounds[2 * k], bounds[2 * k + 1]);
      out[i] = code;
    }
    return out;
  }
  const numbers = dict.numbers as Float64Array;
  const out = scratch.float64(n);
  for (let i = 0; i < n; i++) {
    const k = indices[i];
    if (k >= dict.size) throw new Error('a dictionary index is out of range');
    out[i] = numbers[k];
  }
  return out;
}

/** A page decoded by hyparquet whole (encodings this module does not walk itself), as values of our kinds. */
function fromDecoded(c: Planned, data: DecodedArray, scratch: Scratch): Float64Array | Int32Array {
  const n = data.length;
  if (c.kind === 'bytes') {
    const out = scratch.int32(n);
    for (let i = 0; i < n; i++) {
      const s = data[i] as Uint8Array;
      out[i] = c.levels.code(s, 0, s.length);
    }
    return out;
  }
  const out = scratch.float64(n);
  const unsigned = c.kind === 'uint32' || c.kind === 'uint64';
  for (let i = 0; i < n; i++) {
    const v = data[i] as number | bigint | boolean;
    if (typeof v === 'bigint') out[i] = Number(unsigned ? BigInt.asUintN(64, v) : v);
    else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else out[i] = unsigned ? v >>> 0 : v;
  }
  return out;
}

/** What the reader needs to know about the rows it keeps: [from, to) of the file. */
interface RowRange {
  readonly from: number;
  readonly to: number;
}

/** Hands rows [first, first + n) of the file (a page) to the sink, clipped to the range. */
function deliver(sink: Sink, values: Values, valid: Uint8Array | null, first: number, n: number, range: RowRange): void {
  const from = Math.max(range.from, first);
  const to = Math.min(range.to, first + n);
  if (from >= to) return;
  const skip = from - first;
  const take = to - from;
  let dense = skip;
  if (valid !== null) {
    dense = 0;
    for (let i = 0; i < skip; i++) dense += valid[i];
  }
  const kept = valid === null ? null : valid.subarray(skip, skip + take);
  let count = take;
  if (kept !== null) {
    count = 0;
    for (let i = 0; i < take; i++) count += kept[i];
  }
  sink.append(values.subarray(dense, dense + count), kept, take, from - range.from);
}

type Decompress = (raw: Uint8Array, size: number) => Uint8Array;

/** Reads column `c`'s chunk of one row group (rows [groupStart, groupStart + groupRows) of the file) into `sink`. */
function readChunk(
  source: ByteSource,
  meta: ColumnMetaData,
  c: Planned,
  sink: Sink,
  groupStart: number,
  groupRows: number,
  range: RowRange,
  decompress: Decompress,
  compressors: Compressors,
  scratch: Scratch,
): void {
  const first = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const length = Number(meta.total_compressed_size);
  if (!(first >= 0 && length >= 0 && first + length <= source.length)) throw new Error('a column chunk lies outside the file');
  const bytes = source.read(first, length);
  const start = 0;
  const end = length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const reader: DataReader = { view, offset: start };
  const decoder = { pathInSchema: [c.name], type: meta.type, element: c.element, schemaPath: c.schemaPath, codec: meta.codec, parsers: DEFAULT_PARSERS, compressors };
  let dict: Dictionary | null = null;
  let rows = 0;
  while (rows < groupRows) {
    if (reader.offset >= end) throw new Error(`column "${c.name}" has fewer rows than its row group`);
    const header: PageHeader = parquetHeader(reader);
    const at = reader.offset;
    const raw = bytes.subarray(at, at + header.compressed_page_size);
    reader.offset = at + header.compressed_page_size;
    if (raw.length !== header.compressed_page_size) throw new Error('a page runs past the end of the file');
    if (header.type === 'DICTIONARY_PAGE') {
      const n = header.dictionary_page_header?.num_values ?? 0;
      // (strings: a fresh buffer, since they are read from it while the data pages pass through the scratch; numbers
      // are copied out of the scratch into the dictionary's own)
      const decompressed = meta.codec === 'UNCOMPRESSED' ? raw : decompress(raw, header.uncompressed_page_size);
      const page = c.kind === 'bytes' && decompressed !== raw ? new Uint8Array(decompressed) : decompressed;
      dict = readDictionary(c, page, n, scratch);
      continue;
    }
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header;
      if (daph === undefined) throw new Error('a data page has no header');
      const n = daph.num_values;
      const first = groupStart + rows;
      rows += n;
      if (first >= range.to || first + n <= range.from) continue;
      const page = decompress(raw, header.uncompressed_page_size);
      let valid: Uint8Array | null = null;
      let pos = 0;
      let count = n;
      const walked = daph.encoding === 'PLAIN' || daph.encoding === 'PLAIN_DICTIONARY' || daph.encoding === 'RLE_DICTIONARY' || (daph.encoding === 'RLE' && c.kind === 'boolean');
      if (!walked) {
        const decoded = readDataPage(page, daph, decoder);
        valid = definedFlags(decoded.definitionLevels, n, scratch);
        deliver(sink, fromDecoded(c, decoded.dataPage, scratch), valid, first, n, range);
        continue;
      }
      if (c.optional) {
        const pageView = new DataView(page.buffer, page.byteOffset, page.byteLength);
        const levelBytes = pageView.getUint32(0, true);
        const flags = scratch.defLevels(n);
        readRleBitPackedHybrid({ view: pageView, offset: 4 }, 1, flags, levelBytes);
        pos = 4 + levelBytes;
        count = 0;
        for (let i = 0; i < n; i++) count += flags[i];
        valid = count === n ? null : flags;
      }
      deliver(sink, pageValues(c, daph.encoding, dict, page, pos, count, scratch), valid, first, n, range);
      continue;
    }
    if (header.type === 'DATA_PAGE_V2') {
      const h2 = header.data_page_header_v2;
      if (h2 === undefined) throw new Error('a data page has no header');
      const n = h2.num_rows;
      const first = groupStart + rows;
      rows += n;
      if (first >= range.to || first + n <= range.from) continue;
      const walked = h2.encoding === 'PLAIN' || h2.encoding === 'PLAIN_DICTIONARY' || h2.encoding === 'RLE_DICTIONARY' || (h2.encoding === 'RLE' && c.kind === 'boolean');
      if (!walked) {
        const decoded = readDataPageV2(raw, header, decoder);
        deliver(sink, fromDecoded(c, decoded.dataPage, scratch), definedFlags(decoded.definitionLevels, n, scratch), first, n, range);
        continue;
      }
      let valid: Uint8Array | null = null;
      const levelsEnd = h2.repetition_levels_byte_length + h2.definition_levels_byte_length;
      let count = n;
      if (c.optional && h2.num_nulls > 0) {
        const flags = scratch.defLevels(n);
        readRleBitPackedHybrid({ view: new DataView(raw.buffer, raw.byteOffset, raw.byteLength), offset: h2.repetition_levels_byte_length }, 1, flags, h2.definition_levels_byte_length);
        count = n - h2.num_nulls;
        valid = flags;
      }
      const valuesRaw = raw.subarray(levelsEnd);
      const size = header.uncompressed_page_size - levelsEnd;
      const page = h2.is_compressed === false || size === 0 ? valuesRaw : decompress(valuesRaw, size);
      deliver(sink, pageValues(c, h2.encoding, dict, page, 0, count, scratch), valid, first, n, range);
      continue;
    }
    // index pages and the like: skipped
  }
  if (rows !== groupRows) throw new Error(`column "${c.name}" has more rows than its row group`);
}

/** Definition levels decoded by hyparquet (empty when nothing is null) as 0/1 flags, or null when every row has a value. */
function definedFlags(levels: number[] | undefined, n: number, scratch: Scratch): Uint8Array | null {
  if (levels === undefined || levels.length === 0) return null;
  const flags = scratch.defLevels(n);
  let all = true;
  for (let i = 0; i < n; i++) {
    flags[i] = levels[i] === 1 ? 1 : 0;
    if (flags[i] === 0) all = false;
  }
  return all ? null : flags;
}

/** The `count` non-null values of a walked page (PLAIN, dictionary, or RLE booleans) starting at page[pos]. */
function pageValues(c: Planned, encoding: string, dict: Dictionary | null, page: Uint8Array, pos: number, count: number, scratch: Scratch): Values {
  if (encoding === 'PLAIN') return plainValues(c, page, pos, count, scratch);
  if (encoding === 'RLE') {
    const out = scratch.int32(count);
    readRleBitPackedHybrid({ view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: pos }, 1, out);
    return out;
  }
  return dictionaryValues(c, dict, page, pos, page.length, count, scratch);
}

/** Codecs read here: none and snappy (snappy.ts); the others — or snappy too — through `compressors` when given. */
function decompressor(codec: CompressionCodec, compressors: Compressors, scratch: Scratch): Decompress | null {
  if (codec === 'UNCOMPRESSED') {
    return (raw, size) => {
      if (raw.length !== size) throw new Error('an uncompressed page is not its stated size');
      return raw;
    };
  }
  const custom = compressors[codec];
  if (codec === 'SNAPPY' && custom === undefined) {
    return (raw, size) => {
      const out = scratch.bytes(size);
      snappyDecompress(raw, out);
      return out;
    };
  }
  if (custom === undefined) return null;
  return (raw, size) => {
    const out = custom(raw, size);
    if (out.length !== size) throw new Error(`a ${codec} page is not its stated size`);
    return out;
  };
}

/**
 * Where a Parquet file's bytes come from: its whole content in memory, or (the command line) the file itself, read a
 * column chunk at a time into one reused buffer, so that the file is never held whole and its bytes are not copied
 * into fresh memory (on a loaded VM, first-touch page faults cost as much as the decoding: ~0.3 s of CPU for 80 MB).
 */
export interface ByteSource {
  readonly length: number;
  /** Bytes [offset, offset + length); valid until the next call. */
  read(offset: number, length: number): Uint8Array;
}

/** The bytes in memory as a source. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { length: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
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
