/**
 * Reading a run's chain files chain by chain (issue 16): `nutmeg summary`, `loo` and `score` of a run directory
 * whose chain file is missing or cut short stop with exit 2 and one line naming the file (the missing file before any
 * file is read in full), and a whole run reads as before.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { main } from '../../src/cli/main.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
});
afterEach(() => vi.restoreAllMocks());

const backend = loadNativeAddon() === null ? 'reference' : 'native';
const nutmeg = (...args: string[]): Promise<number> => main(['node', 'nutmeg', ...args]);

let dir = '';
let run = '';
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nutmeg-run-reading-'));
  let data = 'y,x,g\n';
  for (let i = 0; i < 60; i++) data += `${(i * 7) % 10 < 3 ? 1 : 0},${(((i * 37) % 101) / 50 - 1).toFixed(2)},G${i % 5}\n`;
  writeFileSync(join(dir, 'data.csv'), data);
  run = join(dir, 'run');
  const code = await main(['node', 'nutmeg', 'fit', '--data', join(dir, 'data.csv'), '--formula', 'y ~ x + (1 | g)', '--chains', '2',
    '--warmup', '20', '--draws', '10', '--max-treedepth', '4', '--backend', backend, '--seed', '3', '--save-effects', 'all', '--out', run, '--quiet']);
  if (code !== 0) throw new Error(`fit failed: ${code}`);
});

/** A copy of the run with `change` applied to it. */
function variant(name: string, change: (copy: string) => void): string {
  const copy = join(dir, name);
  cpSync(run, copy, { recursive: true });
  change(copy);
  return copy;
}

const commands = (r: string): string[][] => [
  ['summary', r],
  ['loo', r, '--backend', backend],
  ['score', r, '--data', join(dir, 'data.csv'), '--quiet'],
];

describe('a run read chain by chain', () => {
  it('reads whole: summary, loo and score exit 0', async () => {
    for (const args of commands(run)) {
      expect(await nutmeg(...args), args.join(' ')).toBe(0);
    }
    expect(out).toMatch(/r_g__Intercept\[5\]/);
  });

  it('a missing chain file: exit 2 and one line naming it', async () => {
    const missing = variant('missing', (copy) => rmSync(join(copy, 'chain-2.csv')));
    for (const args of commands(missing)) {
      err = '';
      out = '';
      expect(await nutmeg(...args), args.join(' ')).toBe(2);
      expect(err).toBe(`nutmeg: ${missing}/chain-2.csv: file not found; check the path\n`);
      expect(out).toBe('');
    }
  });

  it('a chain cut short: exit 2 and one line naming both files', async () => {
    const short = variant('short', (copy) => {
      const path = join(copy, 'chain-2.csv');
      const lines = readFileSync(path, 'utf8').split('\n');
      const last = lines.findLastIndex((l) => l !== '' && !l.startsWith('#'));
      writeFileSync(path, [...lines.slice(0, last), ...lines.slice(last + 1)].join('\n'));
    });
    for (const args of commands(short)) {
      err = '';
      expect(await nutmeg(...args), args.join(' ')).toBe(2);
      expect(err).toBe(
        `nutmeg: ${short}/chain-2.csv: has 9 draws but ${short}/chain-1.csv has 10; every chain needs the same number of draws (were the runs finished?)\n`,
      );
    }
  });
});
