/**
 * The stored-zip writer of the playground's download (src/browser/stored-zip.ts): CRC-32 against the standard check
 * value, and the archive read back by Info-ZIP's unzip where it is installed (the reader the format is written for).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, storedZip } from '../../src/browser/stored-zip.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasUnzip = spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0;
const encode = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('storedZip', () => {
  it('CRC-32 of "123456789" is 0xCBF43926 (the check value of CRC-32/ISO-HDLC, Greg Cook\'s CRC catalogue)', () => {
    expect(crc32(encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('lays out headers, directory and end record: sizes and offsets add up, names are UTF-8', () => {
    const zip = storedZip([
      { name: 'run/fit.json', bytes: encode('{"a": 1}\n') },
      { name: 'run/chain-1.csv', bytes: encode('x,y\n1,2\n') },
    ]);
    const view = new DataView(zip.buffer);
    const end = zip.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    expect(view.getUint16(end + 10, true)).toBe(2);
    const centralSize = view.getUint32(end + 12, true);
    const centralStart = view.getUint32(end + 16, true);
    expect(centralStart + centralSize).toBe(end);
    // first local header: stored, with the CRC of its bytes
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint16(8, true)).toBe(0);
    expect(view.getUint16(6, true) & (1 << 11)).not.toBe(0); // names flagged as UTF-8
    expect(view.getUint32(14, true)).toBe(crc32(encode('{"a": 1}\n')));
    expect(new TextDecoder().decode(zip.subarray(30, 30 + 12))).toBe('run/fit.json');
  });

  it.skipIf(!hasUnzip)('is read by unzip: the integrity test passes and every file comes back byte for byte', () => {
    const files = { 'run/fit.json': '{"format": "nutmeg-run"}\n', 'run/chain-1.csv': 'lp__,b\n-1.5,0.25\n' };
    const path = join(dir, 'run.zip');
    writeFileSync(path, storedZip(Object.entries(files).map(([name, text]) => ({ name, bytes: encode(text) }))));
    const test = spawnSync('unzip', ['-t', path], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    for (const [name, text] of Object.entries(files)) {
      expect(execFileSync('unzip', ['-p', path, name], { encoding: 'utf8' })).toBe(text);
    }
  });
});
