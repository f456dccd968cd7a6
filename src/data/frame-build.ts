/**
 * Building and extending Frames (src/data/frame.ts), and saying where a row came from in messages.
 *
 * Frames read from a file remember, outside the Frame itself, the file line of every data row, so that messages can
 * say "line 17" exactly (quoted fields may span lines); frames made in memory (simulators) say "row 17" instead.
 */
import type { Allocate } from './column-sinks.js';
import type { BooleanColumn, CategoricalColumn, Column, ColumnDerivation, Frame, LevelCodes, NumericColumn, NumericValues } from './frame.js';

/** Code of a missing cell in a categorical column's codes stored as Uint32 (missingCode gives any storage's). */
export const MISSING_CODE = 0xffffffff;

export type LevelCodesType = {
  new (n: number): LevelCodes;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): LevelCodes;
  readonly BYTES_PER_ELEMENT: number;
};

/**
 * The storage of a categorical column's codes with `levels` levels: the narrowest of Uint8/Uint16/Uint32 whose values
 * hold codes 0…levels − 1 and, when some cell is `missing`, the missing code (the type's largest value) besides:
 * bytes for up to 256 levels (255 with a missing cell), Uint16 up to 65,536 (65,535), else Uint32.
 */
export function levelCodesType(levels: number, missing: boolean): LevelCodesType {
  const codes = levels + (missing ? 1 : 0);
  return codes <= 0x100 ? Uint8Array : codes <= 0x10000 ? Uint16Array : Uint32Array;
}

/** The code of a missing cell in `codes`: the largest value of its type (0xff, 0xffff or 0xffffffff). */
export function missingCode(codes: LevelCodes): number {
  return codes instanceof Uint8Array ? 0xff : codes instanceof Uint16Array ? 0xffff : MISSING_CODE;
}

/** File line (1-based, header = line 1) of each data row, for frames read from a file. */
const fileLines = new WeakMap<Frame, Uint32Array>();
/** Rows before a frame's first row in the data it was cut from (a block of a file read in blocks, withFirstRow). */
const firstRows = new WeakMap<Frame, number>();

/** A numeric column; `derivation` says how it was computed from another column, when it was. */
export function numericColumn(name: string, values: NumericValues, derivation?: ColumnDerivation): NumericColumn {
  return derivation ? { kind: 'numeric', name, values, derivation } : { kind: 'numeric', name, values };
}

/**
 * `values` in the narrowest array that holds every one of them exactly: whole numbers within 0…255 as bytes, then
 * Int8, Uint16, Int16, Uint32, Int32; anything else (a fraction, NaN, ±0 is fine) stays float64 (the same array).
 * Readers and simulators store their columns so (issue 16 item 2: 10⁷ rows of 0/1 flags cost 10 MB, not 80).
 */
export function compactValues(values: Float64Array): NumericValues {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v)) return values;
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  const narrow = INTEGER_TYPES.find((t) => lo >= t.lo && hi <= t.hi);
  return narrow === undefined ? values : narrow.type.from(values);
}

/**
 * The storage compactValues chooses for whole numbers spanning [min(lo, 0), max(hi, 0)]: the narrowest integer
 * array holding that range, or Float64Array beyond Int32/Uint32. (A reader that narrows as it goes, parquet-read.ts,
 * tracks the range and asks this, so its columns are stored as compactValues would store them.)
 */
export function integerStorage(lo: number, hi: number): NumericArrayType {
  const low = Math.min(lo, 0);
  const high = Math.max(hi, 0);
  return (INTEGER_TYPES.find((t) => low >= t.lo && high <= t.hi) ?? { type: Float64Array }).type;
}

export type NumericArrayType = {
  new (n: number): NumericValues;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericValues;
  readonly BYTES_PER_ELEMENT: number;
};

/** The integer storages, narrowest first, with the range each holds exactly. */
const INTEGER_TYPES: readonly { readonly type: NumericArrayType & { from(v: ArrayLike<number>): NumericValues }; readonly lo: number; readonly hi: number }[] = [
  { type: Uint8Array, lo: 0, hi: 0xff },
  { type: Int8Array, lo: -0x80, hi: 0x7f },
  { type: Uint16Array, lo: 0, hi: 0xffff },
  { type: Int16Array, lo: -0x8000, hi: 0x7fff },
  { type: Uint32Array, lo: 0, hi: 0xffffffff },
  { type: Int32Array, lo: -0x80000000, hi: 0x7fffffff },
];

