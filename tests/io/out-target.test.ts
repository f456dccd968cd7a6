/**
 * Output paths checked before any work (src/io/out-target.ts): a file, a path under a file, a device, a pseudo-file
 * system, a non-empty directory are refused with one line; writes loop over partial writes and report ENOSPC; a
 * staged directory replaces an older one whole.
 */
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutDir, checkOutFile, stageDir, writeFileFully, writeFully, type WriteFn } from '../../src/io/out-target.js';
import { userErrorOf } from '../helpers/user-error.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'nutmeg-out-'));

describe('checkOutDir', () => {
  it('refuses a file, a path under a file, /dev/null and /proc/xyz with one line each', () => {
    const dir = scratch();
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    expect(userErrorOf(() => checkOutDir(file))).toBe(`--out ${file}: is a file, not a directory; give the path of a new or empty directory`);
    expect(userErrorOf(() => checkOutDir(join(file, 'run', 'deeper')))).toBe(
      `--out ${join(file, 'run', 'deeper')}: ${file} is a file, not a directory; give a path inside a directory`,
    );
    expect(userErrorOf(() => checkOutDir('/dev/null'))).toMatch(/^--out \/dev\/null: is a device, not a directory/);
    expect(userErrorOf(() => checkOutDir('/proc/xyz'))).toMatch(/^--out \/proc\/xyz: cannot create files in \/proc \(E[A-Z]+: /);
  });

  it('accepts an absent path (creating nothing) and an empty directory', () => {
    const dir = scratch();
    expect(checkOutDir(join(dir, 'a', 'b'))).toBe(join(dir, 'a', 'b'));
    expect(readdirSync(dir)).toEqual([]); // the probe is removed and no parent is created before the fit
    mkdirSync(join(dir, 'empty'));
    expect(checkOutDir(join(dir, 'empty'))).toBe(join(dir, 'empty'));
  });

  it('refuses a non-empty directory unless overwrite, and never overwrites a folder nutmeg did not write', () => {
    const dir = scratch();
    const run = join(dir, 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'fit.json'), '{}');
    expect(userErrorOf(() => checkOutDir(run))).toBe(
      `--out ${run}: the directory exists and is not empty; pass --overwrite to replace it, or pick another directory`,
    );
    expect(checkOutDir(run, { overwrite: true })).toBe(run);
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'thesis.tex'), 'x');
    expect(userErrorOf(() => checkOutDir(home, { overwrite: true }))).toMatch(/holds no fit\.json, so it is not nutmeg output/);
  });
});

describe('checkOutFile', () => {
  it('refuses a directory and a missing folder, accepts a new file and a device', () => {
    const dir = scratch();
    expect(userErrorOf(() => checkOutFile(dir, '--report'))).toMatch(/^--report .*: is a directory; give a file name/);
    expect(userErrorOf(() => checkOutFile(join(dir, 'no', 'r.html'), '--report'))).toMatch(/the folder .*no does not exist/);
    expect(checkOutFile(join(dir, 'r.html'), '--report')).toBe(join(dir, 'r.html'));
    expect(checkOutFile('/dev/null', '--out')).toBe('/dev/null');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('writeFully', () => {
  it('loops over short writes until every byte is written', () => {
    const path = join(scratch(), 'short.txt');
    const text = 'é,1.5\n'.repeat(1000);
    const calls: number[] = [];
    // at most 7 bytes per call, as write(2) may do (and splitting a 2-byte UTF-8 character)
    const short: WriteFn = (fd, buffer, offset, length) => {
      calls.push(length);
      return writeSync(fd, buffer, offset, Math.min(7, length));
    };
    writeFileFully(path, text, short);
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(calls.length).toBe(Math.ceil(Buffer.byteLength(text) / 7));
  });

  it('a write that makes no progress is EIO; /dev/full is ENOSPC', () => {
    const fd = openSync(join(scratch(), 'x'), 'w');
    try {
      expect(() => writeFully(fd, 'abc', () => 0)).toThrow(/^EIO: .*0 of 3 bytes/);
    } finally {
      closeSync(fd);
    }
    const full = openSync('/dev/full', 'w');
    try {
      expect(() => writeFully(full, 'abc')).toThrow(expect.objectContaining({ code: 'ENOSPC' }));
    } finally {
      closeSync(full);
    }
  });
});

describe('stageDir', () => {
  it('replaces an older run whole: no stale chain files, no hidden leftovers', () => {
    const dir = scratch();
    const run = join(dir, 'run');
    mkdirSync(run);
    writeFileSync(join(run, 'fit.json'), 'old');
    writeFileSync(join(run, 'chain-2.csv'), 'old');
    const staged = stageDir(run);
    expect(staged.temp.startsWith(join(dir, '.run.tmp-'))).toBe(true);
    writeFileSync(join(staged.temp, 'fit.json'), 'new');
    writeFileSync(join(staged.temp, 'chain-1.csv'), 'new');
    // until the commit, a reader sees the old run untouched
    expect(readFileSync(join(run, 'fit.json'), 'utf8')).toBe('old');
    staged.commit();
    expect(readdirSync(run).sort()).toEqual(['chain-1.csv', 'fit.json']);
    expect(readdirSync(dir)).toEqual(['run']);
  });

  it('discard removes the temporary directory', () => {
    const dir = scratch();
    const staged = stageDir(join(dir, 'new', 'run'));
    expect(existsSync(staged.temp)).toBe(true);
    staged.discard();
    expect(existsSync(staged.temp)).toBe(false);
  });
});
