/**
 * The Parquet reader's column sinks: a page's non-null values appended straight into the frame's compact storage —
 * numbers (re-stored wider when a page needs it), booleans, level codes of strings, or text cells for a column whose
 * type was forced.
 */
import { UserError } from '../errors.js';
import { LevelCodesStore, LevelIndex, Missing, hasNonFinite, sortedCategorical, widenWholeRange, zeroed, type Allocate, type WholeRange } from './column-sinks.js';
import type { ReadCsvOptions } from './csv-text.js';
import type { Column, NumericValues } from './frame.js';
import { booleanColumn, integerStorage, missingCode, numericColumn, type NumericArrayType } from './frame-build.js';
import type { Values } from './parquet-scratch.js';
import type { Planned } from './parquet-schema.js';
import { columnFromText } from './text-columns.js';

/** A column's storage being filled: `values` are the page's non-null values (numbers, 0/1, or level codes) in order. */
export interface Sink {
  append(values: Values, valid: Uint8Array | null, n: number, base: number): void;
  finish(rows: number): { column: Column; missing: Uint32Array | null };
}

/** Numbers stored as compactValues stores them (see NumericReader in parquet-read.ts: the same rule, page by page). */
export class NumericSink implements Sink {
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

export class BooleanSink implements Sink {
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

export class CategoricalSink implements Sink {
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
export class TextSink implements Sink {
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
