/**
 * Compact numeric columns (issue 16 item 2): compactValues and joinedType (src/data/frame-build.ts) keep every value
 * exactly in the narrowest array, and the CSV fast path (src/data/csv-fast.ts), which narrows each 65,536-row block
 * as it reads, gives the values Number(cell) gives in the type their range needs — also when blocks need different
 * types. The reference for every value is the float64 array (or Number of the cell's text) itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compactValues, joinedType } from '../../src/data/frame-build.js';
import { readCsv } from '../../src/data/csv.js';
import type { NumericValues } from '../../src/data/frame.js';
import { simulateHillstrom } from '../../src/data/simulate/hillstrom.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-compact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function numbers(frame: ReturnType<typeof readCsv>, name: string): NumericValues {
  const c = frame.columns.get(name);
  if (c?.kind !== 'numeric') throw new Error(`no numeric column ${name}`);
  return c.values;
}

describe('compactValues', () => {
  const cases: [number[], string][] = [
    [[0, 1, 1, 0], 'Uint8Array'],
    [[0, 255], 'Uint8Array'],
    [[-128, 127], 'Int8Array'],
    [[0, 256], 'Uint16Array'],
    [[-1, 255], 'Int16Array'],
    [[0, 65536], 'Uint32Array'],
    [[-1, 40000], 'Int32Array'],
    [[0, 2 ** 32], 'Float64Array'],
    [[0, 0.5], 'Float64Array'],
    [[1, NaN], 'Float64Array'],
    [[-0, 3], 'Uint8Array'],
  ];
  for (const [values, type] of cases) {
    it(`stores [${values.join(', ')}] as ${type}, every value unchanged`, () => {
      const out = compactValues(Float64Array.from(values));
      expect(out.constructor.name).toBe(type);
      expect(Array.from(out, Number)).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
    });
  }
  it('joinedType spans the union of the parts’ ranges', () => {
    expect(joinedType([new Uint8Array(1), new Uint8Array(1)])).toBe(Uint8Array);
    expect(joinedType([new Uint8Array(1), new Uint16Array(1)])).toBe(Uint16Array);
    expect(joinedType([new Uint8Array(1), new Int8Array(1)])).toBe(Int16Array);
    expect(joinedType([new Uint32Array(1), new Int8Array(1)])).toBe(Float64Array);
    expect(joinedType([new Uint8Array(1), new Float64Array(1)])).toBe(Float64Array);
  });
});

describe('the CSV fast path stores blocks compactly', () => {
  it('joins blocks of different types into the type the whole column needs, values as Number(cell)', () => {
    const n = 150_000; // three blocks of 65,536 rows (the last partial)
    const flag: string[] = [];
    const grow: string[] = [];
    const late: string[] = [];
    const real: string[] = [];
    for (let i = 0; i < n; i++) {
      flag.push(String(i % 2));
      grow.push(String(i < 70_000 ? i % 200 : -(i % 300))); // Uint8 block, then Int16 blocks
      late.push(i === n - 1 ? '0.5' : String(i % 7)); // a fraction only in the last block
      real.push(((i * 7919) % 1000 / 8).toString());
    }
    const lines = ['flag,grow,late,real', ...flag.map((f, i) => `${f},${grow[i]},${late[i]},${real[i]}`)];
    const path = join(dir, 'blocks.csv');
    writeFileSync(path, lines.join('\n') + '\n');
    const frame = readCsv(path);
    const expectations: [string, string[], string][] = [
      ['flag', flag, 'Uint8Array'],
      ['grow', grow, 'Int16Array'],
      ['late', late, 'Float64Array'],
      ['real', real, 'Float64Array'],
    ];
    for (const [name, cells, type] of expectations) {
      const values = numbers(frame, name);
      expect(values.constructor.name, name).toBe(type);
      expect(values.length).toBe(n);
      let mismatch = -1;
      for (let i = 0; i < n && mismatch < 0; i++) if (values[i] !== Number(cells[i])) mismatch = i;
      expect(mismatch, name).toBe(-1);
    }
  });
});

describe('the Hillstrom simulator', () => {
  it('stores flags, recency and treatment as bytes and keeps the continuous columns float64', () => {
    const { frame } = simulateHillstrom({ seed: 3, n: 2000 });
    const type = (name: string): string => {
      const c = frame.columns.get(name);
      if (c?.kind !== 'numeric') throw new Error(name);
      return c.values.constructor.name;
    };
    for (const name of ['recency', 'mens', 'womens', 'newbie', 'visit', 'conversion']) expect(type(name), name).toBe('Uint8Array');
    for (const name of ['history', 'spend']) expect(type(name), name).toBe('Float64Array');
  });
});
