/**
 * The fast path of readCsv (src/data/csv-fast.ts): on files of plain decimal numbers it gives exactly Number(cell)
 * for every cell (the reference: JavaScript's correctly rounded decimal conversion), across chunk boundaries, with
 * LF or CRLF endings, a BOM, and no final line break; on anything else it declines (null) so that the full parser
 * keeps every existing behaviour (tests/data/csv.test.ts). Columns written in place into one float64 store (given an
 * allocator, for large files) equal, bit for bit and in storage type, the same file read in blocks only (no
 * allocator: every column narrowed block by block and joined), including a store whose row estimate falls short.
 * Number reading against a large corpus: tests/data/decimal-bytes.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { scanNumericCsv } from '../../src/data/csv-fast.js';
import { readCsv } from '../../src/data/csv.js';
import type { Frame } from '../../src/data/frame.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-csv-fast-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${fileCount++}.csv`);
  writeFileSync(path, content);
  return path;
}

/** A deterministic stream of decimal spellings: signs, leading/trailing dots, long mantissas, exponents, zeros. */
function spellings(count: number, seed: number): string[] {
  let s = seed >>> 0;
  const next = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const sign = next() < 0.2 ? '-' : next() < 0.05 ? '+' : '';
    const form = Math.floor(next() * 7);
    let body: string;
    if (form === 0) body = digits(1 + Math.floor(next() * 6));
    else if (form === 1) body = `${digits(1 + Math.floor(next() * 4))}.${digits(1 + Math.floor(next() * 8))}`;
    else if (form === 2) body = `.${digits(1 + Math.floor(next() * 5))}`;
    else if (form === 3) body = `${digits(1 + Math.floor(next() * 3))}.`;
    else if (form === 4) body = `${digits(1 + Math.floor(next() * 20))}.${digits(Math.floor(next() * 12))}`; // beyond 2^53
    else if (form === 5) body = `${digits(1)}.${digits(1 + Math.floor(next() * 6))}e${next() < 0.5 ? '-' : ''}${Math.floor(next() * 40)}`;
    else body = `0.${'0'.repeat(Math.floor(next() * 25))}${digits(1 + Math.floor(next() * 17))}`;
    out.push(sign + body);
  }
  return out;
}

