/**
 * Decimal numbers read from bytes (src/data/decimal-bytes.ts: readDecimal, which the CSV fast path and the draws
 * files' scan read their cells with, and decimalBytes) against the reference: JavaScript's Number() of the same text, the correctly rounded double
 * (ECMA-262, StringToNumber). Every comparison is of the bits (Object.is: −0 and 0 differ). The corpus: doubles drawn
 * over the whole range (random bit patterns) and over everyday scales, printed as JavaScript prints them (toString,
 * toFixed, toExponential, toPrecision), random digit strings (leading and trailing points, signs, zeros, 10–40
 * digits, exponents to ±400), and hand-picked edges: −0, the largest double and just beyond it, subnormals down to
 * the smallest and below, and mantissas around 2^53 (where reading digits in doubles stops being exact). With the
 * decimal comma as mark the reference is Number() of the same text with its point.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decimalBytes, exactDecimalBytes, readDecimal } from '../../src/data/decimal-bytes.js';
import { scanNumericCsv } from '../../src/data/csv-fast.js';
import type { NumericValues } from '../../src/data/frame.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-decimal-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // xorshift32, then scaled to [0, 1)
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const EDGES = [
  '0', '-0', '+0', '0.0', '-0.0', '-.0', '0.', '-0e5', '0e-400', '-0e999', '.5', '5.', '+.5', '-5.', '+5', '00000', '000.000100',
  '1e308', '-1e308', '1.7976931348623157e308', '1.7976931348623158e308', '1.797693134862315799999e308', '179769313486231570000' + '0'.repeat(288),
  '1e-320', '-1e-320', '4.9e-324', '5e-324', '2.4703282292062328e-324', '2.4703282292062327e-324', '1e-400', '2.2250738585072011e-308',
  '2.2250738585072014e-308', '9007199254740992', '9007199254740993', '9007199254740994', '9007199254740995', '90071992547409.93',
  '9007199254740993e-5', '900719925474099.3', '9007199254740991.5', '18014398509481985', '0.1', '0.2', '0.3', '0.30000000000000004',
  '123456789', '1234567890', '999999999', '0.999999999', '9999999999', '4294967295', '4294967296', '2147483647', '2147483648',
  '-2147483648', '1e22', '1e23', '1e-22', '1e-23', '123456789e22', '1.5e-22', '3.14159265358979323846264338327950288',
  '0.000000000000000000000000000000001', '100000000000000000000000', '1' + '0'.repeat(30) + '.5',
];

/** The corpus: about `count` spellings of finite and overflowing decimals (see the module comment). */
function corpus(count: number, seed: number): string[] {
  const next = random(seed);
  const bits = new DataView(new ArrayBuffer(8));
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
  const out = [...EDGES];
  while (out.length < count) {
    const kind = Math.floor(next() * 8);
    let x: number;
    if (kind < 3) {
      // a double of any magnitude: random bits (NaN and infinities skipped)
      bits.setUint32(0, Math.floor(next() * 2 ** 32));
      bits.setUint32(4, Math.floor(next() * 2 ** 32));
      x = bits.getFloat64(0);
      if (!Number.isFinite(x)) continue;
    } else x = (next() - 0.5) * 10 ** Math.floor(next() * 12 - 4); // everyday scales
    const k = Math.floor(next() * 21);
    const form = Math.floor(next() * 6);
    if (form === 0) out.push(String(x));
    else if (form === 1) out.push(Math.abs(x) < 1e21 ? x.toFixed(k) : String(x));
    else if (form === 2) out.push(x.toExponential(k));
    else if (form === 3) out.push(x.toPrecision(1 + k));
    else if (form === 4) {
      // 1–40 digits around a point, a sign, maybe an exponent
      const sign = ['', '-', '+'][Math.floor(next() * 3)];
      const whole = digits(Math.floor(next() * 20));
      const frac = digits(Math.floor(next() * 20));
      const body = whole + (next() < 0.8 ? '.' : '') + frac;
      if (!/\d/.test(body)) continue;
      const exp = next() < 0.3 ? `${next() < 0.5 ? 'e' : 'E'}${['', '-', '+'][Math.floor(next() * 3)]}${Math.floor(next() * 400)}` : '';
      out.push(sign + body + exp);
    } else out.push(Number(x.toFixed(Math.min(k, 9))).toString()); // short cells: the CSV path's own reading
  }
  return out;
}

describe('decimalBytes', () => {
  const cells = corpus(200_000, 2026);

  it('gives Number(text), bit for bit, for every spelling of the corpus, at any offset', () => {
    let mismatches = 0;
    const examples: string[] = [];
    for (const cell of cells) {
      const bytes = Buffer.from(`,${cell};`, 'latin1');
      const got = decimalBytes(bytes, 1, bytes.length - 1);
      if (!Object.is(got, Number(cell))) {
        mismatches++;
        if (examples.length < 5) examples.push(`${cell}: ${got} vs ${Number(cell)}`);
      }
    }
    expect(examples).toEqual([]);
    expect(mismatches).toBe(0);
  });

  it('decides exactly (Clinger) or leaves the cell to Number() (NaN), never a different value', () => {
    let exact = 0;
    let wrong = 0;
    for (const cell of cells) {
      const bytes = Buffer.from(cell, 'latin1');
      const v = exactDecimalBytes(bytes, 0, bytes.length);
      if (Number.isNaN(v)) continue;
      exact++;
      if (!Object.is(v, Number(cell))) wrong++;
    }
    expect(wrong).toBe(0);
    expect(exact).toBeGreaterThan(cells.length / 4); // (the everyday-scale and short spellings)
  });

  it('reads the mantissas around 2^53 that a per-digit "≤ 2^53" test would read wrongly', () => {
    // 2^53 + 1 = 9007199254740993 rounds to 2^53 when accumulated in doubles; with a point after it the value differs
    for (const cell of ['90071992547409.93', '9007199254740993e-5', '9.007199254740993e-3', '-90071992547409.93']) {
      const bytes = Buffer.from(cell, 'latin1');
      expect(Object.is(decimalBytes(bytes, 0, bytes.length), Number(cell)), cell).toBe(true);
    }
    // (the reference itself: the nearest double to 90071992547409.93 is 90071992547409.9375, not …921875)
    expect(Number('90071992547409.93')).toBe(90071992547409.9375);
  });
});

