/**
 * Parquet read a window of row groups at a time (src/data/parquet-read.ts, parquet-footer.ts): the footer's row
 * counts are the ones the writer was told to make; a file read one row group per window gives the same frame as the
 * same table read whole from an Arrow IPC file (apache-arrow, the other reader) for every column type, with nulls,
 * including a null in a middle row group (the same one-line error as the whole file's); a numeric column stored
 * narrow in the first windows is re-stored wider when a later window needs it, ending as compactValues stores the
 * whole column; a NaN or an infinity in a later window is named at its row in the file (and so by the Arrow reader).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bool, Dictionary, Float64, Int32, Int64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { requireNoMissing } from '../../src/data/checks.js';
import { readDataFile } from '../../src/data/data-file.js';
import type { Frame } from '../../src/data/frame.js';
import { compactValues } from '../../src/data/frame-build.js';
import { parquetRowGroups } from '../../src/data/parquet-footer.js';
import { parquetFrame, parquetWindows } from '../../src/data/parquet-read.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-parquet-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `table` as a Parquet file with row groups of `groupRows` rows. */
function writeParquet(table: Table, name: string, groupRows: number): string {
  const file = join(dir, name);
  const props = new parquet.WriterPropertiesBuilder().setMaxRowGroupSize(groupRows).build();
  writeFileSync(file, parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
  return file;
}

function writeArrow(table: Table, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, tableToIPC(table, 'file'));
  return file;
}

/** Reads `file` one row group per window (row groups of `groupRows` rows). */
function windowed(file: string, groupRows: number): Frame {
  return parquetFrame(file, readFileSync(file), parquet, {}, { rows: groupRows, bytes: 0 });
}

function plain(frame: Frame): unknown {
  return {
    columns: [...frame.columns.values()].map((c) =>
      c.kind === 'categorical'
        ? { name: c.name, kind: c.kind, levels: c.levels, codes: Array.from(c.codes) }
        : { name: c.name, kind: c.kind, type: c.values.constructor.name, values: Array.from(c.values) },
    ),
    missing: [...frame.missing].map(([name, rows]) => [name, Array.from(rows)]),
  };
}

const N = 11;
const ints = Array.from({ length: N }, (_, i) => (i * 5) % 7);

describe('the Parquet footer', () => {
  it('gives the rows the writer put in each row group', () => {
    const table = new Table({ x: vectorFromArray(ints, new Int32()), g: vectorFromArray(ints.map(String), new Utf8()) });
    for (const [groupRows, expected] of [
      [4, [4, 4, 3]],
      [5, [5, 5, 1]],
      [20, [11]],
    ] as const) {
      const layout = parquetRowGroups(readFileSync(writeParquet(table, `footer-${groupRows}.parquet`, groupRows)));
      expect(layout.numRows).toBe(N);
      expect(layout.rowGroups.map((g) => g.numRows)).toEqual(expected);
      expect(layout.rowGroups.map((g) => g.columns)).toEqual(expected.map(() => 2));
      for (const g of layout.rowGroups) expect(g.bytes).toBeGreaterThan(0);
    }
    expect(() => parquetRowGroups(new TextEncoder().encode('PAR1\u0015\u0004garbagePAR1'))).toThrow();
  });

  it('windows join row groups up to the rows asked, unless a window is still smaller than the bytes asked', () => {
    const layout = { numRows: 10, rowGroups: [3, 3, 3, 1].map((numRows) => ({ numRows, bytes: 100 * numRows, columns: 2 })) };
    expect(parquetWindows(layout, { rows: 6, bytes: 0 })).toEqual([
      { groups: [0, 1], rows: 6 },
      { groups: [2, 3], rows: 4 },
    ]);
    expect(parquetWindows(layout, { rows: 2, bytes: 0 }).map((w) => w.groups)).toEqual([[0], [1], [2], [3]]);
    // a window of fewer than 500 bytes takes the next row group too
    expect(parquetWindows(layout, { rows: 2, bytes: 500 }).map((w) => w.groups)).toEqual([[0, 1], [2, 3]]);
    // bytes count at least 8 a value: 3 rows × 2 columns × 8 = 48 > 30 bytes
    const packed = { numRows: 10, rowGroups: [3, 3, 3, 1].map((numRows) => ({ numRows, bytes: 10 * numRows, columns: 2 })) };
    expect(parquetWindows(packed, { rows: 2, bytes: 90 }).map((w) => w.groups)).toEqual([[0, 1], [2, 3]]);
    expect(parquetWindows(packed, { rows: 2, bytes: 48 }).map((w) => w.groups)).toEqual([[0], [1], [2], [3]]);
  });
});

