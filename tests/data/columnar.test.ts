/**
 * Parquet and Arrow IPC input (src/data/columnar.ts, data-file.ts): small files written here with apache-arrow and
 * parquet-wasm read into the same Frame as the equivalent CSV; schema types map to frame column kinds; nulls are
 * missing values reported like empty CSV cells; unsupported types and damaged files are one-line user errors; a fit
 * from the Parquet file equals the fit from the CSV with the same seed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Bool,
  Dictionary,
  Float32,
  Float64,
  Int16,
  Int32,
  Int8,
  Uint32,
  Uint8,
  Int64,
  List,
  Field,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { requireNoMissing } from '../../src/data/checks.js';
import { readCsv } from '../../src/data/csv.js';
import { dataFileFormat, readDataFile } from '../../src/data/data-file.js';
import type { Frame } from '../../src/data/frame.js';
import { missingCode } from '../../src/data/frame-build.js';
import { parquetFrame } from '../../src/data/parquet-read.js';
import { runNutmeg } from '../helpers/cli.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-columnar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeParquet(table: Table, name: string): string {
  const file = join(dir, name);
  const wasmTable = parquet.Table.fromIPCStream(tableToIPC(table, 'stream'));
  writeFileSync(file, parquet.writeParquet(wasmTable));
  return file;
}

function writeArrow(table: Table, name: string, kind: 'file' | 'stream'): string {
  const file = join(dir, name);
  writeFileSync(file, tableToIPC(table, kind));
  return file;
}

function writeText(text: string, name: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The columns of a frame as plain values, for comparing frames read from different files. */
function plain(frame: Frame): unknown {
  return [...frame.columns.values()].map((c) =>
    c.kind === 'categorical'
      ? { name: c.name, kind: c.kind, levels: c.levels, codes: Array.from(c.codes) }
      : { name: c.name, kind: c.kind, values: Array.from(c.values) },
  );
}

// 6 rows: y integer 0/1, x float, g string, h dictionary-encoded string, b boolean
const Y = [1, 0, 0, 1, 1, 0];
const X = [0.5, -1.25, 3, 1e-3, 2.5, -0.75];
const G = ['b', 'a', 'c', 'a', 'b', 'c'];
const B = [true, false, false, true, true, false];
const CSV = ['y,x,g,h,b', ...Y.map((y, i) => `${y},${X[i]},${G[i]},${G[i]},${B[i]}`)].join('\n') + '\n';

function sampleTable(): Table {
  return new Table({
    y: vectorFromArray(Y, new Int32()),
    x: vectorFromArray(X, new Float64()),
    g: vectorFromArray(G, new Utf8()),
    h: vectorFromArray(G, new Dictionary(new Utf8(), new Int32())),
    b: vectorFromArray(B, new Bool()),
  });
}