describe('readDecimal', () => {
  const cells = corpus(200_000, 99);

  it('reads every spelling where it starts, ends where it ends, and gives Number() of it, with a point or a comma as mark', () => {
    const out = new Float64Array(2);
    for (const [mark, markChar] of [[46, '.'], [44, ',']] as const) {
      const examples: string[] = [];
      for (const cell of cells) {
        const spelled = markChar === '.' ? cell : cell.replace('.', ',');
        const bytes = Buffer.from(`;${spelled};`, 'latin1');
        const reference = Number(cell);
        out[1] = 12345;
        const end = readDecimal(bytes, 1, mark, out, 1);
        // an overflowing cell is not read (-1) and leaves its slot alone; every other is read whole, bit for bit
        const ok = Number.isFinite(reference) ? end === bytes.length - 1 && Object.is(out[1], reference) : end === -1 && out[1] === 12345;
        if (!ok && examples.length < 5) examples.push(`${spelled}: end ${end}, ${out[1]} vs ${reference}`);
      }
      expect([markChar, examples]).toEqual([markChar, []]);
    }
  });

  it('-1 where no plain decimal starts; a number ends at the first byte that cannot continue it', () => {
    const out = new Float64Array(1);
    const read = (text: string, mark = 46): [number, number] => {
      out[0] = NaN;
      return [readDecimal(Buffer.from(text, 'latin1'), 0, mark, out, 0), out[0]];
    };
    for (const text of ['', '-', '+', '.', 'e5', '.e1', '1e', '1e+', '--1', '+-1', 'inf', 'nan', ',5']) expect([text, read(text)[0]]).toEqual([text, -1]);
    expect(read('1.5;2')).toEqual([3, 1.5]);
    expect(read('1,5;2')).toEqual([1, 1]); // a comma is no point
    expect(read('1,5;2', 44)).toEqual([3, 1.5]);
    expect(read('1.5', 44)).toEqual([1, 1]); // nor is a point a comma
    expect(read('-0,25e2|', 44)).toEqual([7, -25]);
    expect(read('1.2.3')).toEqual([3, 1.2]);
    expect(read('12abc')).toEqual([2, 12]);
    expect(read('1e999')[0]).toBe(-1);
    expect(Object.is(read('-0')[1], -0)).toBe(true);
  });
});

describe('the CSV fast path reads the corpus as Number() does', () => {
  function values(path: string, allocate?: ((bytes: number) => ArrayBuffer) | null): NumericValues[] {
    const fast = scanNumericCsv(path, {}, allocate);
    if (fast === null) throw new Error('the fast path declined');
    const frame = fast.frame(path);
    return fast.header.map((name) => {
      const c = frame.columns.get(name);
      if (c?.kind !== 'numeric') throw new Error(name);
      return c.values;
    });
  }

  it('every finite cell of the corpus, in a 3-column file, bit for bit, in blocks and in float64 stores', () => {
    const finite = corpus(430_000, 7).filter((c) => Number.isFinite(Number(c)));
    const rows = Math.floor(finite.length / 3); // > 2 blocks of 65,536 rows, so the stores take over after the first
    const lines = ['a,b,c'];
    for (let r = 0; r < rows; r++) lines.push(`${finite[3 * r]},${finite[3 * r + 1]},${finite[3 * r + 2]}`);
    const path = join(dir, 'corpus.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const allocated: number[] = [];
    const record = (bytes: number): ArrayBuffer => {
      allocated.push(bytes);
      return new ArrayBuffer(bytes);
    };
    for (const allocate of [null, record]) {
      const cols = values(path, allocate);
      let mismatches = 0;
      for (let j = 0; j < 3; j++) {
        expect(cols[j].constructor.name).toBe('Float64Array');
        expect(cols[j].length).toBe(rows);
        for (let r = 0; r < rows; r++) if (!Object.is(cols[j][r], Number(finite[3 * r + j]))) mismatches++;
      }
      expect(mismatches).toBe(0);
    }
    expect(allocated.filter((bytes) => bytes >= rows * 8).length).toBeGreaterThanOrEqual(3); // a store per column
  });

  it('declines what Number() reads as non-finite or not at all, as before', () => {
    const declined = ['inf', '-inf', 'Inf', 'nan', 'NaN', 'Infinity', '-Infinity', '1e999', '-1e400', '1.8e308', '1' + '0'.repeat(310), '.', '-', '+', 'e5', '.e1', '1e', '1e+', '--1', '1.2.3', '0x10'];
    for (const cell of declined) {
      const path = join(dir, 'declined.csv');
      writeFileSync(path, `x,y\n1,2\n3,${cell}\n`);
      expect([cell, scanNumericCsv(path)]).toEqual([cell, null]);
    }
  });
});
