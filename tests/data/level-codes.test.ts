/**
 * Categorical level codes in the narrowest integer type (issue 16 item 2; src/data/frame.ts LevelCodes,
 * frame-build.ts levelCodesType / categoricalColumn, column-sinks.ts LevelCodesStore): bytes up to 256 levels (255
 * with a missing cell, whose code is the type's largest value), Uint16 up to 65,536 (65,535), else Uint32. At each
 * boundary (256/257 and 65,536/65,537 levels, with and without a missing cell) every reader — CSV, the JavaScript
 * Parquet reader (dictionary and plain pages), parquet-wasm's, Arrow IPC — gives that type, and codes equal, value for
 * value, to the Uint32 codes computed here from the rows (levels sorted as strings, a missing cell as MISSING_CODE):
 * what the frame held before. A model built on narrow codes equals the one built on the same codes as Uint32.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dictionary, Float64, Int16, Int32, Int8, Table, Uint16, Uint32, Uint8, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { LevelCodesStore } from '../../src/data/column-sinks.js';
import { readCsv } from '../../src/data/csv.js';
import { readDataFile } from '../../src/data/data-file.js';
import { builtinDataset } from '../../src/data/datasets.js';
import type { CategoricalColumn, Column, Frame, LevelCodes } from '../../src/data/frame.js';
import { MISSING_CODE, categoricalColumn, frameFromColumns, frameRows, levelCodesType, missingCode, numericColumn } from '../../src/data/frame-build.js';
import { parquetWasmFrame } from '../../src/data/parquet-read.js';
import { buildModel } from '../../src/model/build.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-level-codes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('levelCodesType', () => {
  it('is the narrowest type holding every code and, with a missing cell, the missing code', () => {
    const cases: [number, boolean, string][] = [
      [1, false, 'Uint8Array'],
      [255, true, 'Uint8Array'],
      [256, false, 'Uint8Array'],
      [256, true, 'Uint16Array'],
      [257, false, 'Uint16Array'],
      [65_535, true, 'Uint16Array'],
      [65_536, false, 'Uint16Array'],
      [65_536, true, 'Uint32Array'],
      [65_537, false, 'Uint32Array'],
    ];
    for (const [levels, missing, type] of cases) expect([levels, missing, levelCodesType(levels, missing).name]).toEqual([levels, missing, type]);
    expect([missingCode(new Uint8Array(1)), missingCode(new Uint16Array(1)), missingCode(new Uint32Array(1))]).toEqual([0xff, 0xffff, MISSING_CODE]);
  });

  it('categoricalColumn stores Uint32 codes narrowly, a missing cell as the narrow missing code', () => {
    const c = categoricalColumn('g', Uint32Array.of(2, MISSING_CODE, 0, 1), ['a', 'b', 'c']);
    expect(c.codes).toBeInstanceOf(Uint8Array);
    expect(Array.from(c.codes)).toEqual([2, 0xff, 0, 1]);
    // the same array when it is of the narrowest type already
    const codes = Uint8Array.of(0, 1);
    expect(categoricalColumn('g', codes, ['a', 'b']).codes).toBe(codes);
    expect(() => categoricalColumn('g', Uint8Array.of(0, 7), ['a', 'b'])).toThrow(/code 7 at row 1 is out of range/);
  });
});

/** `rows` cells of a column with `levels` levels (every level at least once, in a scrambled order) and, when `missing`, two missing cells (one early, one last). */
function cells(levels: number, missing: boolean): (string | null)[] {
  const name = (k: number): string => `L${String(k).padStart(6, '0')}`;
  const n = levels + 1 + (missing ? 2 : 0);
  const out: (string | null)[] = [];
  for (let i = 0, j = 0; i < n; i++) {
    if (missing && (i === 3 || i === n - 1)) out.push(null);
    else out.push(name((j++ * 7919) % levels));
  }
  return out;
}

/** The Uint32 codes of the cells, as frames held them before: levels sorted as strings, a missing cell MISSING_CODE. */
function wideCodes(values: readonly (string | null)[]): { levels: string[]; codes: number[] } {
  const levels = [...new Set(values.filter((v): v is string => v !== null))].sort();
  const index = new Map(levels.map((l, k) => [l, k]));
  return { levels, codes: values.map((v) => (v === null ? MISSING_CODE : (index.get(v) as number))) };
}

