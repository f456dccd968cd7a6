/**
 * The CSV fast path (src/data/csv-fast.ts) with every separator and decimal mark readCsv reads (comma, semicolon, tab,
 * pipe; point or comma, given or chosen from the name and header line: src/data/csv-dialect.ts) against the general
 * path (readCsvFull: csv-parse and text-columns.ts, the reference): on generated files of each dialect — negative
 * numbers, exponents, −0, long mantissas, leading and trailing marks, CRLF, a byte-order mark, no final line break —
 * readCsv gives the general path's frame bit for bit (values by Object.is, storage types, missing rows, file lines),
 * its log lines and warnings, and takes the fast path; with quoted cells, NA spellings, empty cells or a wrong mark it
 * gives the general path's frame or its exact one-line error (there the fast path declines and the general path
 * decides). One file of 100,000 rows spans read chunks and column blocks (and the float64 stores, given the addon).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CsvSeparator, DecimalMark } from '../../src/data/csv-dialect.js';
import { scanNumericCsv } from '../../src/data/csv-fast.js';
import { readCsv, readCsvFull, type ReadCsvOptions } from '../../src/data/csv.js';
import { rowLocation } from '../../src/data/frame-build.js';
import type { Frame } from '../../src/data/frame.js';
import { UserError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-csv-fast-dialects-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
function file(content: string | Buffer, name = `f${++count}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Number spellings with a point (converted to the file's mark by the caller): every shape the fast path reads. */
function spellings(count: number, seed: number): string[] {
  const next = random(seed);
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
  const out = ['-0', '-0.0', '0', '+1', '.5', '-.25', '7.', '1e3', '-2.5E-3', '9007199254740993', '90071992547409.93'];
  while (out.length < count) {
    const sign = next() < 0.45 ? '-' : next() < 0.03 ? '+' : '';
    const form = Math.floor(next() * 6);
    let body: string;
    if (form === 0) body = digits(1 + Math.floor(next() * 5));
    else if (form === 1) body = `${digits(1 + Math.floor(next() * 3))}.${digits(1 + Math.floor(next() * 6))}`;
    else if (form === 2) body = `${digits(1)}.${digits(1 + Math.floor(next() * 5))}e${next() < 0.5 ? '-' : '+'}${Math.floor(next() * 30)}`;
    else if (form === 3) body = String((next() - 0.5) * 10 ** Math.floor(next() * 8)); // 17 significant digits
    else if (form === 4) body = `${digits(1 + Math.floor(next() * 18))}.${digits(Math.floor(next() * 10))}`;
    else body = `0.${'0'.repeat(Math.floor(next() * 8))}${digits(1 + Math.floor(next() * 9))}`;
    out.push(body.startsWith('-') ? body : sign + body);
  }
  return out;
}

interface Dialect {
  readonly sep: CsvSeparator;
  readonly decimal: DecimalMark;
  /** The options that make readCsv read the file so (none where the header line decides). */
  readonly options: ReadCsvOptions;
  readonly name?: string;
}

const DIALECTS: readonly Dialect[] = [
  { sep: ',', decimal: '.', options: {} },
  { sep: ';', decimal: ',', options: {} }, // R's write.csv2: the header decides both
  { sep: ';', decimal: '.', options: { decimal: '.' } },
  { sep: ';', decimal: ',', options: { sep: ';' } },
  { sep: '\t', decimal: '.', options: {} },
  { sep: '\t', decimal: '.', options: {}, name: 'd.tsv' },
  { sep: '\t', decimal: ',', options: { decimal: ',' } },
  { sep: '|', decimal: '.', options: { sep: '|' } },
  { sep: '|', decimal: ',', options: { sep: '|', decimal: ',' } },
];

const label = (d: Dialect): string => `${JSON.stringify(d.sep)} ${JSON.stringify(d.decimal)} ${JSON.stringify(d.options)}${d.name ?? ''}`;

/** CSV text of `cells` (point spellings) in `width` columns, written in dialect d. */
function text(d: Dialect, cells: readonly string[], width: number, eol = '\n'): string {
  const lines = [Array.from({ length: width }, (_, j) => `v${j}`).join(d.sep)];
  for (let r = 0; r + width <= cells.length; r += width) {
    lines.push(cells.slice(r, r + width).map((c) => (d.decimal === ',' ? c.replace('.', ',') : c)).join(d.sep));
  }
  return lines.join(eol) + eol;
}

/** What a reader gives: the frame, or the one-line message of its UserError; its log lines and warnings. */
function outcome(read: (path: string, options: ReadCsvOptions) => Frame, path: string, options: ReadCsvOptions) {
  const log: string[] = [];
  const warnings: string[] = [];
  try {
    const frame = read(path, { ...options, log: (l) => log.push(l), warn: (w) => warnings.push(w) });
    return { frame, error: null, log, warnings };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { frame: null, error: e.message, log, warnings };
  }
}

/** The frame as comparable data: per column its kind, storage type and values' bits (a −0 shows as "-0"), missing rows, file lines. */
function bits(frame: Frame): unknown {
  const columns = [...frame.columns.values()].map((c) => {
    if (c.kind !== 'numeric') return { name: c.name, kind: c.kind, data: c.kind === 'categorical' ? [c.levels, Array.from(c.codes)] : Array.from(c.values) };
    return { name: c.name, kind: c.kind, type: c.values.constructor.name, values: Array.from(c.values, (v) => (Object.is(v, -0) ? '-0' : v)) };
  });
  const lines = Array.from({ length: frame.nRows }, (_, r) => rowLocation(frame, r));
  return { nRows: frame.nRows, columns, missing: [...frame.missing.entries()].map(([k, v]) => [k, Array.from(v)]), lines };
}

