/**
 * Data files read in blocks of rows (src/data/row-blocks.ts, columnarBlocks in columnar.ts): the blocks of a CSV,
 * Parquet or Arrow IPC file hold the whole file's rows in order, cell for cell, and name each row (rowLocation) as the
 * whole file's frame does; an empty line in the middle is the whole file's error at its line, empty lines at the end
 * are dropped; the blocks of an in-memory frame name their rows as rows of the frame.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { readDataFile } from '../../src/data/data-file.js';
import { columnarBlocks } from '../../src/data/columnar.js';
import type { Frame } from '../../src/data/frame.js';
import { numericColumn, frameFromColumns, rowLocation } from '../../src/data/frame-build.js';
import { fileBlocks, frameBlocks } from '../../src/data/row-blocks.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-row-blocks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Uint8Array): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

/** Per row: every cell as text (a categorical cell by its level name), and where the row is. */
function rowsOf(frames: Iterable<Frame>): string[] {
  const out: string[] = [];
  for (const frame of frames) {
    for (let i = 0; i < frame.nRows; i++) {
      const cells = [...frame.columns.values()].map((c) => (c.kind === 'categorical' ? c.levels[c.codes[i]] ?? 'NA' : String(c.values[i])));
      out.push(`${cells.join('|')} @ ${rowLocation(frame, i)}`);
    }
  }
  return out;
}

const N = 23;
const X = Array.from({ length: N }, (_, i) => (i * 0.37) % 3);
const G = Array.from({ length: N }, (_, i) => `g${(i * 7) % 5}`);

describe('blocks of a CSV file', () => {
  // quoted fields spanning lines, CRLF line ends and a byte-order mark: file lines differ from row numbers
  const lines = X.map((x, i) => (i % 4 === 1 ? `${x},"${G[i]}\nmore"` : `${x},${G[i]}`));
  const text = '\ufeffx,g\r\n' + lines.join('\r\n') + '\r\n';
  const file = write('quoted.csv', text);

  it.each([1, 2, 5, 7, 100])('rows and lines equal the whole file\'s (%i rows per block)', (blockRows) => {
    const whole = rowsOf([readDataFile(file)]);
    const blocks = [...fileBlocks(file, {}, blockRows)];
    expect(blocks.length).toBe(Math.ceil(N / blockRows));
    expect(rowsOf(blocks)).toEqual(whole);
  });

  it('an empty line in the middle is the error at its line; empty lines at the end are dropped', () => {
    const rows = X.map((x, i) => `${x},${G[i]}`);
    const middle = write('middle.csv', ['x,g', ...rows.slice(0, 4), '', ...rows.slice(4), ''].join('\n'));
    const wholeError = userErrorOf(() => readDataFile(middle));
    expect(wholeError).toContain('line 6 is empty');
    for (const blockRows of [2, 4, 5]) expect(userErrorOf(() => [...fileBlocks(middle, {}, blockRows)])).toBe(wholeError);
    const trailing = write('trailing.csv', ['x,g', ...rows, '', '', ''].join('\n'));
    expect(rowsOf(fileBlocks(trailing, {}, 23))).toEqual(rowsOf([readDataFile(trailing)]));
    expect(rowsOf(fileBlocks(trailing, {}, 5))).toEqual(rowsOf([readDataFile(trailing)]));
  });

  it('a bad cell in a later block is named at its file line', () => {
    const rows = X.map((x, i) => (i === 17 ? `${x},${G[i]},extra` : `${x},${G[i]}`));
    const bad = write('bad.csv', ['x,g', ...rows].join('\n') + '\n');
    const wholeError = userErrorOf(() => readDataFile(bad));
    expect(wholeError).toContain('line 19 has 3 fields');
    expect(userErrorOf(() => [...fileBlocks(bad, {}, 4)])).toBe(wholeError);
  });

  it('a header without rows is the whole file\'s error', () => {
    const empty = write('header-only.csv', 'x,g\n');
    expect(userErrorOf(() => [...fileBlocks(empty, {}, 4)])).toBe(userErrorOf(() => readDataFile(empty)));
  });
});

describe('blocks of Parquet and Arrow IPC files', () => {
  const table = new Table({ x: vectorFromArray(X, new Float64()), g: vectorFromArray(G, new Utf8()) });
  const pq = write('t.parquet', parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream'))));
  const arrowFile = write('t.arrow', tableToIPC(table, 'file'));

  it.each([
    [pq, 'parquet', 4, 8],
    [pq, 'parquet', 5, 5],
    [pq, 'parquet', 3, 100],
    [arrowFile, 'arrow', 4, 0],
    [arrowFile, 'arrow', 30, 0],
  ] as const)('%s (%s) in blocks of %i rows (Parquet decoded %i at a time) equals the whole file', (file, format, blockRows, parquetRows) => {
    const whole = rowsOf([readDataFile(file)]).map((r) => r.replace(/ @ .*/, ''));
    const blocks = [...columnarBlocks(file, format, {}, blockRows, parquetRows || undefined)];
    expect(blocks.length).toBe(Math.ceil(N / blockRows));
    const got = rowsOf(blocks);
    expect(got.map((r) => r.replace(/ @ .*/, ''))).toEqual(whole);
    expect(got.map((r) => r.replace(/.* @ /, ''))).toEqual(X.map((_, i) => `${file}, row ${i + 1}`));
  });
});

describe('blocks of an in-memory frame', () => {
  it('name their rows as rows of the frame', () => {
    const frame = frameFromColumns([numericColumn('x', Float64Array.from(X))], 'simulated');
    expect(rowsOf(frameBlocks(frame, 6))).toEqual(rowsOf([frame]));
  });
});
