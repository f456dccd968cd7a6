/**
 * The streaming CSV reader with text columns (src/data/csv-fast.ts, csv-cells.ts, csv-columns.ts) against the
 * reference, the full parser (readCsvFull: csv-parse and text-columns.ts, the path every file with a text cell took
 * before): for generated files — number, word, number-like, boolean, missing, quoted and mixed columns, typos in
 * numeric columns, each separator and decimal mark, LF and CRLF, a BOM, empty lines at the end, no final line break,
 * forced types, given levels, a selection of columns — readCsv gives the same frame (column types and storage,
 * values bit for bit, level names and order, missing rows, file lines), the same log lines and warnings, or throws
 * the same message. Also over read chunks and column blocks (level codes widening from bytes to 16 bits mid-file),
 * on the real Hillstrom file when present, and the reader does not give up on the cases it was built for.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { scanCsv } from '../../src/data/csv-fast.js';
import { readCsv, readCsvFull, type ReadCsvOptions } from '../../src/data/csv.js';
import type { Frame } from '../../src/data/frame.js';
import { rowLocation } from '../../src/data/frame-build.js';
import { HILLSTROM_SCHEMA } from '../../src/data/hillstrom.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-csv-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function file(content: string | Buffer, name = `f${fileCount++}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A value as text that tells −0, NaN and every double apart. */
const exact = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** Everything a Frame says, as plain data: columns in order with kind, storage, values and levels; missing rows; row locations. */
function signature(frame: Frame): unknown {
  const columns = [...frame.columns.values()].map((c) => {
    if (c.kind === 'categorical') return { name: c.name, kind: c.kind, storage: c.codes.constructor.name, levels: c.levels, codes: Array.from(c.codes) };
    return { name: c.name, kind: c.kind, storage: c.values.constructor.name, values: Array.from(c.values, exact) };
  });
  const missing = [...frame.missing].map(([name, rows]) => [name, Array.from(rows)]);
  const lines = Array.from({ length: frame.nRows }, (_, r) => rowLocation(frame, r));
  return { nRows: frame.nRows, source: frame.source, columns, missing, lines };
}

interface Outcome {
  readonly result: unknown;
  readonly log: string[];
  readonly warnings: string[];
}

function outcome(read: (path: string, options: ReadCsvOptions) => Frame, path: string, options: ReadCsvOptions): Outcome {
  const log: string[] = [];
  const warnings: string[] = [];
  let result: unknown;
  try {
    result = signature(read(path, { ...options, log: (l) => log.push(l), warn: (w) => warnings.push(w) }));
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    result = { error: e.message };
  }
  return { result, log, warnings };
}