/**
 * The narrowest storage that holds every value of every one of `parts` (each compacted on its own): Float64Array
 * when one of them is float64, else the narrowest integer type spanning the union of their types' ranges.
 */
export function joinedType(parts: readonly NumericValues[]): NumericArrayType {
  let lo = 0;
  let hi = 0;
  for (const part of parts) {
    const t = INTEGER_TYPES.find((k) => part instanceof k.type);
    if (t === undefined) return Float64Array;
    lo = Math.min(lo, t.lo);
    hi = Math.max(hi, t.hi);
  }
  return (INTEGER_TYPES.find((t) => lo >= t.lo && hi <= t.hi) ?? { type: Float64Array }).type;
}

/** A numeric column stored compactly (compactValues). */
export function compactNumericColumn(name: string, values: Float64Array): NumericColumn {
  return numericColumn(name, compactValues(values));
}

/**
 * A numeric column's values as float64: its own array when it is float64, else a float64 copy (a conversion in the
 * engine: the typed-array constructor or set), in memory from `allocate` when given (e.g. huge pages, a model's outcome).
 */
export function asFloat64(values: NumericValues, allocate?: Allocate): Float64Array {
  if (values instanceof Float64Array) return values;
  if (allocate === undefined) return new Float64Array(values);
  const out = new Float64Array(allocate(values.length * Float64Array.BYTES_PER_ELEMENT), 0, values.length);
  out.set(values);
  return out;
}

/**
 * Rows [start, end) of a numeric column as float64: a view of the column when it is float64, else `into` (at least
 * end − start long) filled with the rows converted by the engine's typed-array copy. Loops over a column in blocks
 * through this read one array type (float64) whatever the column's compact storage (issue 16 item 2), at the cost of
 * a copy of a block, not of the column.
 */
export function float64Block(values: NumericValues, start: number, end: number, into: Float64Array): Float64Array {
  if (values instanceof Float64Array) return values.subarray(start, end);
  into.set(values.subarray(start, end));
  return into;
}

export function booleanColumn(name: string, values: Uint8Array): BooleanColumn {
  return { kind: 'boolean', name, values };
}

/**
 * A categorical column of `codes` into `levels` (a missing cell coded as its storage's missingCode), stored in the
 * narrowest type levelCodesType allows: `codes` itself when it is of that type, else a copy (readers that fill their
 * codes as they go, column-sinks.ts LevelCodesStore, give the narrow type already).
 */
export function categoricalColumn(name: string, codes: LevelCodes, levels: readonly string[]): CategoricalColumn {
  if (new Set(levels).size !== levels.length) throw new Error(`categorical column "${name}": levels are not unique`);
  const n = levels.length;
  const absent = missingCode(codes);
  let missing = false;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < n) continue;
    if (c !== absent) throw new Error(`categorical column "${name}": code ${c} at row ${i} is out of range`);
    missing = true;
  }
  const type = levelCodesType(n, missing);
  return { kind: 'categorical', name, codes: codes instanceof type ? codes : recodedAs(codes, type, n), levels: [...levels] };
}

/** `codes` (into `levels` levels) stored as `type` (narrower), a missing cell as its missing code. */
function recodedAs(codes: LevelCodes, type: LevelCodesType, levels: number): LevelCodes {
  const out = new type(codes.length);
  const absent = missingCode(out);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    out[i] = c < levels ? c : absent;
  }
  return out;
}


export function columnLength(column: Column): number {
  return column.kind === 'categorical' ? column.codes.length : column.values.length;
}

/**
 * A Frame from columns of equal length (in the order given). `missing` lists, per column, the rows whose value is
 * missing; `fileLineOfRow` (when the data came from a file) gives each row's file line.
 */
export function frameFromColumns(
  columns: readonly Column[],
  source: string,
  missing: ReadonlyMap<string, Uint32Array> = new Map(),
  fileLineOfRow?: Uint32Array,
): Frame {
  const nRows = columns.length > 0 ? columnLength(columns[0]) : 0;
  const map = new Map<string, Column>();
  for (const column of columns) {
    if (map.has(column.name)) throw new Error(`frameFromColumns: duplicate column "${column.name}"`);
    if (columnLength(column) !== nRows) {
      throw new Error(`frameFromColumns: column "${column.name}" has ${columnLength(column)} rows, expected ${nRows}`);
    }
    map.set(column.name, column);
  }
  for (const name of missing.keys()) {
    if (!map.has(name)) throw new Error(`frameFromColumns: missing-value rows given for unknown column "${name}"`);
  }
  if (fileLineOfRow !== undefined && fileLineOfRow.length !== nRows) {
    throw new Error(`frameFromColumns: ${fileLineOfRow.length} file lines for ${nRows} rows`);
  }
  const frame: Frame = { nRows, columns: map, missing, source };
  if (fileLineOfRow !== undefined) fileLines.set(frame, fileLineOfRow);
  return frame;
}

