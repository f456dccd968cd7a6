/**
 * The distinct text cells of one CSV column, read from bytes (the streaming CSV reader, csv-fast.ts): each distinct
 * cell's bytes are interned once into a code (an open-addressing hash table over a byte arena: no string per cell),
 * and classified once, as a string, by the very functions the full parser's type inference applies to every cell
 * (text-columns.ts, number-reading.ts): missing or not, its number value (NaN when not a plain decimal), whether it
 * counts as a number for the typo rule (a plain decimal or a number nutmeg refuses), its boolean value, a leading
 * zero. Per code the reader also counts the cell's occurrences and keeps its first row, so that the column's type is
 * decided at the end by the full parser's rules from these counts alone.
 *
 * A cell whose bytes are not valid UTF-8, or hold a NUL byte, is not interned (lookup gives -1): the full parser
 * refuses such a file with its own message, so the reader leaves the file to it.
 */
import type { NumberReading } from './number-reading.js';
import { forcedBooleanValue, isMissingCell, leadingZeroCell, parseBooleanWord } from './text-columns.js';

/** The cell is missing (empty, only spaces, or NA). */
export const CELL_MISSING = 1;
/** Not missing and not a plain decimal: a numeric column with this cell is an error, or the column is not numeric. */
export const CELL_BAD = 2;
/** Not missing, and a number for the typo rule: a plain decimal or a number nutmeg refuses (number-cells.ts). */
export const CELL_NUMBER = 4;
/** The cell's whole part starts with 0 followed by a digit (text-columns.ts leadingZeroCell). */
export const CELL_LEADING_ZERO = 8;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Node's Buffer (latin1 text of an ASCII cell without a decoder). */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function grown<T extends Int32Array | Float64Array | Uint8Array | Int8Array>(array: T, length: number): T {
  if (length <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(length, array.length * 2));
  bigger.set(array);
  return bigger;
}

export class CellDictionary {
  /** Distinct cells so far; codes are 0 … size − 1 in order of first appearance. */
  size = 0;
  /** The cell of each code, as the full parser would give it. */
  readonly strings: string[] = [];
  /** Per code: CELL_* flags. */
  flags = new Uint8Array(64);
  /** Per code: the number read (reading.parse), NaN when none. */
  values = new Float64Array(64);
  /** Per code: parseBooleanWord (-1, 0, 1). */
  words = new Int8Array(64);
  /** Per code: the value in a column forced to be boolean (forcedBooleanValue: -1, 0, 1). */
  booleans = new Int8Array(64);
  /** Per code: occurrences; the reader counts them (add). */
  counts = new Int32Array(64);
  /** Per code: the first data row (0-based) with the cell. */
  firstRows = new Int32Array(64);
  private arena = new Uint8Array(1024);
  private arenaLength = 0;
  private starts = new Int32Array(64);
  private lengths = new Int32Array(64);
  private hashes = new Int32Array(64);
  /** Code + 1 per slot, 0 for an empty slot. */
  private table = new Int32Array(256);

  constructor(private readonly reading: NumberReading) {}

  /**
   * The code of the cell spelled by bytes[from, to), interned (first seen at data row `row`) when new; -1 when the
   * bytes are not UTF-8 text nutmeg reads (see the module comment).
   */
  lookup(bytes: Uint8Array, from: number, to: number, row: number): number {
    let h = FNV_OFFSET;
    for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME);
    const mask = this.table.length - 1;
    const length = to - from;
    let slot = h & mask;
    for (;;) {
      const entry = this.table[slot];
      if (entry === 0) break;
      const code = entry - 1;
      if (this.hashes[code] === h && this.lengths[code] === length && this.same(code, bytes, from, length)) return code;
      slot = (slot + 1) & mask;
    }
    return this.add(bytes, from, to, h, slot, row);
  }

  private same(code: number, bytes: Uint8Array, from: number, length: number): boolean {
    const arena = this.arena;
    const start = this.starts[code];
    for (let i = 0; i < length; i++) if (arena[start + i] !== bytes[from + i]) return false;
    return true;
  }

  private add(bytes: Uint8Array, from: number, to: number, h: number, slot: number, row: number): number {
    let ascii = true;
    for (let i = from; i < to; i++) {
      const b = bytes[i];
      if (b === 0) return -1;
      if (b >= 0x80) ascii = false;
    }
    let cell: string;
    if (ascii) {
      cell = NodeBuffer !== undefined && bytes instanceof NodeBuffer ? bytes.toString('latin1', from, to) : String.fromCharCode(...bytes.subarray(from, to));
    } else {
      try {
        cell = utf8.decode(bytes.subarray(from, to));
      } catch {
        return -1;
      }
    }
    const code = this.size++;
    const n = code + 1;
    this.flags = grown(this.flags, n);
    this.values = grown(this.values, n);
    this.words = grown(this.words, n);
    this.booleans = grown(this.booleans, n);
    this.counts = grown(this.counts, n);
    this.firstRows = grown(this.firstRows, n);
    this.starts = grown(this.starts, n);
    this.lengths = grown(this.lengths, n);
    this.hashes = grown(this.hashes, n);
    const length = to - from;
    this.arena = grown(this.arena, this.arenaLength + length);
    this.arena.set(bytes.subarray(from, to), this.arenaLength);
    this.starts[code] = this.arenaLength;
    this.lengths[code] = length;
    this.arenaLength += length;
    this.hashes[code] = h;
    this.firstRows[code] = row;
    this.strings.push(cell);
    const missing = isMissingCell(cell);
    const value = this.reading.parse(cell);
    let flags = 0;
    if (missing) flags |= CELL_MISSING;
    else {
      if (Number.isNaN(value)) flags |= CELL_BAD;
      if (this.reading.cell(cell) !== 'text') flags |= CELL_NUMBER;
    }
    if (leadingZeroCell(cell)) flags |= CELL_LEADING_ZERO;
    this.flags[code] = flags;
    this.values[code] = value;
    this.words[code] = parseBooleanWord(cell);
    this.booleans[code] = forcedBooleanValue(cell);
    this.table[slot] = code + 1;
    if (2 * this.size > this.table.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let code = 0; code < this.size; code++) {
      let slot = this.hashes[code] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = code + 1;
    }
    this.table = table;
  }
}