describe('reading Parquet and Arrow IPC', () => {
  const csv = writeText(CSV, 'sample.csv');
  const files = {
    parquet: writeParquet(sampleTable(), 'sample.parquet'),
    arrowFile: writeArrow(sampleTable(), 'sample.arrow', 'file'),
    arrowStream: writeArrow(sampleTable(), 'sample.arrows', 'stream'),
  };

  it('gives the same frame as the equivalent CSV, for Parquet, Arrow IPC file and stream', () => {
    const expected = plain(readCsv(csv));
    expect(dataFileFormat(files.parquet)).toBe('parquet');
    expect(dataFileFormat(files.arrowFile)).toBe('arrow');
    expect(dataFileFormat(files.arrowStream)).toBe('arrow');
    expect(dataFileFormat(csv)).toBe('csv');
    for (const file of Object.values(files)) {
      const frame = readDataFile(file);
      expect(frame.nRows).toBe(6);
      expect(frame.source).toBe(file);
      expect(plain(frame)).toEqual(expected);
    }
  });

  it('maps schema types: integers and floats → numeric, strings and dictionaries → categorical, booleans → 0/1', () => {
    const frame = readDataFile(files.parquet);
    expect([...frame.columns.values()].map((c) => `${c.name}:${c.kind}`)).toEqual([
      'y:numeric',
      'x:numeric',
      'g:categorical',
      'h:categorical',
      'b:boolean',
    ]);
    const h = frame.columns.get('h');
    expect(h?.kind === 'categorical' ? [h.levels, Array.from(h.codes)] : null).toEqual([['a', 'b', 'c'], [1, 0, 2, 0, 1, 2]]);
    const b = frame.columns.get('b');
    expect(b?.kind === 'boolean' ? Array.from(b.values) : null).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('reads 64-bit integers as numbers', () => {
    const file = writeParquet(new Table({ n: vectorFromArray([1n, -2n, 3n], new Int64()) }), 'int64.parquet');
    const n = readDataFile(file).columns.get('n');
    expect(n?.kind === 'numeric' ? Array.from(n.values) : null).toEqual([1, -2, 3]);
  });

  it('reads all-number Parquet files (copied out of WebAssembly memory) as the Arrow IPC path does, over several row groups', () => {
    // every numeric Arrow type, 10 rows in row groups of 4
    const n = 10;
    const ints = Array.from({ length: n }, (_, i) => i * 7 - 20);
    const table = new Table({
      f64: vectorFromArray(ints.map((v) => v / 3), new Float64()),
      f32: vectorFromArray(ints.map((v) => v / 4), new Float32()),
      i8: vectorFromArray(ints, new Int8()),
      u8: vectorFromArray(ints.map((v) => v + 20), new Uint8()),
      i16: vectorFromArray(ints.map((v) => v * 300), new Int16()),
      i32: vectorFromArray(ints.map((v) => v * 100_000), new Int32()),
      u32: vectorFromArray(ints.map((v) => (v + 20) * 50_000_000), new Uint32()),
      i64: vectorFromArray(ints.map((v) => BigInt(v) * 1_000_000_000n), new Int64()),
    });
    const file = join(dir, 'numbers.parquet');
    const props = new parquet.WriterPropertiesBuilder().setMaxRowGroupSize(4).build();
    writeFileSync(file, parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), props));
    // one window per row group (readDataFile reads the whole file in one here: it is small)
    const windowed = parquetFrame(file, readFileSync(file), parquet, {}, { rows: 4, bytes: 0 });
    expect(plain(windowed)).toEqual(table.schema.fields.map((f, j) => ({ name: f.name, kind: 'numeric', values: Array.from(table.getChildAt(j)?.toArray() ?? [], Number) })));
    const fromParquet = readDataFile(file);
    expect(plain(fromParquet)).toEqual(plain(readDataFile(writeArrow(table, 'numbers.arrow', 'file'))));
    const f64 = fromParquet.columns.get('f64');
    expect(f64?.kind === 'numeric' ? Array.from(f64.values) : null).toEqual(ints.map((v) => v / 3));
    const i64 = fromParquet.columns.get('i64');
    expect(i64?.kind === 'numeric' ? Array.from(i64.values) : null).toEqual(ints.map((v) => v * 1e9));
    // a null among numbers is recorded as missing
    const withNull = writeParquet(new Table({ x: vectorFromArray([1, null, 3], new Float64()) }), 'number-null.parquet');
    expect(Array.from(readDataFile(withNull).missing.get('x') ?? [])).toEqual([1]);
  });

  it('applies --factor and --numeric as for CSV', () => {
    const types = { y: 'categorical', x: 'categorical' } as const;
    expect(plain(readDataFile(files.parquet, { types }))).toEqual(plain(readCsv(csv, { types })));
    const strings = new Table({ s: vectorFromArray(['1.5', '2', '-3'], new Utf8()) });
    const s = readDataFile(writeParquet(strings, 'strings.parquet'), { types: { s: 'numeric' } }).columns.get('s');
    expect(s?.kind === 'numeric' ? Array.from(s.values) : null).toEqual([1.5, 2, -3]);
    const words = new Table({ s: vectorFromArray(['1.5', 'x7', '-3'], new Utf8()) });
    const wordsFile = writeParquet(words, 'words.parquet');
    expect(userErrorOf(() => readDataFile(wordsFile, { types: { s: 'numeric' } }))).toMatch(
      new RegExp(`^${wordsFile}, row 2, column "s": "x7" is not a number;`),
    );
    expect(userErrorOf(() => readDataFile(files.parquet, { types: { zz: 'numeric' }, typeOrigin: { zz: '--numeric' } }))).toBe(
      `--numeric "zz": ${files.parquet} has no such column; the columns are: y, x, g, h, b`,
    );
  });

  it('records nulls as missing values, reported like an empty CSV cell (column and row)', () => {
    const table = new Table({
      x: vectorFromArray([1.5, null, 3, null], new Float64()),
      g: vectorFromArray(['a', 'b', null, 'a'], new Utf8()),
      b: vectorFromArray([true, null, false, true], new Bool()),
    });
    for (const file of [writeParquet(table, 'nulls.parquet'), writeArrow(table, 'nulls.arrow', 'file')]) {
      const frame = readDataFile(file);
      expect(Array.from(frame.missing.get('x') ?? [])).toEqual([1, 3]);
      expect(Array.from(frame.missing.get('g') ?? [])).toEqual([2]);
      expect(Array.from(frame.missing.get('b') ?? [])).toEqual([1]);
      const g = frame.columns.get('g');
      expect(g?.kind === 'categorical' ? [g.codes[2], missingCode(g.codes)] : null).toEqual([0xff, 0xff]);
      const x = frame.columns.get('x');
      expect(x?.kind === 'numeric' ? Number.isNaN(x.values[1]) : null).toBe(true);
      expect(userErrorOf(() => requireNoMissing(frame, 'x'))).toBe(
        `${file}, row 2, column "x": value is missing (empty or NA) (and 1 more row); ` +
          'fill in or remove those rows, or leave the column out of the model',
      );
    }
  });

  it('refuses NaN values, unsupported types and damaged files in one line', () => {
    const nan = writeParquet(new Table({ x: vectorFromArray([1, NaN], new Float64()) }), 'nan.parquet');
    expect(userErrorOf(() => readDataFile(nan))).toBe(
      `${nan}, row 2, column "x": the value is NaN, not a number; repair it or write it as a null (missing)`,
    );
    const stamps = new Table({
      x: vectorFromArray([1, 2], new Float64()),
      t: vectorFromArray([new Date(0), new Date(1000)], new TimestampMillisecond()),
    });
    const stampFile = writeArrow(stamps, 'stamps.arrow', 'file');
    expect(userErrorOf(() => readDataFile(stampFile))).toBe(
      `${stampFile}: column "t" has type Timestamp<MILLISECOND>, which nutmeg does not read; ` +
        'convert it to numbers (integer or float), strings or booleans before writing the file, or drop the column',
    );
    const lists = new Table({ l: vectorFromArray([[1, 2], [3]], new List(new Field('item', new Float64()))) });
    const listFile = writeParquet(lists, 'lists.parquet');
    expect(userErrorOf(() => readDataFile(listFile))).toMatch(new RegExp(`^${listFile}: column "l" has type List<.*>, which nutmeg does not read;`));
    const damaged = writeText('PAR1\u0015\u0004garbagePAR1', 'damaged.parquet');
    expect(userErrorOf(() => readDataFile(damaged))).toMatch(new RegExp(`^${damaged}: cannot read the Parquet file \\(.*\\); the file is damaged or not Parquet$`));
  });
});