describe('Parquet read a window of row groups at a time', () => {
  it('gives the Arrow IPC reader\'s frame for every column type, nulls in a middle row group included', () => {
    const words = ['b', 'a', 'c', 'a', 'b', 'c', 'dd', 'a', 'é', 'b', 'c'];
    const table = new Table({
      i: vectorFromArray(ints, new Int32()),
      big: vectorFromArray(ints.map((v) => BigInt(v) * 3_000_000_000n - 5n), new Int64()),
      x: vectorFromArray(ints.map((v, k) => (k === 5 ? null : v / 4)), new Float64()),
      s: vectorFromArray(words.map((w, k) => (k === 6 ? null : w)), new Utf8()),
      d: vectorFromArray(words, new Dictionary(new Utf8(), new Int32())),
      b: vectorFromArray(ints.map((v, k) => (k === 4 ? null : v > 3)), new Bool()),
    });
    const file = writeParquet(table, 'types.parquet', 4);
    const expected = plain(readDataFile(writeArrow(table, 'types.arrow')));
    expect(plain(windowed(file, 4))).toEqual(expected);
    expect(plain(readDataFile(file))).toEqual(expected);
    // the null at row 6 (0-based 5) is in the second row group: reported as in the whole file
    const frame = windowed(file, 4);
    expect(userErrorOf(() => requireNoMissing(frame, 'x'))).toBe(
      `${file}, row 6, column "x": value is missing (empty or NA); fill in or remove those rows, or leave the column out of the model`,
    );
  });

  it('re-stores a numeric column wider when a later row group needs it (as compactValues stores the whole column)', () => {
    // row groups of 4: bytes, then a negative value, then past 16 bits, then a fraction
    const columns = {
      grows: [0, 1, 2, 3, 4, -5, 6, 7, 8, 70_000, 9, 10],
      fraction: [1, 2, 3, 4, 5, 6, 7, 8, 0.5, 1, 2, 3],
      flags: [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0],
    };
    const table = new Table(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, vectorFromArray(v, new Float64())])));
    const frame = windowed(writeParquet(table, 'grows.parquet', 4), 4);
    for (const [name, values] of Object.entries(columns)) {
      const c = frame.columns.get(name);
      const whole = compactValues(Float64Array.from(values));
      expect(c?.kind === 'numeric' ? [c.values.constructor.name, Array.from(c.values)] : null).toEqual([whole.constructor.name, values]);
    }
    expect(frame.columns.get('grows')?.kind === 'numeric' ? (frame.columns.get('grows') as { values: unknown }).values : null).toBeInstanceOf(Int32Array);
  });

  it('names a NaN in a later row group at its row in the file', () => {
    const values = Array.from({ length: 9 }, (_, k) => (k === 7 ? NaN : k / 2));
    const file = writeParquet(new Table({ x: vectorFromArray(values, new Float64()) }), 'late-nan.parquet', 3);
    const message = `${file}, row 8, column "x": the value is NaN, not a number; repair it or write it as a null (missing)`;
    expect(userErrorOf(() => windowed(file, 3))).toBe(message);
    expect(userErrorOf(() => readDataFile(file))).toBe(message);
    const arrowFile = writeArrow(new Table({ x: vectorFromArray(values, new Float64()) }), 'late-nan.arrow');
    expect(userErrorOf(() => readDataFile(arrowFile))).toBe(message.split(file).join(arrowFile));
    // an infinity after a NaN-free start, and a -Infinity, in both readers
    for (const bad of [Infinity, -Infinity]) {
      const withInf = new Table({ x: vectorFromArray(values.map((v, k) => (k === 7 ? bad : v)), new Float64()) });
      for (const f of [writeParquet(withInf, 'late-inf.parquet', 3), writeArrow(withInf, 'late-inf.arrow')]) {
        expect(userErrorOf(() => readDataFile(f))).toBe(
          `${f}, row 8, column "x": the value is infinite, not a finite number; repair it or write it as a null (missing)`,
        );
      }
    }
  });
});
