/**
 * Whole numbers beyond 2^53 as levels, and columnar files cut short — found by probing issue 16's inputs (session 13).
 * A 64-bit ID column (Parquet/Arrow Int64, or CSV digits) used as a grouping factor used to be read as float64, where
 * 9007199254740993 and 9007199254740992 are one number: 60 distinct IDs silently became 31 levels (Parquet and Arrow)
 * and 20 became 11 (CSV). Now such a column as a factor is a one-line error saying to read it as text (--factor), and
 * --factor keeps every digit from each format (the reference: the IDs' own decimal text, BigInt's toString). Two
 * numeric values with one 15-significant-digit level name (0.1 + 0.2 and 0.3) are one level, as in R's factor().
 * A Parquet or Arrow IPC file without its closing magic (an interrupted copy) is named as cut short, and one inside gzip
 * (data.parquet.gz) is told to be decompressed (it was "read it with readDataFile (as --data does), not readCsv" and
 * "a binary file, not CSV text; export the data as CSV").
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Int64, Table, Uint64, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/data/csv.js';
import { readDataFile } from '../../src/data/data-file.js';
import { numericColumn } from '../../src/data/frame-build.js';
import { asFactor } from '../../src/model/factor.js';
import { runNutmeg } from '../helpers/cli.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-wide-int-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// IDs that a float64 cannot keep apart: 2^53 + 1 rounds to 2^53, 2^53 + 3 to 2^53 + 4
const IDS = [9007199254740993n, 9007199254740992n, 9007199254740995n, 9007199254740994n, -9007199254740993n, 12n];
const Y = [1, 0, 1, 0, 1, 0];

function write(name: string, bytes: Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function idTable(): Table {
  return new Table({ y: vectorFromArray(Y, new Float64()), id: vectorFromArray(IDS, new Int64()) });
}

function parquetBytes(table: Table, props?: parquet.WriterProperties): Uint8Array {
  return parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')), props);
}

const CSV = ['y,id', ...Y.map((y, i) => `${y},${IDS[i]}`)].join('\n') + '\n';

describe('whole numbers beyond 2^53 as levels', () => {
  const files = {
    parquet: write('ids.parquet', parquetBytes(idTable())),
    // PLAIN (not dictionary) pages, the JavaScript reader's other int64 path
    plain: write('ids-plain.parquet', parquetBytes(idTable(), new parquet.WriterPropertiesBuilder().setDictionaryEnabled(false).build())),
    arrow: write('ids.arrow', tableToIPC(idTable(), 'file')),
    csv: write('ids.csv', new TextEncoder().encode(CSV)),
  };

  it('keeps every digit of a 64-bit ID read with --factor, from Parquet, Arrow IPC and CSV', () => {
    const expected = IDS.map(String);
    for (const file of Object.values(files)) {
      const id = readDataFile(file, { types: { id: 'categorical' } }).columns.get('id');
      if (id?.kind !== 'categorical') throw new Error(`${file}: id is not categorical`);
      expect(Array.from(id.codes, (c) => id.levels[c])).toEqual(expected);
      expect(new Set(id.levels).size).toBe(IDS.length);
    }
    const unsigned = write('u64.parquet', parquetBytes(new Table({ id: vectorFromArray([18446744073709551615n, 18446744073709551614n], new Uint64()) })));
    const u = readDataFile(unsigned, { types: { id: 'categorical' } }).columns.get('id');
    expect(u?.kind === 'categorical' ? [...u.levels].sort() : null).toEqual(['18446744073709551614', '18446744073709551615']);
  });

  it('refuses such a column read as numbers as a factor, naming file, row, column and --factor', () => {
    const where = { parquet: 'row 1', plain: 'row 1', arrow: 'row 1', csv: 'line 2' } as const;
    for (const [kind, file] of Object.entries(files) as [keyof typeof files, string][]) {
      const frame = readDataFile(file);
      const id = frame.columns.get('id');
      if (id === undefined) throw new Error('no id column');
      expect(userErrorOf(() => asFactor(id, frame))).toBe(
        `${file}, ${where[kind]}, column "id": 9007199254740992 is a whole number beyond 2^53, where distinct numbers ` +
          'share one value (an ID\'s last digits are lost), so levels would merge; read the column as text: --factor id',
      );
    }
    // the same numbers as a predictor are fine (a slope does not need the last digit); 2^53 - 1 is still a level
    expect(asFactor(numericColumn('n', Float64Array.from([2 ** 53 - 1, 1]))).levels).toEqual(['1', '9007199254740991']);
  });

  it('merges numeric values that share a level name, as R factor() does (as.character with 15 significant digits)', () => {
    const view = asFactor(numericColumn('x', Float64Array.from([0.3, 0.1 + 0.2, 1, 0.3])));
    expect(view.levels).toEqual(['0.3', '1']);
    expect(Array.from(view.codes)).toEqual([0, 0, 1, 0]);
  });

  it('nutmeg fit exits 2 with the one line for a grouping column of such IDs, and fits with --factor', async () => {
    const args = ['--formula', 'y ~ 1 + (1 | id)', '--method', 'map', '--quiet'];
    const refused = await runNutmeg(['fit', '--data', files.parquet, ...args]);
    expect(refused.code).toBe(2);
    expect(refused.err.trim().split('\n')).toEqual([
      `nutmeg: ${files.parquet}, row 1, column "id": 9007199254740992 is a whole number beyond 2^53, where distinct ` +
        'numbers share one value (an ID\'s last digits are lost), so levels would merge; read the column as text: --factor id',
    ]);
    const fitted = await runNutmeg(['fit', '--data', files.parquet, ...args, '--factor', 'id']);
    expect(fitted.code).toBe(0);
  });
});

describe('columnar files cut short', () => {
  const table = new Table({ y: vectorFromArray(Y, new Float64()), x: vectorFromArray([0.5, 1, 1.5, 2, 2.5, 3], new Float64()) });

  it('names a Parquet or Arrow IPC file without its closing magic as cut short, in one line', () => {
    const whole = parquetBytes(table);
    for (const cut of [whole.length - 1, 100]) {
      const file = write(`cut-${cut}.parquet`, whole.subarray(0, cut));
      expect(userErrorOf(() => readDataFile(file))).toBe(
        `${file}: starts as a Parquet file but does not end with its closing "PAR1": the file is cut short (an interrupted copy or write); copy or write it again`,
      );
    }
    const arrow = tableToIPC(table, 'file');
    const file = write('cut.arrow', arrow.subarray(0, Math.floor(arrow.length / 2)));
    expect(userErrorOf(() => readDataFile(file))).toBe(
      `${file}: starts as an Arrow IPC file but does not end with its closing "ARROW1": the file is cut short (an interrupted copy or write); copy or write it again`,
    );
  });

  it('still reads a CSV file whose header begins with "PAR1" as text', () => {
    const file = write('par1.csv', new TextEncoder().encode('PAR1,x\n1,2\n3,4\n'));
    expect([...readCsv(file).columns.keys()]).toEqual(['PAR1', 'x']);
    expect([...readDataFile(file).columns.keys()]).toEqual(['PAR1', 'x']);
    expect(readFileSync(file, 'utf8').startsWith('PAR1')).toBe(true);
  });
});

describe('columnar files inside gzip', () => {
  it('says to decompress a gzip-compressed Parquet or Arrow IPC file, in one line', () => {
    const table = new Table({ y: vectorFromArray(Y, new Float64()) });
    const parquetGz = write('data.parquet.gz', gzipSync(parquetBytes(table)));
    expect(userErrorOf(() => readDataFile(parquetGz))).toBe(
      `${parquetGz}: is a Parquet file compressed with gzip; decompress it (gunzip) and give the file itself`,
    );
    const arrowGz = write('data.arrow.gz', gzipSync(tableToIPC(table, 'file')));
    expect(userErrorOf(() => readDataFile(arrowGz))).toBe(
      `${arrowGz}: is an Arrow IPC file compressed with gzip; decompress it (gunzip) and give the file itself`,
    );
    // a gzip CSV is still read
    const csvGz = write('data.csv.gz', gzipSync(new TextEncoder().encode(CSV)));
    expect(readDataFile(csvGz).nRows).toBe(Y.length);
  });
});