/**
 * A new Frame with `columns` added at the end, or replacing same-named columns in place. A replaced column's
 * missing-value record is dropped (the caller gives the new one in `missing` if it has any).
 */
export function withColumns(
  frame: Frame,
  columns: readonly Column[],
  missing: ReadonlyMap<string, Uint32Array> = new Map(),
): Frame {
  const replaced = new Map(columns.map((c) => [c.name, c]));
  const out: Column[] = [];
  for (const column of frame.columns.values()) out.push(replaced.get(column.name) ?? column);
  for (const column of columns) if (!frame.columns.has(column.name)) out.push(column);
  const newMissing = new Map<string, Uint32Array>();
  for (const [name, rows] of frame.missing) if (!replaced.has(name)) newMissing.set(name, rows);
  for (const [name, rows] of missing) newMissing.set(name, rows);
  const made = frameFromColumns(out, frame.source, newMissing, fileLines.get(frame));
  const first = firstRows.get(frame);
  if (first !== undefined) firstRows.set(made, first);
  return made;
}

/**
 * `frame`, a block of rows cut from a larger data set that starts at 0-based row `first` of it, marked so that
 * rowLocation names its rows by their row in the whole data set (a frame with file lines already names them so).
 */
export function withFirstRow(frame: Frame, first: number): Frame {
  firstRows.set(frame, first);
  return frame;
}

/**
 * The rows `rows` (0-based, increasing) of `frame` as a new Frame: every column (a categorical one keeps all its
 * levels, a numeric one its derivation), the missing cells among those rows, and their file lines for messages.
 */
export function frameRows(frame: Frame, rows: Uint32Array, source: string = frame.source): Frame {
  const take = <T extends NumericValues>(values: T, out: T): T => {
    for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]];
    return out;
  };
  // (a categorical column's rows may have no missing cell where the whole column had one: categoricalColumn narrows)
  const sameType = <T extends NumericValues>(values: T): T => new (values.constructor as new (n: number) => T)(rows.length);
  const columns: Column[] = [...frame.columns.values()].map((c): Column => {
    if (c.kind === 'categorical') return categoricalColumn(c.name, take(c.codes, sameType(c.codes)), c.levels);
    if (c.kind === 'boolean') return booleanColumn(c.name, take(c.values, new Uint8Array(rows.length)));
    return numericColumn(c.name, take(c.values, sameType(c.values)), c.derivation);
  });
  const position = new Map<number, number>();
  rows.forEach((r, k) => position.set(r, k));
  const missing = new Map<string, Uint32Array>();
  for (const [name, at] of frame.missing) {
    const kept = Uint32Array.from(Array.from(at).flatMap((r) => (position.has(r) ? [position.get(r) as number] : [])));
    if (kept.length > 0) missing.set(name, kept);
  }
  const lines = fileLines.get(frame);
  return frameFromColumns(columns, source, missing, lines ? take(lines, new Uint32Array(rows.length)) : undefined);
}

/** Column names in frame order. */
export function columnNames(frame: Frame): string[] {
  return [...frame.columns.keys()];
}

/**
 * The values of a numeric or boolean column as float64 (booleans as 0/1; a float64 numeric column's own array, a
 * compact one's float64 copy). Null for a categorical column.
 */
export function columnAsNumbers(column: Column): Float64Array | null {
  if (column.kind === 'numeric' || column.kind === 'boolean') return asFloat64(column.values);
  return null;
}

/**
 * Where 0-based data row `row` is, for messages: "data.csv, line 17" for a frame read from a file (its exact file
 * line), "simulated hillstrom (seed 1), row 16" (1-based) for a frame made in memory.
 */
export function rowLocation(frame: Frame, row: number): string {
  const lines = fileLines.get(frame);
  return lines !== undefined ? `${frame.source}, line ${lines[row]}` : `${frame.source}, row ${(firstRows.get(frame) ?? 0) + row + 1}`;
}
