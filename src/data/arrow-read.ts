/**
 * Reading an Arrow IPC file or stream (.arrow, .arrows, .feather v2) into a Frame: apache-arrow decodes the bytes into
 * a table, and the Frame's typed columns are filled from its column buffers, batch by batch (no per-row objects).
 * Types come from the schema (arrow-schema.ts: frameColumnType, the mapping the Parquet reader uses too): integers and
 * floats → numeric (stored compactly); strings and dictionary-encoded strings → categorical, levels sorted as plain
 * strings like a CSV column; booleans → boolean (0/1). A null is a missing value, recorded in the frame's `missing`
 * map as an empty CSV cell is; a NaN or infinite float is a one-line error naming its row. A type forced with
 * --factor/--numeric (or levels) re-reads that column's values as text cells with the CSV rules (text-columns.ts).
 *
 * No Node imports: apache-arrow is passed in (ArrowLibrary), as parquet-read.ts takes parquet-wasm, so the CLI
 * (columnar.ts, which loads it on first use) and a page (src/browser/columnar-chunk.ts) read Arrow through this code.
 */
import { UserError } from '../errors.js';
import { frameColumnType, type ArrowTypeClass } from './arrow-schema.js';
import { checkOptionColumns, type ReadCsvOptions } from './csv-text.js';
import type { Column, Frame } from './frame.js';
import { booleanColumn, compactNumericColumn, frameFromColumns, integerStorage, missingCode, numericColumn, withFirstRow } from './frame-build.js';
import { LevelCodesStore, hasNonFinite, sortedCategorical } from './column-sinks.js';
import { columnFromText, type ColumnType } from './text-columns.js';

/** What this module needs of apache-arrow: its IPC decoder and its type ids. */
export type ArrowLibrary = Pick<typeof import('apache-arrow'), 'tableFromIPC' | 'Type'>;
type ArrowTable = import('apache-arrow').Table;
type ArrowData = import('apache-arrow').Data;

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

const utf8 = new TextDecoder();

