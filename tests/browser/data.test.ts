/**
 * CSV in a page (src/browser/data.ts) against the CLI's file reading (src/data/csv.ts): the same frame from the same
 * bytes (plain and gzip), and the same one-line message for a bad file, with the file's name where the CLI has its
 * path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { readCsvBytes, readCsvText, readDataBytes } from '../../src/browser/data.js';
import { dataFileFormat } from '../../src/data/data-file.js';
import { readCsv } from '../../src/data/csv.js';
import type { Frame } from '../../src/data/frame.js';

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

  it('refuses a Parquet or Arrow file (the formats the CLI reads, told by their bytes) with one line saying what to do, and reads CSV', async () => {
    const table = tableFromArrays({ y: Int32Array.from([0, 1]), x: Float64Array.from([0.5, 1.5]) });
    const files = {
      'rows.parquet': parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream'))),
      'rows.arrow': tableToIPC(table, 'file'),
      'rows.arrows': tableToIPC(table, 'stream'),
    };
    const kinds: Record<string, string> = { 'rows.parquet': 'a Parquet file', 'rows.arrow': 'an Arrow IPC file', 'rows.arrows': 'an Arrow IPC file' };
    for (const [name, bytes] of Object.entries(files)) {
      writeFileSync(join(dir, name), bytes);
      expect(dataFileFormat(join(dir, name)), name).not.toBe('csv'); // the CLI reads it as columnar
      const message = await asyncMessageOf(() => readDataBytes(bytes, name));
      expect(message).toBe(
        `${name}: is ${kinds[name]}, which the page does not read (its decoder would quadruple the page's size); save it as CSV and drop that, or fit it with the CLI: nutmeg fit --data ${name}`,
      );
      expect(message.split('\n')).toHaveLength(1);
    }
    expect(plain(await readDataBytes(new TextEncoder().encode(CSV), 'd.csv'))).toEqual(plain(readCsvText(CSV, 'd.csv')));
  });
});