describe('readCsv fast path', () => {
  it('reads every cell as Number(cell), bit for bit, across read chunks (1 MiB; the file is over 4 MiB)', () => {
    const width = 4;
    const cells = spellings(4 * 120_000, 7);
    const lines = ['a,b,c,d'];
    for (let r = 0; r < cells.length / width; r++) lines.push(cells.slice(r * width, (r + 1) * width).join(','));
    const text = lines.join('\n') + '\n';
    expect(text.length).toBeGreaterThan(2 ** 22); // more than one chunk
    const path = file(text);
    expect(scanNumericCsv(path)).not.toBeNull();
    const frame = readCsv(path);
    expect(frame.nRows).toBe(120_000);
    let mismatches = 0;
    ['a', 'b', 'c', 'd'].forEach((name, j) => {
      const column = frame.columns.get(name);
      if (column?.kind !== 'numeric') throw new Error('expected a numeric column');
      for (let r = 0; r < frame.nRows; r++) if (!Object.is(column.values[r], Number(cells[r * width + j]))) mismatches++;
    });
    expect(mismatches).toBe(0);
  });

  it('takes CRLF, a UTF-8 BOM and a last line without a line break, and keeps file lines', () => {
    const path = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x,y\r\n1,2.5\r\n-3,4e2')]));
    expect(scanNumericCsv(path)).not.toBeNull();
    const frame = readCsv(path);
    const x = frame.columns.get('x');
    const y = frame.columns.get('y');
    expect(x?.kind === 'numeric' ? Array.from(x.values) : null).toEqual([1, -3]);
    expect(y?.kind === 'numeric' ? Array.from(y.values) : null).toEqual([2.5, 400]);
  });

  it('declines anything but plain numbers, so the full parser decides', () => {
    const declined = [
      'x,y\n1,NA\n',
      'x,y\n1,\n',
      'x,y\n"1",2\n',
      'x,y\n1,2,3\n',
      'x,y\n1\n',
      'x,y\n1,2\n\n',
      'x,y\n1,2\n\n3,4\n',
      'x,y\n1,2\r\n3,4\n',
      'x,y\n1, 2\n',
      'x,y\n1,1e\n',
      'x,y\n1,1e999\n',
      'x,y\n1,0x10\n',
      'x,y\n1,abc\n',
      '"x",y\n1,2\n',
      'x,y\n',
      '',
    ];
    for (const text of declined) expect([text, scanNumericCsv(file(text))]).toEqual([text, null]);
    // (a gzip file is decompressed into memory and read the same way)
    expect(scanNumericCsv(file(gzipSync('x,y\n1,2\n')))?.frame('f').nRows).toBe(1);
    const plain = file('x,y\n1,2\n');
    expect(scanNumericCsv(plain, { types: { x: 'categorical' } })).toBeNull();
    expect(scanNumericCsv(plain, { types: { x: 'numeric' } })).not.toBeNull();
    // declined files still read as before: a missing cell, a categorical column
    const frame = readCsv(file('x,y\n1,NA\n2,3\n'));
    expect(Array.from(frame.missing.get('y') ?? [])).toEqual([0]);
    expect(readCsv(plain, { types: { x: 'categorical' } }).columns.get('x')?.kind).toBe('categorical');
  });

  describe('float64 stores against blocks', () => {
    /** The frame of `path` in blocks only, and with an allocator that records the sizes it gave. */
    function both(path: string): { blocks: Frame; stores: Frame; allocated: number[] } {
      const blocks = scanNumericCsv(path, {}, null);
      const allocated: number[] = [];
      const stores = scanNumericCsv(path, {}, (bytes) => {
        allocated.push(bytes);
        return new ArrayBuffer(bytes);
      });
      if (blocks === null || stores === null) throw new Error('declined');
      return { blocks: blocks.frame(path), stores: stores.frame(path), allocated };
    }
    function expectSame(a: Frame, b: Frame): void {
      expect(b.nRows).toBe(a.nRows);
      expect([...b.columns.keys()]).toEqual([...a.columns.keys()]);
      for (const [name, ca] of a.columns) {
        const cb = b.columns.get(name);
        if (ca.kind !== 'numeric' || cb?.kind !== 'numeric') throw new Error(name);
        expect(cb.values.constructor.name, name).toBe(ca.values.constructor.name);
        expect(cb.values.length, name).toBe(ca.values.length);
        let first = -1;
        for (let r = 0; r < ca.values.length && first < 0; r++) if (!Object.is(ca.values[r], cb.values[r])) first = r;
        expect(first, name).toBe(-1);
      }
    }

    it('give the same frame: float columns, a late fraction, −0 in whole blocks and in fractional ones', () => {
      const n = 300_000; // 5 blocks of 65,536 rows (the last partial)
      const lines = ['real,late,ints,zeros,big'];
      for (let i = 0; i < n; i++) {
        const block = Math.floor(i / 65_536);
        const real = ((i * 7919) % 1000) / 8 - 60; // fractions from the first block on
        const late = block === 0 ? String(i % 2) : (i % 5) / 4; // 0/1 bytes, then float64
        const ints = i % 3 === 0 ? '-0' : String(i % 250); // whole numbers and −0: bytes throughout
        // float64 from block 0; block 2 all whole with −0 cells (narrowing would have made them 0); −0 in a fractional block elsewhere
        const zeros = block === 2 ? (i % 4 === 0 ? '-0' : String(i % 9)) : i % 4 === 0 ? '-0.0' : String((i % 9) + 0.25);
        const big = i % 3 === 0 ? '-0' : String(2 ** 40 + i); // whole but beyond 32 bits: float64, −0 kept
        lines.push(`${real},${late},${ints},${zeros},${big}`);
      }
      const path = file(lines.join('\n') + '\n');
      const { blocks, stores, allocated } = both(path);
      expect(allocated.some((bytes) => bytes >= n * 8)).toBe(true); // the stores were used
      expectSame(blocks, stores);
      const zeros = stores.columns.get('zeros');
      if (zeros?.kind !== 'numeric') throw new Error('zeros');
      expect(Object.is(zeros.values[0], -0)).toBe(true); // a fractional block keeps −0
      expect(Object.is(zeros.values[2 * 65_536], 0)).toBe(true); // a whole block's −0 is 0, as in blocks
    });

    it('give the same frame when the rows outgrow the estimate (short lines after long ones)', () => {
      const n = 400_000;
      const lines = ['x,y'];
      for (let i = 0; i < n; i++) lines.push(i < 70_000 ? `${i}.123456789012,-${i}.000000000001` : `${i % 10}.5,${i % 3}`);
      const path = file(lines.join('\n') + '\n');
      const { blocks, stores, allocated } = both(path);
      const large = allocated.filter((bytes) => bytes >= 2 ** 21);
      expect(large.length).toBeGreaterThan(2); // a store for each column, then a bigger one
      expectSame(blocks, stores);
      expect(stores.nRows).toBe(n);
    });
  });
});