/** The first index where two arrays differ (or the shorter one's length), -1 when equal (toEqual on 65,537 values is slow). */
function firstDifference<T>(a: readonly T[], b: readonly T[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** A column's codes with the missing code (whatever the type) as MISSING_CODE. */
function asWide(c: CategoricalColumn): number[] {
  return Array.from(c.codes, (k) => (k >= c.levels.length ? MISSING_CODE : k));
}

function categorical(frame: Frame, name: string): CategoricalColumn {
  const c = frame.columns.get(name) as Column;
  expect(c.kind).toBe('categorical');
  return c as CategoricalColumn;
}

function writeParquetTable(table: Table, name: string, dictionary: boolean): string {
  const file = join(dir, name);
  const props = new parquet.WriterPropertiesBuilder().setDictionaryEnabled(dictionary).setMaxRowGroupSize(50_000).build();
  writeFileSync(file, parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
  return file;
}

describe('every reader at the type boundaries', () => {
  for (const [levels, missing, type] of [
    [256, false, 'Uint8Array'],
    [255, true, 'Uint8Array'],
    [256, true, 'Uint16Array'],
    [257, false, 'Uint16Array'],
    [65_536, false, 'Uint16Array'],
    [65_536, true, 'Uint32Array'],
    [65_537, false, 'Uint32Array'],
  ] as const) {
    it(`${levels} levels${missing ? ' and missing cells' : ''}: ${type}, codes equal to the Uint32 ones`, () => {
      const values = cells(levels, missing);
      const expected = wideCodes(values);
      expect(expected.levels.length).toBe(levels);
      const x = values.map((_, i) => i / 2);
      const table = new Table({ g: vectorFromArray(values, new Utf8()), x: vectorFromArray(x, new Float64()) });
      const tag = `${levels}-${missing}`;
      const csv = join(dir, `${tag}.csv`);
      writeFileSync(csv, ['g,x', ...values.map((v, i) => `${v ?? ''},${x[i]}`)].join('\n') + '\n');
      const arrow = join(dir, `${tag}.arrow`);
      writeFileSync(arrow, tableToIPC(table, 'file'));
      const dictFile = writeParquetTable(table, `${tag}-dict.parquet`, true);
      const plainFile = writeParquetTable(table, `${tag}-plain.parquet`, false);
      const frames: [string, Frame][] = [
        ['csv', readCsv(csv)],
        ['arrow', readDataFile(arrow)],
        ['parquet dictionary', readDataFile(dictFile)],
        ['parquet plain', readDataFile(plainFile)],
        ['parquet-wasm', parquetWasmFrame(dictFile, readFileSync(dictFile), parquet)],
      ];
      for (const [reader, frame] of frames) {
        const g = categorical(frame, 'g');
        expect([reader, g.codes.constructor.name]).toEqual([reader, type]);
        expect(firstDifference(g.levels, expected.levels)).toBe(-1);
        expect(firstDifference(asWide(g), expected.codes)).toBe(-1);
        expect(Array.from(frame.missing.get('g') ?? [])).toEqual(missing ? [3, values.length - 1] : []);
      }
    });
  }

  it('frameRows keeps the narrowest type for the rows it takes (no missing cell among them: one type narrower)', () => {
    const values = cells(256, true);
    const frame = readCsv(writeCsv(values, 'rows.csv'));
    expect(categorical(frame, 'g').codes).toBeInstanceOf(Uint16Array);
    const rows = Uint32Array.from(values.flatMap((v, i) => (v === null ? [] : [i])));
    const taken = categorical(frameRows(frame, rows), 'g');
    expect(taken.codes).toBeInstanceOf(Uint8Array);
    expect(Array.from(taken.codes)).toEqual(Array.from(rows, (r) => wideCodes(values).codes[r]));
  });
});

function writeCsv(values: readonly (string | null)[], name: string): string {
  const file = join(dir, name);
  writeFileSync(file, ['g,x', ...values.map((v, i) => `${v ?? ''},${i}`)].join('\n') + '\n');
  return file;
}

describe('Arrow IPC: integers and dictionaries without nulls', () => {
  it('read (a view, one copy, or a gather) into the frame the Parquet reader gives for the same table, over several record batches', () => {
    const part = (from: number, n: number): Table => {
      const k = Array.from({ length: n }, (_, i) => from + i);
      return new Table({
        u8: vectorFromArray(k.map((i) => i % 3), new Uint8()),
        i8: vectorFromArray(k.map((i) => (i % 5) - 2), new Int8()),
        i16: vectorFromArray(k.map((i) => i * 7 - 300), new Int16()),
        u16: vectorFromArray(k.map((i) => i % 300), new Uint16()),
        i32: vectorFromArray(k.map((i) => (i % 2 === 0 ? 40_000 : -3)), new Int32()),
        u32: vectorFromArray(k.map((i) => 3_000_000_000 + i), new Uint32()),
        small32: vectorFromArray(k.map((i) => i % 2), new Int32()),
        g: vectorFromArray(k.map((i) => `w${(i * 7) % 11}`), new Dictionary(new Utf8(), new Int32())),
        h: vectorFromArray(k.map((i) => `v${(i * 13) % 300}`), new Dictionary(new Utf8(), new Int16())),
      });
    };
    for (const table of [part(0, 700), part(0, 700).concat(part(700, 500), part(1200, 301))]) {
      const tag = `ints-${table.batches.length}`;
      // (batches with dictionaries of their own: an IPC stream, which allows replacement dictionaries)
      const several = table.batches.length > 1;
      const arrowFile = join(dir, several ? `${tag}.arrows` : `${tag}.arrow`);
      writeFileSync(arrowFile, tableToIPC(table, several ? 'stream' : 'file'));
      const fromArrow = readDataFile(arrowFile);
      const fromParquet = readDataFile(writeParquetTable(table, `${tag}.parquet`, true));
      const shape = (f: Frame) =>
        [...f.columns.values()].map((c) =>
          c.kind === 'categorical' ? [c.name, c.codes.constructor.name, c.levels, Array.from(c.codes)] : [c.name, c.values.constructor.name, Array.from(c.values)],
        );
      expect(shape(fromArrow)).toEqual(shape(fromParquet));
      expect(shape(fromArrow).map((c) => c[1])).toEqual(['Uint8Array', 'Int8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Uint8Array', 'Uint8Array', 'Uint16Array']);
    }
  });
});

describe('LevelCodesStore', () => {
  /** Fills a store with `codes` (-1: missing) one at a time, or a page at a time through reserve. */
  function filled(codes: readonly number[], pageRows: number): LevelCodes {
    const store = new LevelCodesStore(codes.length);
    if (pageRows === 1) {
      codes.forEach((c, row) => (c < 0 ? store.setMissing(row) : store.set(row, c)));
      return store.codes;
    }
    let levels = 0;
    for (let base = 0; base < codes.length; base += pageRows) {
      const page = codes.slice(base, base + pageRows);
      for (const c of page) levels = Math.max(levels, c + 1);
      const out = store.reserve(levels, page.includes(-1), base);
      page.forEach((c, i) => (out[base + i] = c < 0 ? missingCode(out) : c));
    }
    return store.codes;
  }

  it('widens when a level or the first missing cell needs it, keeping the codes (and missing cells) stored before', () => {
    // levels in order of first appearance, as the readers give them: 0, 1, 2, …
    const sequences: [string, number[]][] = [
      ['256 levels, no missing', Array.from({ length: 300 }, (_, i) => i % 256)],
      ['256 levels, then a missing cell', [...Array.from({ length: 256 }, (_, i) => i), -1, 5]],
      ['a missing cell, then 256 levels', [-1, ...Array.from({ length: 256 }, (_, i) => i), -1]],
      ['a missing cell, then 70,000 levels', [0, -1, ...Array.from({ length: 70_000 }, (_, i) => i), -1]],
    ];
    for (const [what, codes] of sequences) {
      const levels = Math.max(...codes) + 1;
      const type = levelCodesType(levels, codes.includes(-1)).name;
      for (const page of [1, 7, 100_000]) {
        const got = filled(codes, page);
        expect([what, page, got.constructor.name]).toEqual([what, page, type]);
        expect(Array.from(got, (c) => (c >= levels ? -1 : c))).toEqual(codes);
      }
    }
  });
});

describe('models on narrow codes', () => {
  it('build the same spec as on the same codes stored as Uint32 (grouping factor and categorical fixed effect)', () => {
    const n = 3000;
    const g = new Uint32Array(n);
    const h = new Uint32Array(n);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      g[i] = (i * 7919) % 300;
      h[i] = (i * 31) % 5;
      x[i] = ((i % 17) - 8) / 4;
      y[i] = (i * 13) % 7 < 2 ? 1 : 0;
    }
    const gLevels = Array.from({ length: 300 }, (_, k) => `g${String(k).padStart(3, '0')}`);
    const hLevels = ['a', 'b', 'c', 'd', 'e'];
    const numbers = [numericColumn('y', y), numericColumn('x', x)];
    const narrow = frameFromColumns([...numbers, categoricalColumn('g', g, gLevels), categoricalColumn('h', h, hLevels)], 'narrow');
    // (the frame as it was before: Uint32 codes, not through categoricalColumn)
    const wide = frameFromColumns(
      [...numbers, { kind: 'categorical', name: 'g', codes: g, levels: gLevels }, { kind: 'categorical', name: 'h', codes: h, levels: hLevels }],
      'wide',
    );
    expect([categorical(narrow, 'g').codes.constructor.name, categorical(narrow, 'h').codes.constructor.name]).toEqual(['Uint16Array', 'Uint8Array']);
    for (const formula of ['y ~ x + h + (1 | g)', 'y ~ x + g', 'y ~ x + (1 + x | h) + (1 | g:h)']) {
      expect(buildModel(narrow, formula).spec).toEqual(buildModel(wide, formula).spec);
    }
  });

  it('the simulators store codes narrowly (sim:hillstrom as bytes, sim:crossed students as Uint16)', () => {
    const hill = builtinDataset('hillstrom', 1, 500).frame;
    for (const name of ['history_segment', 'zip_code', 'channel', 'segment']) expect(categorical(hill, name).codes).toBeInstanceOf(Uint8Array);
    const crossed = builtinDataset('crossed', 1).frame;
    const student = categorical(crossed, 'student');
    expect(student.codes).toBeInstanceOf(levelCodesType(student.levels.length, false));
  });
});
