/**
 * Where fit, analyze and score put their results, through the CLI entry point (`main`): an unwritable --out is
 * refused before any data are read (one line, exit 2); an existing run is replaced only with --overwrite, whole, with
 * no stale chain files; results are on disk before anything is printed.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../helpers/cli.js';

let io: ReturnType<typeof captureOutput>;
beforeEach(() => {
  io = captureOutput();
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const nutmeg = (...args: string[]): Promise<number> => main(['node', 'nutmeg', ...args]);
const scratch = (): string => mkdtempSync(join(tmpdir(), 'nutmeg-cli-out-'));
const TINY = ['--rows', '300', '--model', 'pooled', '--warmup', '30', '--draws', '20', '--backend', 'reference', '--quiet'];

describe('fit --out', () => {
  it('is checked before the data are read: a file, a path under a file, /dev/null, /proc/xyz exit 2 with one line', async () => {
    const dir = scratch();
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    const cases: [string, RegExp][] = [
      [file, /is a file, not a directory/],
      [join(file, 'run'), /is a file, not a directory; give a path inside a directory/],
      ['/dev/null', /is a device, not a directory/],
      ['/proc/xyz', /cannot create files in \/proc/],
    ];
    for (const [target, message] of cases) {
      io.clear();
      // the data file does not exist either: the --out error coming first shows the order of the checks
      expect(await nutmeg('fit', '--data', join(dir, 'missing.csv'), '--out', target)).toBe(2);
      expect(io.err()).toMatch(new RegExp(`^nutmeg: --out ${target.replace(/[/.]/g, '\\$&')}: `));
      expect(io.err()).toMatch(message);
      expect(io.err().trimEnd().split('\n')).toHaveLength(1);
    }
  });

  it('refuses an existing run unless --overwrite, which replaces it whole (no stale chain-2.csv)', async () => {
    const run = join(scratch(), 'run');
    expect(await nutmeg('fit', ...TINY, '--chains', '2', '--out', run)).toBe(0);
    expect(readdirSync(run).sort()).toEqual(['chain-1.csv', 'chain-2.csv', 'fit.json']);
    io.clear();
    expect(await nutmeg('fit', ...TINY, '--chains', '1', '--out', run)).toBe(2);
    expect(io.err()).toBe(`nutmeg: --out ${run}: the directory exists and is not empty; pass --overwrite to replace it, or pick another directory\n`);
    expect(await nutmeg('fit', ...TINY, '--chains', '1', '--out', run, '--overwrite')).toBe(0);
    expect(readdirSync(run).sort()).toEqual(['chain-1.csv', 'fit.json']);
    expect((JSON.parse(readFileSync(join(run, 'fit.json'), 'utf8')) as { files: string[] }).files).toEqual(['chain-1.csv']);
    // nothing left beside it: no temporary or old directories
    expect(readdirSync(join(run, '..'))).toEqual(['run']);
  });

  it('an empty existing directory is fine', async () => {
    const dir = scratch();
    expect(await nutmeg('fit', ...TINY, '--chains', '1', '--out', dir)).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['chain-1.csv', 'fit.json']);
  });

  it('--method map has no draws to write: --out is refused, not ignored', async () => {
    expect(await nutmeg('fit', '--method', 'map', '--out', join(scratch(), 'run'))).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --out keeps the draws of --method nuts/);
  });

  it('writes the results before printing anything: a failure while printing the summary keeps --out', async () => {
    const run = join(scratch(), 'run');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => {
      throw new Error('printing failed');
    });
    await expect(nutmeg('fit', ...TINY, '--chains', '1', '--out', run)).rejects.toThrow('printing failed');
    expect(readdirSync(run).sort()).toEqual(['chain-1.csv', 'fit.json']);
  });
});

describe('analyze and score outputs', () => {
  it('analyze --out and --report are checked before the data are simulated or fitted', async () => {
    const dir = scratch();
    const file = join(dir, 'afile');
    writeFileSync(file, 'x');
    expect(await nutmeg('analyze', 'separation', '--out', file)).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --out .*afile: is a file, not a directory/);
    io.clear();
    expect(await nutmeg('analyze', 'separation', '--report', dir)).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --report .*: is a directory; give a file name/);
    io.clear();
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'notes.txt'), 'x');
    expect(await nutmeg('analyze', 'hillstrom', '--out', join(dir, 'full'))).toBe(2);
    expect(io.err()).toMatch(/the directory exists and is not empty; pass --overwrite/);
  });

  it('score --out and --report are checked before the run is read', async () => {
    const dir = scratch();
    // the run directory does not exist: the --out error coming first shows the order
    expect(await nutmeg('score', join(dir, 'no-run'), '--data', 'sim:hillstrom', '--out', dir)).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --out .*: is a directory; give a file name/);
    io.clear();
    expect(await nutmeg('score', join(dir, 'no-run'), '--data', 'sim:hillstrom', '--report', join(dir, 'x', 'r.html'))).toBe(2);
    expect(io.err()).toMatch(/^nutmeg: --report .*: the folder .* does not exist/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
