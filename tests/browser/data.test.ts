/**
 * CSV in a page (src/browser/data.ts) against the CLI's file reading (src/data/csv.ts): the same frame from the same
 * bytes (plain and gzip), and the same one-line message for a bad file, with the file's name where the CLI has its
 * path. Arrow IPC through the page's columnar bundle (src/browser/columnar-chunk.ts) against the CLI's reading
 * (src/data/columnar.ts) and against the same data as CSV; Parquet through parquet-wasm's web build (the decoder the
 * page's bundle starts, given its WebAssembly as bytes here since Node cannot fetch it by file URL) against the CLI's
 * Node build. tests/browser/playground.slow.test.ts drops both kinds of file in Chromium.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import initParquetWeb, * as parquetWeb from 'parquet-wasm/esm';
import { readCsvBytes, readCsvText, readDataBytes } from '../../src/browser/data.js';
import { dataFileFormat, readDataFile } from '../../src/data/data-file.js';
import { readColumnarBytes } from '../../src/browser/columnar-chunk.js';
import { readCsv } from '../../src/data/csv.js';
import type { Frame } from '../../src/data/frame.js';
import { parquetFrame } from '../../src/data/parquet-read.js';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'nutmeg-browser-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CSV = 'y,x,g\n1,0.5,"a, b"\n0,1.25,c\n1,,c\n';

function plain(frame: Frame): unknown {
  return { nRows: frame.nRows, columns: [...frame.columns.values()], missing: [...frame.missing.entries()] };
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
}

async function asyncMessageOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('CSV in the browser build', () => {
  it('reads text, bytes and gzip bytes into the frame readCsv makes of the file', async () => {
    const path = join(dir, 'd.csv');
    writeFileSync(path, CSV);
    const expected = plain(readCsv(path));
    expect(plain(readCsvText(CSV, path))).toEqual(expected);
    expect(plain(await readCsvBytes(new TextEncoder().encode(CSV), path))).toEqual(expected);
    expect(plain(await readCsvBytes(new Uint8Array(gzipSync(CSV)).buffer, path))).toEqual(expected);
  });

  it('gives the CLI\'s one-line message for a row with a missing separator and for Latin-1 bytes', async () => {
    const bad = 'y,x\n1,2\n0 3\n';
    const path = join(dir, 'bad.csv');
    writeFileSync(path, bad);
    const cli = messageOf(() => readCsv(path));
    expect(cli).toBe(`${path}: line 3 has 1 field, the header has 2; check for an unquoted comma or a missing separator`);
    expect(messageOf(() => readCsvText(bad, path))).toBe(cli);
    const latin1 = Uint8Array.from([...new TextEncoder().encode('y,x\n1,caf'), 0xe9, 0x0a]);
    const latinPath = join(dir, 'latin1.csv');
    writeFileSync(latinPath, latin1);
    expect(await asyncMessageOf(() => readCsvBytes(latin1, latinPath))).toBe(messageOf(() => readCsv(latinPath)));
  });

  it('reads an Arrow IPC file or stream in the columnar bundle (columnar-chunk.ts) as the CLI does: the same frame, the same one-line errors', async () => {
    // strings of 1, 2, 3 and 4 UTF-8 bytes a character: decoded as the CSV reader decodes the same text
    const g = ['b', 'café', 'c', '東京', 'a', '🦀x', 'café'];
    const table = tableFromArrays({
      y: Int32Array.from([0, 1, 1, 0, 1, 0, 0]),
      x: Float64Array.from([0.5, 1.5, -2, 3.25, 0, 1, 2]),
      g,
      flag: [true, false, true, true, false, false, true],
    });
    const csvPath = join(dir, 'rows-g.csv');
    writeFileSync(csvPath, 'g\n' + g.join('\n') + '\n');
    const fromCsv = readCsv(csvPath).columns.get('g');
    expect(fromCsv?.kind).toBe('categorical');
    const files = { 'rows.arrow': tableToIPC(table, 'file'), 'rows.arrows': tableToIPC(table, 'stream') };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      expect(dataFileFormat(path), name).toBe('arrow');
      const page = await readColumnarBytes(bytes, path, 'arrow');
      if (!('frame' in page)) throw new Error(page.userError);
      expect(plain(page.frame)).toEqual(plain(readDataFile(path)));
      expect(page.frame.columns.get('g'), name).toEqual(fromCsv);
    }
    const bad = new TextEncoder().encode('ARROW1\0\0 not really a table ARROW1'); // (ends as a file does: damaged, not cut short)
    const badPath = join(dir, 'bad.arrow');
    writeFileSync(badPath, bad);
    const page = await readColumnarBytes(bad, badPath, 'arrow');
    const cli = messageOf(() => readDataFile(badPath));
    expect(cli).toMatch(/: cannot read the Arrow IPC file \(.*\); write it as Arrow IPC/);
    expect(page).toEqual({ userError: cli });
  });

  it('reads Parquet with parquet-wasm\'s web build (the page\'s decoder) into the CLI\'s frame, and gives the CLI\'s line for a bad column', async () => {
    const wasm = require.resolve('parquet-wasm/esm/parquet_wasm_bg.wasm');
    await initParquetWeb({ module_or_path: readFileSync(wasm) });
    const parquetOf = (t: ReturnType<typeof tableFromArrays>): Uint8Array => parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(t, 'stream')));
    const table = tableFromArrays({
      y: Int32Array.from([0, 1, 1, 0, 1]),
      x: Float64Array.from([0.5, 1.5, -2, 3.25, 7]),
      g: ['b', 'café', null, '東京', 'b'],
      flag: [true, false, null, true, false],
    });
    const path = join(dir, 'web.parquet');
    const bytes = parquetOf(table);
    writeFileSync(path, bytes);
    expect(dataFileFormat(path)).toBe('parquet');
    const inPage = parquetFrame(path, bytes, parquetWeb);
    expect(plain(inPage)).toEqual(plain(readDataFile(path)));
    expect([...inPage.missing.keys()].sort()).toEqual(['flag', 'g']);
    // a NaN where a number must be: the CLI's one line, naming the row and the column
    const nan = parquetOf(tableFromArrays({ y: Int32Array.from([0, 1, 0]), x: Float64Array.from([0.5, NaN, 1]) }));
    const nanPath = join(dir, 'nan.parquet');
    writeFileSync(nanPath, nan);
    const cli = messageOf(() => readDataFile(nanPath));
    expect(cli).toBe(`${nanPath}, row 2, column "x": the value is NaN, not a number; repair it or write it as a null (missing)`);
    expect(messageOf(() => parquetFrame(nanPath, nan, parquetWeb))).toBe(cli);
  });

  it('sends a Parquet or Arrow file to the columnar bundle (told by its bytes), and reads CSV itself', async () => {
    const table = tableFromArrays({ y: Int32Array.from([0, 1]), x: Float64Array.from([0.5, 1.5]) });
    const files = {
      'rows.parquet': parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream'))),
      'rows.arrow': tableToIPC(table, 'file'),
    };
    for (const [name, bytes] of Object.entries(files)) {
      // run from the sources, the bundle is not beside data.ts (dist/web/columnar.js is): one line saying so
      const message = await asyncMessageOf(() => readDataBytes(bytes, name));
      expect(message).toMatch(new RegExp(`^${name.replace('.', '\\.')}: the page could not load its Parquet/Arrow reader \\(columnar\\.js: .*\\); save the file as CSV and drop that$`));
      expect(message.split('\n')).toHaveLength(1);
    }
    expect(plain(await readDataBytes(new TextEncoder().encode(CSV), 'd.csv'))).toEqual(plain(readCsvText(CSV, 'd.csv')));
  });

  it('names a dropped Parquet or Arrow file cut short as the CLI does (an interrupted download; probing issue 16)', async () => {
    const table = tableFromArrays({ y: Int32Array.from([0, 1]), x: Float64Array.from([0.5, 1.5]) });
    const cut = (bytes: Uint8Array): Uint8Array => bytes.subarray(0, Math.floor(bytes.length / 2));
    const files = { 'cut.parquet': cut(parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')))), 'cut.arrow': cut(tableToIPC(table, 'file')) };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const cli = messageOf(() => readDataFile(path));
      expect(cli).toMatch(new RegExp(`^${path}: starts as an? (Parquet|Arrow IPC) file but does not end with its closing "(PAR1|ARROW1)": the file is cut short`));
      expect(await asyncMessageOf(() => readDataBytes(bytes, path))).toBe(cli);
    }
  });
});