/** readCsv and readCsvFull agree on `path`; returns whether the streaming reader read it (did not give up). */
function expectSame(path: string, options: ReadCsvOptions = {}, label = path): boolean {
  const streamed = JSON.stringify(outcome(readCsv, path, options));
  const full = JSON.stringify(outcome(readCsvFull, path, options));
  if (streamed !== full) {
    // (the first difference and a little around it: a whole frame's diff would be megabytes)
    let at = 0;
    while (streamed[at] === full[at]) at++;
    expect(streamed.slice(Math.max(0, at - 200), at + 200), label).toBe(full.slice(Math.max(0, at - 200), at + 200));
  }
  return scanCsv(path, options) !== null;
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = ['Urban', 'Rural', 'Surburban', '1) $0 - $100', '2) $100 - $200', 'Mañana', 'Zürich', 'a b', 'x', 'B7', 'A12', 'Nan', 'na', 'N/A', '-', '.'];
const QUOTE_NEEDED = ['a,b', 'say "hi"', ' lead', 'trail ', 'semi;colon', 'pi|pe', 'tab\there'];
const MISSING = ['', 'NA', ' ', '  '];
const REFUSED = ['NaN', 'Inf', '-Inf', '1e999', '12%', '0x10', '$4.50', '#N/A'];

type Kind = 'int' | 'float' | 'zeros' | 'words' | 'numberish' | 'bool' | 'mixed' | 'typo' | 'refused' | 'labels' | 'allMissing';
const KINDS: readonly Kind[] = ['int', 'float', 'zeros', 'words', 'numberish', 'bool', 'mixed', 'typo', 'refused', 'labels', 'allMissing'];

/** One cell of a column of `kind` (the text as csv-parse would give it), for a file with decimal mark `mark`. */
function cellOf(kind: Kind, next: () => number, mark: string): string {
  const num = (): string => {
    const v = next();
    const text = v < 0.3 ? String(Math.floor(v * 40) - 5) : v < 0.6 ? (v * 100 - 30).toFixed(3) : v < 0.7 ? '-0' : v < 0.8 ? `${(v * 9).toFixed(2)}e${Math.floor(v * 7) - 3}` : String(v * 1e3);
    return mark === ',' ? text.replace('.', ',') : text;
  };
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const missing = next() < 0.08;
  if (kind === 'allMissing') return pick(MISSING);
  if (missing) return pick(MISSING);
  switch (kind) {
    case 'int':
      return String(Math.floor(next() * 5));
    case 'float':
      return num();
    case 'zeros':
      return pick(['01', '02', '007', '1', '10', '-03']);
    case 'words':
      return next() < 0.1 ? pick(QUOTE_NEEDED) : pick(WORDS);
    case 'numberish':
      return pick(['02134', '2134', '10001', '1.50', '1.5', ' 3', '4 ']);
    case 'bool':
      return pick(['TRUE', 'false', 'True', 'FALSE', ' true']);
    case 'mixed':
      return next() < 0.7 ? pick(['A12', 'B7', 'C3', 'Urban', 'Rural']) : pick(['123', '7', '007', '7.0']);
    case 'typo':
      return next() < 0.03 ? pick(['x7', 'abc', '1.5.2', 'n/a']) : num();
    case 'refused':
      return next() < 0.1 ? pick(REFUSED) : num();
    case 'labels':
      return next() < 0.15 ? pick(['12', '3']) : pick(['Urban', 'Rural', 'Town']);
  }
}

/** The CSV text of one field, quoted when it must be (or at random when `quoteAll`). */
function field(text: string, sep: string, next: () => number, quoteAll: number): string {
  const must = text.includes(sep) || text.includes('"') || text.includes('\n') || (sep !== ',' && text.includes(','));
  return must || next() < quoteAll ? `"${text.replaceAll('"', '""')}"` : text;
}

interface Dialect {
  readonly sep: string;
  readonly mark: string;
  readonly options: ReadCsvOptions;
  readonly name: string;
}

const DIALECTS: readonly Dialect[] = [
  { sep: ',', mark: '.', options: {}, name: 'd.csv' },
  { sep: ';', mark: ',', options: {}, name: 'd.csv' },
  { sep: '\t', mark: '.', options: {}, name: 'd.tsv' },
  { sep: '|', mark: '.', options: { sep: '|' }, name: 'd.csv' },
  { sep: ';', mark: '.', options: { decimal: '.' }, name: 'd.csv' },
];

function generated(seed: number): { path: string; options: ReadCsvOptions; label: string } {
  const next = random(seed);
  const dialect = DIALECTS[seed % DIALECTS.length];
  const width = 1 + Math.floor(next() * 5);
  const rows = 1 + Math.floor(next() * 40);
  const kinds = Array.from({ length: width }, () => KINDS[Math.floor(next() * KINDS.length)]);
  const names = kinds.map((k, j) => `${k}_${j}`);
  const quoteAll = next() < 0.3 ? 0.3 : 0;
  const lines = [names.map((n) => field(n, dialect.sep, next, quoteAll)).join(dialect.sep)];
  for (let r = 0; r < rows; r++) lines.push(kinds.map((k) => field(cellOf(k, next, dialect.mark), dialect.sep, next, quoteAll)).join(dialect.sep));
  const eol = next() < 0.3 ? '\r\n' : '\n';
  let text = lines.join(eol);
  const end = next();
  if (end < 0.6) text += eol;
  else if (end < 0.8) text += eol + eol + (next() < 0.5 ? eol : '');
  if (next() < 0.1) text = '\ufeff' + text;
  const types: Record<string, 'numeric' | 'categorical' | 'boolean'> = {};
  const levels: Record<string, string[]> = {};
  if (next() < 0.3) types[names[Math.floor(next() * width)]] = (['numeric', 'categorical', 'boolean'] as const)[Math.floor(next() * 3)];
  if (next() < 0.1) levels[names[0]] = ['Urban', 'Rural', 'Surburban', 'Town'];
  const select = next() < 0.2 ? (all: readonly string[]) => all.filter((_, j) => j % 2 === 0) : undefined;
  const dir = `g${seed}`;
  const path = file(text, `${dir}-${dialect.name}`);
  return { path, options: { ...dialect.options, types, levels, select }, label: `seed ${seed}: ${JSON.stringify(text.slice(0, 300))} ${JSON.stringify({ types, levels })}` };
}

describe('readCsv streaming with text columns equals the full parser', () => {
  it('on 1,500 generated files (every column kind, dialect, line ending, forced type) — frame, warnings and messages', () => {
    let streamed = 0;
    let errors = 0;
    const count = 1500;
    for (let seed = 1; seed <= count; seed++) {
      const { path, options, label } = generated(seed);
      if (expectSame(path, options, label)) streamed++;
      try {
        readCsvFull(path, options);
      } catch {
        errors++;
      }
    }
    // the streaming reader reads nearly all of them itself (it gives up only on what it leaves to the full parser)
    expect(streamed).toBeGreaterThan(0.9 * count);
    expect(errors).toBeGreaterThan(50); // typos and refused numbers make errors: they were compared too
    expect(count - errors).toBeGreaterThan(500); // and frames
    console.log(`generated files: ${streamed} of ${count} read streaming, ${errors} errors`);
  });

  it('reads the cases it was built for itself, also gzip-compressed', () => {
    const cases = [
      'id,segment,spend\n1,Mens E-Mail,0.0\n2,No E-Mail,NA\n3,,1.5\n',
      '"id","segment"\n1,"Mens E-Mail"\n2,"say ""hi"""\n',
      'x,y\n1,a\n2,b\n\n\n',
      'x;y\r\n1,5;Urban\r\n2;Rural\r\n',
      'zip,y\n02134,1\n10001,0\n', // leading zeros: numbers with a warning
      'g,y\nA12,1\nB7,2\n123,3\nC3,4\n', // numbers a minority: a factor (read twice)
      'x,y\n1,2\n3,x7\n5,6\n', // a typo in a numeric column: the error
      'flag,y\nTRUE,1\nfalse,0\nNA,1\n',
    ];
    for (const text of cases) expect([text, expectSame(file(text))]).toEqual([text, true]);
    for (const text of cases) expect([text, expectSame(file(gzipSync(text), `z${fileCount++}.csv.gz`))]).toEqual([text, true]);
    expect(expectSame(file('zip,y\n02134,1\n10001,0\n'), { types: { zip: 'categorical' } })).toBe(true);
  });

  it('gives up on what it leaves to the full parser, which then decides', () => {
    const cases = [
      'x,y\n1,a"b\n', // a quote inside an unquoted field
      'x,y\n1,"a\nb"\n', // a line break inside quotes
      'x,y\n1,"a"b\n',
      'x,y\n1,2,3\n',
      'x,y\n1,2\n\n3,4\n',
      'x,y\n1,2\r\n3,4\n',
      'x,,z\n1,,2\n', // a column with no name
      'x,y\n',
    ];
    for (const text of cases) {
      const path = file(text);
      expect([text, scanCsv(path)]).toEqual([text, null]);
      expectSame(path);
    }
    const latin1 = file(Buffer.from('x,y\n1,caf\xe9\n', 'latin1'));
    expect(scanCsv(latin1)).toBeNull();
    expectSame(latin1);
  });

  it('over read chunks and column blocks: levels appearing late (codes widen from bytes to 16 bits), missing cells, a float column', () => {
    const n = 200_000; // 4 blocks of 65,536 rows; the file is several read chunks
    const lines = ['segment,late,x,flag,id'];
    for (let i = 0; i < n; i++) {
      const segment = ['Mens E-Mail', 'Womens E-Mail', 'No E-Mail'][i % 3];
      const late = i < 70_000 ? `L${i % 200}` : i % 97 === 0 ? 'NA' : `L${i % 1000}`; // > 255 levels after the first block
      const x = i % 11 === 0 ? '' : ((i * 7919) % 1000) / 8 - 60;
      const flag = i % 5 === 0 ? 'TRUE' : 'FALSE';
      lines.push(`${segment},"${late}",${x},${flag},${i % 7 === 0 ? `"${i}"` : i}`);
    }
    const path = file(lines.join('\n') + '\n');
    expect(expectSame(path)).toBe(true);
    const frame = readCsv(path);
    const late = frame.columns.get('late');
    expect(late?.kind === 'categorical' ? [late.levels.length, late.codes.constructor.name] : null).toEqual([1000, 'Uint16Array']);
    expect(frame.columns.get('flag')?.kind).toBe('boolean');
  });

  it('over blocks: a typo late in a numeric column (the error names the first cell and the next three lines), a label column read twice', () => {
    const n = 150_000;
    const typo = ['segment,x,label', ...Array.from({ length: n }, (_, i) => `${i % 2 ? 'Web' : 'Phone'},${[140_000, 140_007, 149_000, 149_500, 149_999].includes(i) ? 'x7' : i / 4},${i % 5 === 0 ? 123 : `L${i % 3}`}`)];
    const path = file(typo.join('\n') + '\n');
    expectSame(path);
    expect(() => readCsv(path)).toThrow(
      `${path}, line 140002, column "x": "x7" is not a number; the column's other values are numbers, so repair the cell (a missing value is an empty cell or NA), or pass --factor x if the column is categorical; 4 more cells are not a number (lines 140009, 149002, 149502, …)`,
    );
    // without the typo column: "label" has numbers in a fifth of its cells, so it is a factor with the level "123" (read twice)
    const select = (names: readonly string[]): string[] => names.filter((name) => name !== 'x');
    expect(expectSame(path, { select })).toBe(true);
    const label = readCsv(path, { select }).columns.get('label');
    expect(label?.kind === 'categorical' ? label.levels : null).toEqual(['123', 'L0', 'L1', 'L2']);
  });

  const hillstrom = join(__dirname, '../../../shared/data/hillstrom.csv');
  it.skipIf(!existsSync(hillstrom))('the real Hillstrom file, as inferred and with its schema', () => {
    expect(expectSame(hillstrom)).toBe(true);
    expect(expectSame(hillstrom, { types: HILLSTROM_SCHEMA })).toBe(true);
  });
  if (!existsSync(hillstrom)) console.log(`notice: ${hillstrom} is absent; the real-file case is skipped`);
});
