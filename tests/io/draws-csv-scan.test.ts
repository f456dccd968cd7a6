/**
 * The chunked scan of CmdStan-format draws files (src/io/draws-csv-scan.ts): every number equals Number() of its
 * text (JavaScript's correctly rounded decimal conversion, ECMA-262 StringToNumber: the reference), over random
 * decimals of every shape CmdStan, R and nutmeg write (%g-style, fixed, exponents, 17 significant digits, more
 * digits than 2^53) and CmdStan's nan/inf; rows handed over as they come, restart at the first
 * `# Adaptation terminated`; lines split anywhere between reads; and null — the full parser's turn — for every file it does
 * not read itself.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scanChainCsv, type ChainSink } from '../../src/io/draws-csv-scan.js';
import { Rng } from '../../src/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-scan-'));
function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Scans a file, keeping every row and every restart. */
function scan(path: string, chunkBytes?: number): { header: readonly string[]; rows: number[][]; restarts: number; comments: string; adaptation: boolean } | null {
  let rows: number[][] = [];
  let restarts = 0;
  let header: readonly string[] = [];
  const result = scanChainCsv(path, (h): ChainSink => {
    header = h;
    return {
      restart: () => {
        restarts++;
        rows = [];
      },
      add: (row) => rows.push(Array.from(row)),
    };
  }, chunkBytes);
  return result === null ? null : { header, rows, restarts, comments: result.comments, adaptation: result.adaptation };
}

describe('scanChainCsv', () => {
  it('reads every number as Number() of its text', () => {
    const rng = new Rng(16, 11);
    const cells: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const x = rng.normal() * 10 ** Math.floor(rng.uniform() * 40 - 20);
      switch (i % 6) {
        case 0: cells.push(x.toPrecision(6)); break; // CmdStan's default
        case 1: cells.push(String(x)); break; // shortest round trip (17 digits at most)
        case 2: cells.push(x.toExponential(12).replace('e', 'E')); break;
        case 3: cells.push(x.toFixed(Math.floor(rng.uniform() * 20))); break;
        case 4: cells.push(`${Math.floor(rng.uniform() * 1e6)}${'7'.repeat(14)}.5e-3`); break; // beyond 2^53
        default: cells.push(`${x < 0 ? '-' : '+'}.${Math.floor(rng.uniform() * 1e9)}e${Math.floor(rng.uniform() * 600 - 300)}`);
      }
    }
    cells.push('nan', 'NaN', '-nan', 'inf', '-inf', 'Infinity', '+inf', '0', '-0', '5.');
    // mantissas around 2^53: 2^53 + 1 accumulated in doubles rounds to 2^53, which a per-digit "≤ 2^53" test let
    // through (before session 12 the first read as 90071992547409.92; Number() gives …409.9375)
    cells.push('90071992547409.93', '9007199254740993e-5', '-9007199254740993', '9007199254740993.5');
    const width = 7;
    while (cells.length % width !== 0) cells.push('1');
    let text = `${Array.from({ length: width }, (_, j) => `v${j}`).join(',')}\n`;
    for (let r = 0; r < cells.length; r += width) text += cells.slice(r, r + width).join(',') + '\n';
    const got = scan(file('numbers.csv', text))!;
    expect(got).not.toBeNull();
    const flat = got.rows.flat();
    const reference = cells.map((c) => (/^[+-]?nan$/i.test(c) ? NaN : /inf/i.test(c) ? (c.startsWith('-') ? -Infinity : Infinity) : Number(c)));
    expect(flat.length).toBe(reference.length);
    flat.forEach((v, i) => expect(Object.is(v, reference[i]), `${cells[i]}: ${v} vs ${reference[i]}`).toBe(true));
  });

  it('comments, warm-up before the first "# Adaptation terminated", CRLF, no final line break, lines longer than a chunk', () => {
    const wide = 40;
    const head = Array.from({ length: wide }, (_, j) => `c${j}`).join(',');
    const row = (k: number): string => Array.from({ length: wide }, (_, j) => String(k + j / 8)).join(',');
    const text = `# config\r\n\r\n${head}\r\n${row(0)}\r\n# Adaptation terminated\r\n${row(1)}\r\n# Adaptation terminated\r\n${row(2)}\r\n${row(3)}`;
    const path = file('wide.csv', text);
    // the first read from 1 byte (every line longer than it) to the whole file: every split of a line between reads
    for (const chunk of [1, 7, 64, 333, text.length]) {
      const got = scan(path, chunk)!;
      expect(got.header.length).toBe(wide);
      expect(got.restarts).toBe(1);
      expect(got.adaptation).toBe(true);
      expect(got.rows).toEqual([1, 2, 3].map((k) => Array.from({ length: wide }, (_, j) => k + j / 8)));
      expect(got.comments).toBe('# config\n# Adaptation terminated\n# Adaptation terminated');
    }
  });

  it('gives the full parser every file it does not read itself', () => {
    const ok = 'lp__,x\n-1,0.5\n-2,0.25\n';
    expect(scan(file('ok.csv', ok))!.rows).toEqual([[-1, 0.5], [-2, 0.25]]);
    const refused: Record<string, string | Buffer> = {
      'gz.csv': gzipSync(ok),
      'bom.csv': `\uFEFF${ok}`,
      'quoted-header.csv': ok.replace('lp__', '"lp__"'),
      'quoted-cell.csv': ok.replace('0.25', '"0.25"'),
      'space.csv': ok.replace('0.25', ' 0.25'),
      'word.csv': ok.replace('0.25', 'abc'),
      'short-row.csv': ok.replace(',0.25', ''),
      'long-row.csv': ok.replace('0.25', '0.25,1'),
      'no-exponent-digits.csv': ok.replace('0.25', '2e'),
      'overflow.csv': ok.replace('0.25', '1e400'), // (the full parser reads it as Infinity)
      'empty-name.csv': ok.replace('lp__', ''),
      'repeated-name.csv': ok.replace('lp__', 'x'),
      'comment-only.csv': '# nothing\n',
      'lone-cr.csv': ok.replaceAll('\n', '\r'),
    };
    for (const [name, text] of Object.entries(refused)) expect(scan(file(name, text)), name).toBeNull();
    expect(scan(join(dir, 'absent.csv'))).toBeNull();
  });
});