/** readCsv and readCsvFull of `path` give the same outcome, bit for bit; returns whether the fast path read it. */
function expectSameAsGeneral(path: string, options: ReadCsvOptions): boolean {
  const fast = outcome(readCsv, path, options);
  const full = outcome(readCsvFull, path, options);
  expect(fast.error).toBe(full.error);
  expect(fast.log).toEqual(full.log);
  expect(fast.warnings).toEqual(full.warnings);
  if (full.frame !== null && fast.frame !== null) expect(bits(fast.frame)).toEqual(bits(full.frame));
  return scanNumericCsv(path, options) !== null;
}

describe('the fast path reads every dialect as the general path does', () => {
  const cells = spellings(4 * 400, 16);

  it('plain numbers: the same frame, log line and file lines, by the fast path (LF, CRLF, BOM, no final line break)', () => {
    for (const d of DIALECTS) {
      const body = text(d, cells, 4);
      const variants = {
        lf: body,
        crlf: text(d, cells, 4, '\r\n'),
        bom: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]),
        open: body.slice(0, -1),
        crlfOpen: text(d, cells, 4, '\r\n').slice(0, -2),
      };
      for (const [variant, content] of Object.entries(variants)) {
        const path = file(content, d.name === undefined ? undefined : `${++count}-${d.name}`);
        expect([label(d), variant, expectSameAsGeneral(path, d.options)]).toEqual([label(d), variant, true]);
      }
    }
  });

  it('the numbers themselves: Number() of the cell with its mark read as a point, bit for bit', () => {
    for (const d of DIALECTS) {
      const path = file(text(d, cells, 4));
      const frame = readCsv(path, d.options);
      let wrong = 0;
      for (let j = 0; j < 4; j++) {
        const column = frame.columns.get(`v${j}`);
        if (column?.kind !== 'numeric') throw new Error(`v${j}`);
        for (let r = 0; r < frame.nRows; r++) if (!Object.is(column.values[r], Number(cells[4 * r + j]))) wrong++;
      }
      expect([label(d), wrong]).toEqual([label(d), 0]);
    }
  });

  it('quoted cells, NA spellings, empty cells, words: the general path decides, and readCsv gives its frame', () => {
    for (const d of DIALECTS) {
      const base = text(d, cells.slice(0, 4 * 50), 4).split('\n');
      const mark = (c: string): string => (d.decimal === ',' ? c.replace('.', ',') : c);
      const edit = (line: number, cell: string): string => {
        const lines = base.slice();
        const fields = lines[line].split(d.sep);
        fields[1] = cell;
        lines[line] = fields.join(d.sep);
        return lines.join('\n');
      };
      const declined = {
        quoted: edit(3, `"${mark('-1.5')}"`),
        quotedSep: edit(3, `"${mark('2.5')}${d.sep}"`),
        NA: edit(5, 'NA'),
        empty: edit(7, ''),
        nan: edit(9, 'NaN'),
        word: edit(2, 'abc'),
        space: edit(4, ` ${mark('1.5')}`),
      };
      for (const [variant, content] of Object.entries(declined)) {
        const path = file(content, d.name === undefined ? undefined : `${++count}-${d.name}`);
        expect([label(d), variant, expectSameAsGeneral(path, d.options)]).toEqual([label(d), variant, false]);
      }
    }
  });

  it('the other mark in a cell, an overflow, a short row, a decimal comma with commas: the general path\'s one-line error', () => {
    for (const d of DIALECTS) {
      const lines = text(d, cells.slice(0, 40), 4).split('\n');
      const wrongMark = lines.slice();
      wrongMark[2] = wrongMark[2].split(d.sep).map((_, j) => (j === 0 ? (d.decimal === ',' ? '0.5' : '1,5') : '1')).join(d.sep);
      const overflow = lines.slice();
      overflow[3] = ['1e999', '1', '2', '3'].join(d.sep);
      const short = lines.slice();
      short[4] = ['1', '2'].join(d.sep);
      for (const [variant, content] of Object.entries({ wrongMark, overflow, short })) {
        const path = file(content.join('\n'), d.name === undefined ? undefined : `${++count}-${d.name}`);
        expect(outcome(readCsvFull, path, d.options).error, `${label(d)} ${variant}`).not.toBeNull();
        expect([label(d), variant, expectSameAsGeneral(path, d.options)]).toEqual([label(d), variant, false]);
      }
    }
    const comma = file('x,y\n1,2\n');
    expect(expectSameAsGeneral(comma, { decimal: ',' })).toBe(false);
    expect(outcome(readCsv, comma, { decimal: ',' }).error).toMatch(/^--decimal , needs a separator other than the comma/);
  });

  it('a semicolon file with decimal commas over read chunks and column blocks (100,000 rows), bit for bit', () => {
    const d = DIALECTS[1];
    const many = spellings(4 * 100_000, 2026);
    const path = file(text(d, many, 4, '\r\n'));
    expect(expectSameAsGeneral(path, d.options)).toBe(true);
  });
});
