/**
 * CSV input: typo cells in numeric columns, declared column types, missing values, malformed files, encodings,
 * compression, line endings, outcome values and risky-but-valid data (issue 14, items 1 and 3).
 * Typos sit on data row 4, which is file line 6 (header = line 1).
 */
import { gzipSync } from 'node:zlib';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCase, RunResult, Verdict } from '../types.js';
import { DATA, csv, fitArgs, hasFixed, summaryOf, table, withCell, withColumn } from '../data.js';

const T = table();
const X = /\bx\b/;
const Y = /\by\b/;
const LINE6 = /line 6\b/;
const POOLED = hasFixed(['b_Intercept', 'b_x']);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function fileWith(value: string, column = 'x'): string {
  return csv(withCell(T, 4, column, value));
}

/** A typo in the numeric column x: an error naming file, line, column and value, and how to mean it. */
function typo(value: string, shown: string | RegExp = value, fix = true): CliCase {
  return {
    class: 'csv',
    name: `typo ${JSON.stringify(value)} in numeric column`,
    files: { 'd.csv': fileWith(value) },
    args: fitArgs('y ~ x'),
    expect: 'error',
    tokens: ['d.csv', LINE6, X, shown, ...(fix ? ['--factor'] : [])],
  };
}

/** A cell that is a number after all: the fit runs with x numeric. */
function numberCell(value: string): CliCase {
  return { class: 'csv', name: `number written ${JSON.stringify(value)}`, files: { 'd.csv': fileWith(value) }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED };
}

function bytes(...parts: (string | number[] | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
}

function utf16(text: string, endian: 'le' | 'be', bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = endian === 'le' ? le : Buffer.from(le).swap16();
  const mark = endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
  return bom ? Buffer.concat([Buffer.from(mark), body]) : body;
}

/** Same summary (to the printed digits) as the plain LF file: line endings must not change the data. */
async function sameAsLf(r: RunResult, ctx: Parameters<NonNullable<CliCase['check']>>[1]): Promise<Verdict> {
  const mine = summaryOf(r);
  if (typeof mine === 'string') return mine;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(ctx.dir, 'lf.csv'), DATA);
  const lf = await ctx.cli(fitArgs('y ~ x').map((a) => (a === 'd.csv' ? 'lf.csv' : a)));
  const theirs = summaryOf(lf);
  if (typeof theirs === 'string') return `the LF fit failed: ${theirs}`;
  return JSON.stringify(mine) === JSON.stringify(theirs) ? null : 'the summary differs from the same data with LF line endings';
}

const FACTOR_X: CliCase['check'] = (r) => {
  const rows = summaryOf(r);
  if (typeof rows === 'string') return rows;
  const levels = rows.filter((v) => v.variable.startsWith('b_x')).length;
  return levels >= 50 ? null : `x as a factor should give one coefficient per level but one (59); got ${levels}`;
};

const constant = (value: string, column: string): string => csv({ header: T.header, rows: T.rows.map((r) => r.map((c, j) => (T.header[j] === column ? value : c))) });

