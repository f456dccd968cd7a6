/**
 * Pieces shared by the Parquet readers (parquet-read.ts through parquet-wasm, parquet-pages.ts in JavaScript) that
 * turn decoded values into frame storage: the scan for NaN/±Infinity, the list of null rows, and the level index of a
 * categorical column (strings found by their UTF-8 bytes, decoded once per level). No Node imports (a page uses them).
 */
import type { Column } from './frame.js';
import { MISSING_CODE, categoricalColumn } from './frame-build.js';

/**
 * Whether `values` holds a NaN or an infinity. (A plain loop: 10⁷ values in ~10 ms of CPU, against ~45 ms for three
 * scans by the typed array's native `includes(NaN)`, `includes(±Infinity)`, measured in one process.)
 */
export function hasNonFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) return true;
  }
  return false;
}

/** Whether a numeric column's values so far are all whole numbers, and their range: what its compact storage needs. */
export interface WholeRange {
  lo: number;
  hi: number;
  whole: boolean;
}

/**
 * Widens `range` by values [0, n) of a page without nulls. Integers widen lo and hi; floats do too while they are
 * whole, and the first fraction ends `whole` (a column of measurements is known to be float64 after a few values, and
 * its range no longer matters).
 */
export function widenWholeRange(range: WholeRange, values: ArrayLike<number>, n: number, isFloat: boolean): void {
  let { lo, hi, whole } = range;
  if (isFloat) {
    for (let i = 0; whole && i < n; i++) {
      const v = values[i];
      if (v !== Math.floor(v)) whole = false;
      else if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
  } else if (whole) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
  }
  range.lo = lo;
  range.hi = hi;
  range.whole = whole;
}

/** The rows of a column whose value is null, in increasing order. */
export class Missing {
  private rows: number[] = [];
  add(row: number): void {
    this.rows.push(row);
  }
  done(): Uint32Array | null {
    return this.rows.length === 0 ? null : Uint32Array.from(this.rows);
  }
}

/**
 * A categorical column from codes in order of first appearance (levels.names), renumbered in sorted level order as a
 * CSV column's are; `codes` is renumbered in place (its first `rows` entries, or a copy when it is longer).
 */
export function sortedCategorical(name: string, codes: Uint32Array, rows: number, levels: LevelIndex): Column {
  const used = rows === codes.length ? codes : codes.slice(0, rows);
  const firstSeen = levels.names;
  const sorted = firstSeen.map((_, k) => k).sort((a, b) => (firstSeen[a] < firstSeen[b] ? -1 : firstSeen[a] > firstSeen[b] ? 1 : 0));
  const remap = new Uint32Array(firstSeen.length);
  sorted.forEach((k, rank) => (remap[k] = rank));
  for (let r = 0; r < rows; r++) if (used[r] !== MISSING_CODE) used[r] = remap[used[r]];
  return categoricalColumn(name, used, sorted.map((k) => firstSeen[k]));
}

/**
 * The levels of a categorical column in order of first appearance, found by their UTF-8 bytes (a hash of the bytes,
 * then a byte comparison), so a row's string is decoded only the first time its level appears.
 */
export class LevelIndex {
  readonly names: string[] = [];
  private readonly stored: Uint8Array[] = [];
  private readonly byHash = new Map<number, number>();
  private readonly sameHash: number[] = [];
  private readonly decoder = new TextDecoder();
  code(bytes: Uint8Array, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let p = from; p < to; p++) h = Math.imul(h ^ bytes[p], 0x01000193);
    let c = this.byHash.get(h);
    while (c !== undefined && c >= 0) {
      const s = this.stored[c];
      if (s.length === to - from) {
        let same = true;
        for (let p = 0; p < s.length; p++) {
          if (s[p] !== bytes[from + p]) {
            same = false;
            break;
          }
        }
        if (same) return c;
      }
      c = this.sameHash[c];
    }
    const code = this.names.length;
    // (a copy, also when `bytes` is a Node Buffer, whose slice is a view)
    const copy = new Uint8Array(to - from);
    copy.set(bytes.subarray(from, to));
    this.names.push(this.decoder.decode(copy));
    this.stored.push(copy);
    this.sameHash.push(this.byHash.get(h) ?? -1);
    this.byHash.set(h, code);
    return code;
  }
}