/** The Arrow table in `bytes` (an Arrow IPC file/stream); one-line errors. */
function decode(arrow: ArrowLibrary, path: string, bytes: Uint8Array): ArrowTable {
  try {
    return arrow.tableFromIPC(bytes);
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
function arrowTypeClass(Type: ArrowLibrary['Type'], data: ArrowData): ArrowTypeClass {
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
function schemaType(Type: ArrowLibrary['Type'], path: string, name: string, data: ArrowData): ColumnType {
  return frameColumnType(path, name, arrowTypeClass(Type, data), String(data.type));
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

/** Integer arrays that the narrowest storage can be copied from (or be a view of) without a float64 step. */
type IntegerArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

function isIntegerArray(values: unknown): values is IntegerArray {
  return (
    values instanceof Int8Array ||
    values instanceof Uint8Array ||
    values instanceof Int16Array ||
    values instanceof Uint16Array ||
    values instanceof Int32Array ||
    values instanceof Uint32Array
  );
}

/**
 * A column of 32-bit-or-narrower integers without nulls, stored as compactValues would store it (the narrowest type
 * holding its range), straight from the chunks: a view of the Arrow buffer when there is one chunk of that type, else
 * one copy — never a float64 array first (80 MB of fresh memory a column at 10⁷ rows). Null when a chunk is not so.
 */
function integerColumn(name: string, chunks: readonly ArrowData[], n: number): Column | null {
  let lo = 0;
  let hi = 0;
  for (const d of chunks) {
    if (d.nullCount > 0 || !isIntegerArray(d.values)) return null;
    const values = d.values.subarray(0, d.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
  }
  const type = integerStorage(lo, hi);
  if (chunks.length === 1 && chunks[0].values instanceof type && chunks[0].length === n) return numericColumn(name, (chunks[0].values as IntegerArray).subarray(0, n));
  const out = new type(n);
  let base = 0;
  for (const d of chunks) {
    out.set((d.values as IntegerArray).subarray(0, d.length), base);
    base += d.length;
  }
  return numericColumn(name, out);
}

function numericFromChunks(path: string, name: string, chunks: readonly ArrowData[], n: number, rowBase: number): Column {
  // one chunk of float64 without nulls: the Arrow buffer itself (a view of the decoded bytes), once checked finite
  const only = chunks.length === 1 ? chunks[0].values : null;
  if (only instanceof Float64Array && only.length === n && chunks[0].nullCount === 0) return finiteNumericColumn(path, name, only, rowBase);
  const integers = integerColumn(name, chunks, n);
  if (integers !== null) return integers;
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

/** Whether every key is an entry of a dictionary of `size` entries. */
function keysWithin(keys: IntegerArray, size: number): boolean {
  for (let i = 0; i < keys.length; i++) if (!(keys[i] >= 0 && keys[i] < size)) return false;
  return true;
}

/** The strings of a Utf8/LargeUtf8 chunk, decoded one by one (null for a null). */
function stringAt(d: ArrowData, bytes: Uint8Array, i: number): string {
  const offsets = d.valueOffsets as ArrayLike<number | bigint>;
  return utf8.decode(bytes.subarray(Number(offsets[i]), Number(offsets[i + 1])));
}

/** A categorical column: codes in order of first appearance, then renumbered in sorted level order (as for CSV). */
function categoricalFromChunks(Type: ArrowLibrary['Type'], name: string, chunks: readonly ArrowData[], n: number): Column {
  const codes = new LevelCodesStore(n);
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
    if (d.typeId === Type.Dictionary && d.nullCount === 0 && isIntegerArray(d.values) && keysWithin(d.values.subarray(0, d.length), d.dictionary?.length ?? 0)) {
      // no nulls: the entries the rows use get their codes first (in entry order: the sorted renumbering below makes
      // the order of first appearance irrelevant), then the rows are one gather
      const dict = d.dictionary;
      const keys = d.values.subarray(0, d.length);
      const local = new Int32Array(dict?.length ?? 0).fill(-1);
      for (let i = 0; i < keys.length; i++) local[keys[i]] = 0;
      let missing = false;
      for (let key = 0; key < local.length; key++) {
        if (local[key] < 0) continue;
        const s = dict?.get(key);
        local[key] = s === null || s === undefined ? -2 : codeOf(String(s));
        if (local[key] === -2) missing = true;
      }
      const out = codes.reserve(index.size, missing, base);
      const absent = missingCode(out);
      for (let i = 0; i < keys.length; i++) {
        const c = local[keys[i]];
        out[base + i] = c < 0 ? absent : c;
      }
    } else if (d.typeId === Type.Dictionary) {
      const dict = d.dictionary;
      const keys = d.values as ArrayLike<number | bigint>;
      const local = new Int32Array(dict?.length ?? 0).fill(-1);
      for (let i = 0; i < d.length; i++) {
        if (isNull(d, i)) {
          codes.setMissing(base + i);
          continue;
        }
        const key = Number(keys[i]);
        let c = local[key];
        if (c < 0) {
          const s = dict?.get(key);
          c = s === null || s === undefined ? -2 : codeOf(String(s));
          local[key] = c;
        }
        if (c === -2) codes.setMissing(base + i);
        else codes.set(base + i, c);
      }
    } else {
      const bytes = d.values as Uint8Array;
      for (let i = 0; i < d.length; i++) {
        if (isNull(d, i)) codes.setMissing(base + i);
        else codes.set(base + i, codeOf(stringAt(d, bytes, i)));
      }
    }
    base += d.length;
  }
  return sortedCategorical(name, codes.codes, n, { names: [...index.keys()] });
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

function buildColumn(Type: ArrowLibrary['Type'], path: string, table: ArrowTable, index: number, options: ReadCsvOptions, rowBase = 0): Built {
  const field = table.schema.fields[index];
  const name = field.name;
  const chunks = (table.getChildAt(index)?.data ?? []) as ArrowData[];
  const n = table.numRows;
  const natural = chunks.length > 0 ? schemaType(Type, path, name, chunks[0]) : 'numeric';
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
  return { column: categoricalFromChunks(Type, name, chunks, n), missing };
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

/**
 * The Frame of a decoded table (or a slice of one starting at row `rowBase` of the file, which messages count from):
 * its columns in `chosen` (file order), or every one when that is null.
 */
function tableFrame(Type: ArrowLibrary['Type'], path: string, table: ArrowTable, names: readonly string[], chosen: readonly string[] | null, options: ReadCsvOptions, rowBase: number): Frame {
  const columns: Column[] = [];
  const missing = new Map<string, Uint32Array>();
  const wanted = chosen === null ? null : new Set(chosen);
  for (let j = 0; j < names.length; j++) {
    if (wanted !== null && !wanted.has(names[j])) continue;
    const built = buildColumn(Type, path, table, j, options, rowBase);
    columns.push(built.column);
    if (built.missing !== null) missing.set(names[j], built.missing);
  }
  return frameFromColumns(columns, path, missing);
}

/**
 * The decoded table of an Arrow IPC file's bytes, its column names, checked (names, rows, option columns), and the
 * columns to read (options.select; null for all).
 */
function checkedTable(arrow: ArrowLibrary, path: string, bytes: Uint8Array, options: ReadCsvOptions): { table: ArrowTable; names: string[]; chosen: readonly string[] | null } {
  const table = decode(arrow, path, bytes);
  const names = tableNames(path, table);
  if (table.numRows === 0) throw new UserError(`${path}: has a schema but no data rows`);
  checkOptionColumns(path, names, options);
  return { table, names, chosen: options.select?.(names) ?? null };
}

/** An Arrow IPC file's (or stream's) bytes as a Frame (see the module comment). */
export function arrowFrame(path: string, bytes: Uint8Array, arrow: ArrowLibrary, options: ReadCsvOptions = {}): Frame {
  const { table, names, chosen } = checkedTable(arrow, path, bytes, options);
  return tableFrame(arrow.Type, path, table, names, chosen, options, 0);
}

/** An Arrow IPC file's bytes as Frames of at most `blockRows` rows, in order, each named by its first row in the file. */
export function* arrowBlocks(path: string, bytes: Uint8Array, arrow: ArrowLibrary, options: ReadCsvOptions, blockRows: number): Generator<Frame> {
  const { table, names, chosen } = checkedTable(arrow, path, bytes, options);
  for (let first = 0; first < table.numRows; first += blockRows) {
    const slice = table.slice(first, Math.min(table.numRows, first + blockRows));
    yield withFirstRow(tableFrame(arrow.Type, path, slice, names, chosen, options, first), first);
  }
}
