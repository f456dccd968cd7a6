/**
 * `nutmeg summary` given a run's NetCDF file, its fit.json or another binary file instead of chain CSVs: one line
 * naming what the file is and what to give — found probing issue 16 (session 13), when csv-parse's message quoted
 * the file's raw bytes (HDF5's superblock) or "Invalid Closing Quote" for fit.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readDrawsCsv } from '../../src/io/draws-csv-read.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-draws-not-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('readDrawsCsv on files that are not CSV draws', () => {
  const what = 'give the run directory (nutmeg summary DIR) or its chain CSV files';

  it('names a NetCDF-4 (HDF5) file, JSON and other binary files, in one line', () => {
    // HDF5's 8-byte signature (HDF5 File Format Specification, "Format Signature"), then superblock bytes
    const nc = file('inference_data.nc', Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 2, 8, 8, 0, 0, 0x22, 0x0a]));
    expect(userErrorOf(() => readDrawsCsv([nc]))).toBe(`${nc}: is a NetCDF-4 (HDF5) file, which ArviZ reads (arviz.from_netcdf); for nutmeg, ${what}`);
    const json = file('fit.json', '\n  {\n  "formula": "y ~ x",\n  "files": ["chain-1.csv"]\n}\n');
    expect(userErrorOf(() => readDrawsCsv([json]))).toBe(`${json}: is JSON (a run's fit.json?), not CSV draws; ${what}`);
    const bin = file('effects-draws.bin', Uint8Array.from([0x4e, 0x4d, 0x45, 0x46, 0x01, 0x00, 0x22, 0x0a]));
    expect(userErrorOf(() => readDrawsCsv([bin]))).toBe(`${bin}: is a binary file, not CSV draws (a NUL byte at offset 5); ${what}`);
  });

  it('still reads CmdStan CSV text', () => {
    const csv = file('chain-1.csv', '# comment\nlp__,b_x\n-1,0.5\n-2,0.25\n');
    expect(readDrawsCsv([csv]).draws.names).toContain('b_x');
  });
});