describe('nutmeg fit --data file.parquet', () => {
  it('gives the same draws as the CSV with the same seed (reference backend)', async () => {
    const n = 40;
    const y = Array.from({ length: n }, (_, i) => ((i * 7) % 5 < 2 ? 1 : 0));
    const x = Array.from({ length: n }, (_, i) => ((i % 11) - 5) / 4);
    const csv = writeText(['y,x', ...y.map((v, i) => `${v},${x[i]}`)].join('\n') + '\n', 'fit.csv');
    const pq = writeParquet(new Table({ y: vectorFromArray(y, new Int32()), x: vectorFromArray(x, new Float64()) }), 'fit.parquet');
    const args = ['--formula', 'y ~ x', '--chains', '1', '--warmup', '30', '--draws', '30', '--backend', 'reference', '--quiet', '--seed', '3'];
    const a = await runNutmeg(['fit', '--data', csv, ...args, '--out', join(dir, 'run-csv')]);
    const b = await runNutmeg(['fit', '--data', pq, ...args, '--out', join(dir, 'run-parquet')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.out).toBe(a.out.split(csv).join(pq));
    // the draws (CmdStan CSV without its # comments, which name the data file and the times)
    const draws = (run: string): string[] =>
      readFileSync(join(dir, run, 'chain-1.csv'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(draws('run-csv').length).toBe(31);
    expect(draws('run-parquet')).toEqual(draws('run-csv'));
  });
});