export const csvCases: CliCase[] = [
  typo('x7'),
  typo('NaN', 'NaN', false),
  typo('Inf', 'Inf', false),
  typo('-Inf', '-Inf', false),
  typo('Infinity', 'Infinity', false),
  typo('1e309', '1e309', false),
  typo('1,5'),
  typo('0x10'),
  typo('12abc'),
  typo('1.2.3'),
  typo('1e'),
  typo('--1'),
  typo('na', 'na', false),
  {
    class: 'csv',
    name: 'typo in the outcome column',
    files: { 'd.csv': fileWith('1x', 'y') },
    args: fitArgs('y ~ x'),
    expect: 'error',
    tokens: ['d.csv', LINE6, Y, '1x'],
  },
  {
    class: 'csv',
    name: 'typo in the trials column of a binomial outcome',
    files: { 'd.csv': fileWith('5o', 'n') },
    args: fitArgs('s | trials(n) ~ x'),
    expect: 'error',
    tokens: ['d.csv', LINE6, /\bn\b/, '5o'],
  },
  numberCell(' 3 '),
  numberCell('1e-400'),
  numberCell('+1.5'),
  numberCell('.5'),
  numberCell('1.'),
  numberCell('-0'),
  numberCell('2E3'),
  { class: 'csv', name: 'quoted number "1.5"', files: { 'd.csv': DATA.replace(/\n([01]),(-?[\d.]+),/, '\n$1,"$2",') }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  {
    class: 'csv',
    name: '--factor x makes a typo column a factor',
    files: { 'd.csv': fileWith('x7') },
    args: [...fitArgs('y ~ x'), '--factor', 'x'],
    expect: 'ok',
    check: FACTOR_X,
  },
  {
    class: 'csv',
    name: '--numeric x with a typo cell names the cell',
    files: { 'd.csv': fileWith('x7') },
    args: [...fitArgs('y ~ x'), '--numeric', 'x'],
    expect: 'error',
    tokens: [LINE6, X, 'x7'],
  },
  { class: 'csv', name: '--factor of an unknown column', files: { 'd.csv': DATA }, args: [...fitArgs('y ~ x'), '--factor', 'nosuch'], expect: 'error', tokens: ['nosuch'] },
  { class: 'csv', name: '--numeric of an unknown column', files: { 'd.csv': DATA }, args: [...fitArgs('y ~ x'), '--numeric', 'nosuch'], expect: 'error', tokens: ['nosuch'] },
  { class: 'csv', name: '--factor and --numeric of one column', files: { 'd.csv': DATA }, args: [...fitArgs('y ~ x'), '--factor', 'x', '--numeric', 'x'], expect: 'error', tokens: ['--factor', '--numeric'] },
  { class: 'csv', name: '--numeric of a text column', files: { 'd.csv': DATA }, args: [...fitArgs('y ~ x + g'), '--numeric', 'g'], expect: 'error', tokens: [/\bg\b/, /line 2\b/] },
  { class: 'csv', name: '--factor of a grouping column', files: { 'd.csv': DATA }, args: [...fitArgs('y ~ x + (1 | h)'), '--factor', 'h'], expect: 'ok', check: hasFixed(['b_Intercept', 'b_x'], ['sd_h__Intercept']) },
  { class: 'csv', name: 'NA in a used numeric column', files: { 'd.csv': fileWith('NA') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [X, LINE6, /missing|NA/] },
  { class: 'csv', name: 'empty cell in a used numeric column', files: { 'd.csv': fileWith('') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [X, LINE6, /missing|empty/] },
  { class: 'csv', name: 'NA in the outcome', files: { 'd.csv': fileWith('NA', 'y') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [Y, LINE6] },
  { class: 'csv', name: 'empty cell in a used factor', files: { 'd.csv': fileWith('', 'g') }, args: fitArgs('y ~ x + g'), expect: 'error', tokens: [/\bg\b/, LINE6] },
  { class: 'csv', name: 'NA in an unused column', files: { 'd.csv': fileWith('NA', 'w') }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  // session 12, on real data: MASS's Cars93 (Cylinders = "rotary"), zip-like codes, a constant gaussian outcome
  { class: 'csv', name: 'typo in an unused numeric column', files: { 'd.csv': fileWith('rotary', 'w') }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  {
    class: 'csv',
    name: 'codes with leading zeros (01, 1, 001) as a grouping column',
    files: { 'd.csv': csv(withColumn(T, 'zip', (_, i) => ['01', '1', '001', '2'][i % 4])) },
    args: fitArgs('y ~ x + (1 | zip)'),
    expect: 'warn',
    tokens: [/\bzip\b/, /leading zero/, '--factor'],
  },
  { class: 'csv', name: 'gaussian outcome the same in every row', files: { 'd.csv': constant('5', 'x') }, args: fitArgs('x ~ z', '--family', 'gaussian'), expect: 'error', tokens: [X, /all 60 rows/, /varies/] },
  {
    class: 'csv',
    name: 'gaussian varying intercept with one row per level',
    files: { 'd.csv': csv(withColumn(T, 'id', (_, i) => `id${i}`)) },
    args: fitArgs('x ~ z + (1 | id)', '--family', 'gaussian'),
    expect: 'warn',
    tokens: [/\bid\b/, /one row/, /sigma/],
  },
  { class: 'csv', name: 'empty file', files: { 'd.csv': '' }, args: fitArgs('y ~ x'), expect: 'error', tokens: ['d.csv', /empty/] },
  { class: 'csv', name: 'header only', files: { 'd.csv': 'y,x\n' }, args: fitArgs('y ~ x'), expect: 'error', tokens: ['d.csv', /no data|no rows|header/] },
  { class: 'csv', name: 'duplicate column name', files: { 'd.csv': DATA.replace(',w,', ',x,') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [X, /twice|duplicate|more than once/] },
  { class: 'csv', name: 'blank column name', files: { 'd.csv': DATA.replace(',w,', ',,') }, args: fitArgs('y ~ x'), expect: 'either', tokens: [/column 9/] },
  { class: 'csv', name: 'row with an extra field', files: { 'd.csv': DATA.split('\n').map((l, i) => (i === 5 ? l + ',extra' : l)).join('\n') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [LINE6] },
  { class: 'csv', name: 'row with a field missing', files: { 'd.csv': DATA.split('\n').map((l, i) => (i === 5 ? l.replace(/,[^,]*$/, '') : l)).join('\n') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [LINE6] },
  { class: 'csv', name: 'unterminated quote', files: { 'd.csv': DATA.split('\n').map((l, i) => (i === 5 ? l.replace('row ', '"row ') : l)).join('\n') }, args: fitArgs('y ~ x'), expect: 'error', tokens: ['d.csv', /quot/i] },
  { class: 'csv', name: 'blank line in the middle', files: { 'd.csv': DATA.split('\n').map((l, i) => (i === 5 ? '\n' + l : l)).join('\n') }, args: fitArgs('y ~ x'), expect: 'either', tokens: [LINE6] },
  { class: 'csv', name: 'trailing blank lines', files: { 'd.csv': DATA + '\n\n\n' }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  { class: 'csv', name: 'UTF-8 byte-order mark', files: { 'd.csv': bytes([0xef, 0xbb, 0xbf], DATA) }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  { class: 'csv', name: 'UTF-16 LE with BOM', files: { 'd.csv': utf16(DATA, 'le', true) }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  { class: 'csv', name: 'UTF-16 BE with BOM', files: { 'd.csv': utf16(DATA, 'be', true) }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  { class: 'csv', name: 'UTF-16 LE without BOM', files: { 'd.csv': utf16(DATA, 'le', false) }, args: fitArgs('y ~ x'), expect: 'error', tokens: ['d.csv'] },
  { class: 'csv', name: 'Latin-1 text', files: { 'd.csv': Buffer.from(DATA.replace('row 3', 'caf\u00e9 3'), 'latin1') }, args: fitArgs('y ~ x'), expect: 'error', tokens: ['d.csv', /utf-?8|encoding|latin/i] },
  { class: 'csv', name: 'random binary bytes', files: { 'd.csv': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)) }, args: fitArgs('y ~ x'), expect: 'error', tokens: ['d.csv'] },
  { class: 'csv', name: 'a zip archive', files: { 'd.csv': bytes([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0], 'd.csv', [0, 0, 0, 0, 0xff, 0x10, 0x80]) }, args: fitArgs('y ~ x'), expect: 'error', tokens: ['d.csv'] },
  { class: 'csv', name: 'a parquet file', files: { 'd.parquet': bytes('PAR1', [0x15, 0x04, 0x15, 0x10, 0, 0, 0x2c, 0x15, 0, 0xff], 'PAR1') }, args: fitArgs('y ~ x').map((a) => (a === 'd.csv' ? 'd.parquet' : a)), expect: 'error', tokens: ['d.parquet'] },
  { class: 'csv', name: 'gzip-compressed .csv.gz', files: { 'd.csv.gz': gzipSync(DATA) }, args: fitArgs('y ~ x').map((a) => (a === 'd.csv' ? 'd.csv.gz' : a)), expect: 'ok', check: POOLED },
  { class: 'csv', name: 'corrupt .csv.gz', files: { 'd.csv.gz': Buffer.concat([gzipSync(DATA).subarray(0, 40), Buffer.alloc(40, 0x55)]) }, args: fitArgs('y ~ x').map((a) => (a === 'd.csv' ? 'd.csv.gz' : a)), expect: 'error', tokens: ['d.csv.gz'] },
  { class: 'csv', name: 'CRLF line endings', files: { 'd.csv': csv(T, '\r\n') }, args: fitArgs('y ~ x'), expect: 'ok', check: sameAsLf },
  { class: 'csv', name: 'semicolon-separated', files: { 'd.csv': DATA.replace(/,/g, ';') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [/no column|semicolon|separat|one column/i] },
  // a header with tabs and no comma is read as tab-separated (src/data/csv-dialect.ts), and a write.csv2 file
  // (semicolons, decimal commas) as such: the same fit as the comma file
  { class: 'csv', name: 'tab-separated', files: { 'd.csv': DATA.replace(/,/g, '\t') }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  { class: 'csv', name: 'semicolon-separated with decimal commas', files: { 'd.csv': DATA.replace(/,/g, ';').replace(/\./g, ',') }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  { class: 'csv', name: 'a 2 MB cell in an unused column', files: { 'd.csv': fileWith('a'.repeat(2 << 20), 'note') }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  {
    class: 'csv',
    name: '1,000 unused columns',
    files: { 'd.csv': csv(Array.from({ length: 1000 }, (_, k) => k).reduce((t, k) => withColumn(t, `c${k}`, (_, i) => String((i * k) % 7)), T)) },
    args: fitArgs('y ~ x'),
    expect: 'ok',
    check: POOLED,
  },
  { class: 'csv', name: '300 rows', files: { 'd.csv': csv(table(300, 3)) }, args: fitArgs('y ~ x'), expect: 'ok', check: POOLED },
  { class: 'csv', name: 'outcome 2', files: { 'd.csv': fileWith('2', 'y') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [Y, LINE6, '2'] },
  { class: 'csv', name: 'outcome -1', files: { 'd.csv': fileWith('-1', 'y') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [Y, LINE6, '-1'] },
  { class: 'csv', name: 'outcome 0.5', files: { 'd.csv': fileWith('0.5', 'y') }, args: fitArgs('y ~ x'), expect: 'error', tokens: [Y, LINE6, '0.5'] },
  {
    class: 'csv',
    name: 'outcome true/false',
    files: { 'd.csv': csv({ header: T.header, rows: T.rows.map((r) => [r[0] === '1' ? 'true' : 'false', ...r.slice(1)]) }) },
    args: fitArgs('y ~ x'),
    expect: 'ok',
    check: POOLED,
  },
  {
    class: 'csv',
    name: 'outcome yes/no text',
    files: { 'd.csv': csv({ header: T.header, rows: T.rows.map((r) => [r[0] === '1' ? 'yes' : 'no', ...r.slice(1)]) }) },
    args: fitArgs('y ~ x'),
    expect: 'error',
    tokens: [Y],
  },
  { class: 'csv', name: 'outcome column absent', files: { 'd.csv': DATA }, args: fitArgs('yy ~ x'), expect: 'error', tokens: ['yy'] },
  { class: 'csv', name: 'outcome all zero', files: { 'd.csv': constant('0', 'y') }, args: fitArgs('y ~ x'), expect: 'warn', tokens: [Y, /constant|all|only|every|never|same/i] },
  { class: 'csv', name: 'outcome all one', files: { 'd.csv': constant('1', 'y') }, args: fitArgs('y ~ x'), expect: 'warn', tokens: [Y, /constant|all|only|every|same/i] },
  { class: 'csv', name: 'constant predictor', files: { 'd.csv': constant('1.5', 'x') }, args: fitArgs('y ~ x'), expect: 'warn', tokens: [X, /constant|same value|vary|variation/i] },
  {
    class: 'csv',
    name: 'duplicated predictor column',
    files: { 'd.csv': csv(withColumn(T, 'x2', (r) => r[1])) },
    args: fitArgs('y ~ x + x2'),
    expect: 'warn',
    tokens: [X, /\bx2\b/, /collinear|linear|identical|duplicate|redundant|depend/i],
  },
  {
    class: 'csv',
    name: 'predictor a linear combination of two others',
    files: { 'd.csv': csv(withColumn(T, 'x3', (r) => (2 * Number(r[1]) - Number(r[2])).toFixed(3))) },
    args: fitArgs('y ~ x + z + x3'),
    expect: 'warn',
    tokens: [/\bx3\b/, /collinear|linear|depend|redundant/i],
  },
  { class: 'csv', name: 'data file not found', args: fitArgs('y ~ x').map((a) => (a === 'd.csv' ? 'nope.csv' : a)), expect: 'error', tokens: ['nope.csv', /not found|no such|does not exist/i] },
  {
    class: 'csv',
    name: 'a directory as --data',
    prepare: (ctx) => void mkdirSync(join(ctx.dir, 'sub')),
    args: fitArgs('y ~ x').map((a) => (a === 'd.csv' ? 'sub' : a)),
    expect: 'error',
    tokens: ['sub', /directory/i],
  },
  {
    class: 'csv',
    name: 'unreadable file',
    skip: isRoot ? 'running as root: permissions do not stop reading' : undefined,
    files: { 'd.csv': DATA },
    prepare: (ctx) => chmodSync(join(ctx.dir, 'd.csv'), 0o000),
    args: fitArgs('y ~ x'),
    expect: 'error',
    tokens: ['d.csv', /permission|read/i],
  },
];
