/**
 * Pieces shared by the Parquet readers (parquet-read.ts through parquet-wasm, parquet-pages.ts in JavaScript) that
 * turn decoded values into frame storage: the scan for NaN/±Infinity, the list of null rows, and the level index of a
 * categorical column (strings found by their UTF-8 bytes, decoded once per level). No Node imports (a page uses them).
 */
import type { Column, LevelCodes } from './frame.js';
import { categoricalColumn, levelCodesType, missingCode } from './frame-build.js';

/** Zeroed memory of `bytes` bytes for a column's storage (e.g. huge pages from the native addon). */
export type Allocate = (bytes: number) => ArrayBuffer;

/** `n` zeroed elements of `type`, in memory from `allocate` when given. */
export function zeroed<T>(
  type: { new (buffer: ArrayBuffer, offset: number, length: number): T; new (length: number): T; readonly BYTES_PER_ELEMENT: number },
  n: number,
  allocate: Allocate | undefined,
): T {
  return allocate === undefined ? new type(n) : new type(allocate(n * type.BYTES_PER_ELEMENT), 0, n);
}

/**
 * A categorical column's codes being filled, in the narrowest storage the levels seen so far allow (frame-build.ts
 * levelCodesType: bytes while there are at most 256 levels, …), re-stored wider when a later page brings more levels
 * or the first missing cell needs the code the last level had: a column of a few levels costs a byte a row of fresh
 * memory, not four (on this VM first-touch faults are most of a cold read's CPU).
 */
export class LevelCodesStore {
  private store: LevelCodes;
  /** Levels stored so far (codes are given in order of first appearance: the largest code + 1). */
  private levels = 0;
  private missingSeen = false;
  /** The storage's missing code, and the codes below `limit` that it holds as it is. */
  private absent = 0xff;
  private limit = 0x100;
  constructor(
    private readonly total: number,
    private readonly allocate?: Allocate,
  ) {
    this.store = zeroed(Uint8Array, total, allocate);
  }
  /**
   * The storage, wide enough for codes below `levels` and, when `missing`, a missing cell's code (missingCode of the
   * storage returned); rows before `filled` keep their codes when it is re-stored wider.
   */
  reserve(levels: number, missing: boolean, filled: number): LevelCodes {
    this.levels = Math.max(this.levels, levels);
    const type = levelCodesType(this.levels, missing || this.missingSeen);
    const old = this.store;
    if (type.BYTES_PER_ELEMENT > old.BYTES_PER_ELEMENT) {
      const wider = zeroed(type, this.total, this.allocate);
      if (this.missingSeen) {
        // (the old missing code is no level: reserve kept it free)
        const to = missingCode(wider);
        for (let i = 0; i < filled; i++) wider[i] = old[i] === this.absent ? to : old[i];
      } else wider.set(old.subarray(0, filled));
      this.store = wider;
    }
    if (missing) this.missingSeen = true;
    this.absent = missingCode(this.store);
    this.limit = this.missingSeen ? this.absent : this.absent + 1;
    return this.store;
  }
  /** Stores level `code` at `row` (rows filled in order). */
  set(row: number, code: number): void {
    if (code >= this.levels) {
      this.levels = code + 1;
      if (code >= this.limit) this.reserve(code + 1, false, row);
    }
    this.store[row] = code;
  }
  /** Stores a missing cell at `row` (rows filled in order). */
  setMissing(row: number): void {
    if (!this.missingSeen) this.reserve(this.levels, true, row);
    this.store[row] = this.absent;
  }
  /** The codes so far (the storage of the last reserve). */
  get codes(): LevelCodes {
    return this.store;
  }
}

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
 * A categorical column from codes in order of first appearance (levels.names; a code at or above their count is a
 * missing cell), renumbered in sorted level order as a CSV column's are; `codes` is renumbered in place (its first
 * `rows` entries, or a copy when it is longer).
 */
export function sortedCategorical(name: string, codes: LevelCodes, rows: number, levels: { readonly names: readonly string[] }): Column {
  const used = rows === codes.length ? codes : codes.slice(0, rows);
  const firstSeen = levels.names;
  const n = firstSeen.length;
  const sorted = firstSeen.map((_, k) => k).sort((a, b) => (firstSeen[a] < firstSeen[b] ? -1 : firstSeen[a] > firstSeen[b] ? 1 : 0));
  const remap = new Uint32Array(n);
  sorted.forEach((k, rank) => (remap[k] = rank));
  for (let r = 0; r < rows; r++) {
    const c = used[r];
    if (c < n) used[r] = remap[c];
  }
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
