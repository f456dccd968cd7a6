import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/data/csv.js';
import type { Column, Frame } from '../../src/data/frame.js';
import { MISSING_CODE } from '../../src/data/frame-build.js';
import { isMissingCell, parseDecimal } from '../../src/data/text-columns.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function csvFile(text: string | Buffer): string {
  const path = join(dir, `f${++fileCount}.csv`);
  writeFileSync(path, text);
  return path;
}

function column(frame: Frame, name: string): Column {
  const c = frame.columns.get(name);
  if (c === undefined) throw new Error(`no column ${name}`);
  return c;
}

describe('cell parsing', () => {
  it('parseDecimal accepts plain decimals only: [sign] digits [. digits] [e [sign] digits], spaces around', () => {
    const accepted: [string, number][] = [
      ['1', 1],
      ['-2.5e3', -2500],
      ['.5', 0.5],
      ['5.', 5],
      ['+.5e-1', 0.05],
      [' 7 ', 7],
      ['\t3\t', 3],
      ['00012', 12],
      ['1E-5', 0.00001],
    ];
    for (const [cell, value] of accepted) expect(parseDecimal(cell)).toBe(value);
    for (const cell of ['1e', '.', 'e5', '1 2', '1.2.3', '+-1', '1e+', '0x10', '0b1', 'Infinity', '', '  ', '1e400', '1_0', 'NaN']) {
      expect(parseDecimal(cell)).toBeNaN();
    }
  });
  it('isMissingCell: empty, blank or exactly NA', () => {
    expect(['', ' ', '\t', 'NA'].map(isMissingCell)).toEqual([true, true, true, true]);
    expect(['na', 'N/A', ' NA', '0', 'x'].map(isMissingCell)).toEqual([false, false, false, false, false]);
  });
});

describe('readCsv: type inference', () => {
  it('reads numeric, boolean and categorical columns in file order', () => {
    const path = csvFile('x,flag,city\n1.5,true,b\n-2e3,FALSE,a\n.25,True,b\n');
    const frame = readCsv(path);
    expect(frame.nRows).toBe(3);
    expect([...frame.columns.keys()]).toEqual(['x', 'flag', 'city']);
    expect(frame.source).toBe(path);
    const x = column(frame, 'x');
    expect(x.kind).toBe('numeric');
    if (x.kind === 'numeric') expect([...x.values]).toEqual([1.5, -2000, 0.25]);
    const flag = column(frame, 'flag');
    expect(flag.kind).toBe('boolean');
    if (flag.kind === 'boolean') expect([...flag.values]).toEqual([1, 0, 1]);
    const city = column(frame, 'city');
    expect(city.kind).toBe('categorical');
    if (city.kind === 'categorical') {
      expect(city.levels).toEqual(['a', 'b']);
      expect([...city.codes]).toEqual([1, 0, 1]);
    }
    expect(frame.missing.size).toBe(0);
  });

  it('keeps 0/1 columns numeric and treats hex, Infinity and words as categorical', () => {
    const frame = readCsv(csvFile('y,h,inf,mixed\n0,0x10,Infinity,1\n1,0x20,-Infinity,one\n'));
    expect(column(frame, 'y').kind).toBe('numeric');
    expect(column(frame, 'h').kind).toBe('categorical');
    expect(column(frame, 'inf').kind).toBe('categorical');
    expect(column(frame, 'mixed').kind).toBe('categorical');
  });

  it('treats a number too large for float64 as text, not as Infinity', () => {
    expect(column(readCsv(csvFile('v\n1e400\n2\n')), 'v').kind).toBe('categorical');
  });

  it('sorts levels as plain strings (code units), not in locale order', () => {
    const frame = readCsv(csvFile('g\nb\na\nB\né\n10\n9\n'));
    const g = column(frame, 'g');
    // numbers mixed with words make the column categorical; "10" < "9" < "B" < "a" < "b" < "é" by code unit
    expect(g.kind === 'categorical' && g.levels).toEqual(['10', '9', 'B', 'a', 'b', 'é']);
    if (g.kind === 'categorical') expect([...g.codes]).toEqual([4, 3, 2, 5, 0, 1]);
  });

  it('uses a given level order, and codes follow it', () => {
    const frame = readCsv(csvFile('size,n\nsmall,1\nlarge,2\nmedium,3\n'), {
      levels: { size: ['small', 'medium', 'large'] },
    });
    const size = column(frame, 'size');
    expect(size.kind === 'categorical' && size.levels).toEqual(['small', 'medium', 'large']);
    if (size.kind === 'categorical') expect([...size.codes]).toEqual([0, 2, 1]);
  });

  it('forces types: numbers read as categories, 0/1 read as booleans', () => {
    const frame = readCsv(csvFile('zip,pro\n02139,1\n10001,0\n'), { types: { zip: 'categorical', pro: 'boolean' } });
    const zip = column(frame, 'zip');
    expect(zip.kind === 'categorical' && zip.levels).toEqual(['02139', '10001']);
    const pro = column(frame, 'pro');
    expect(pro.kind === 'boolean' && [...pro.values]).toEqual([1, 0]);
  });

  it('handles a byte-order mark, CRLF line ends, quoted commas and trailing empty lines', () => {
    const frame = readCsv(csvFile(Buffer.from('\uFEFFname,v\r\n"Smith, J",1\r\nLee,2\r\n\r\n\r\n', 'utf8')));
    expect([...frame.columns.keys()]).toEqual(['name', 'v']);
    expect(frame.nRows).toBe(2);
    const name = column(frame, 'name');
    expect(name.kind === 'categorical' && name.levels).toEqual(['Lee', 'Smith, J']);
  });
});

describe('readCsv: missing values', () => {
  it('records empty and NA cells per column, keeping the column and its type', () => {
    const frame = readCsv(csvFile('x,g,b\n1,a,true\n,NA,\nNA,b,false\n  ,,TRUE\n'));
    const x = column(frame, 'x');
    expect(x.kind).toBe('numeric');
    if (x.kind === 'numeric') {
      expect(x.values[0]).toBe(1);
      expect(Number.isNaN(x.values[1]) && Number.isNaN(x.values[2]) && Number.isNaN(x.values[3])).toBe(true);
    }
    const g = column(frame, 'g');
    expect(g.kind).toBe('categorical');
    if (g.kind === 'categorical') {
      expect(g.levels).toEqual(['a', 'b']);
      expect([...g.codes]).toEqual([0, MISSING_CODE, 1, MISSING_CODE]);
    }
    expect(column(frame, 'b').kind).toBe('boolean');
    expect([...(frame.missing.get('x') ?? [])]).toEqual([1, 2, 3]);
    expect([...(frame.missing.get('g') ?? [])]).toEqual([1, 3]);
    expect([...(frame.missing.get('b') ?? [])]).toEqual([1]);
  });

  it('reads an all-missing column as numeric NaN', () => {
    const frame = readCsv(csvFile('x,y\n1,\n2,NA\n'));
    const y = column(frame, 'y');
    expect(y.kind).toBe('numeric');
    expect(frame.missing.get('y')?.length).toBe(2);
  });
});

describe('readCsv: errors', () => {
  it('missing file', () => {
    const path = join(dir, 'nope.csv');
    expect(userErrorOf(() => readCsv(path))).toBe(`${path}: file not found; check the path`);
  });

  it('a directory', () => {
    expect(userErrorOf(() => readCsv(dir))).toBe(`${dir}: is a directory, not a CSV file`);
  });

  it('empty file, and a file of blank lines', () => {
    for (const text of ['', '\n\n']) {
      const path = csvFile(text);
      expect(userErrorOf(() => readCsv(path))).toBe(
        `${path}: the file is empty; expected a header line with column names, then data rows`,
      );
    }
  });

  it('header but no rows', () => {
    const path = csvFile('a,b,c\n');
    expect(userErrorOf(() => readCsv(path))).toBe(`${path}: has a header but no data rows`);
  });

  it('ragged row, reported by file line (a quoted field spanning lines counts its lines)', () => {
    const path = csvFile('a,b,c\n1,"two\nlines",3\n4,5,6\n7,8\n');
    expect(userErrorOf(() => readCsv(path))).toBe(
      `${path}: line 5 has 2 fields, the header has 3; check for an unquoted comma or a missing separator`,
    );
    const longer = csvFile('a,b\n1,2\n3,4,5\n');
    expect(userErrorOf(() => readCsv(longer))).toBe(
      `${longer}: line 3 has 3 fields, the header has 2; check for an unquoted comma or a missing separator`,
    );
  });

  it('an empty line inside the data', () => {
    const path = csvFile('a,b\n1,2\n\n3,4\n');
    expect(userErrorOf(() => readCsv(path))).toBe(`${path}: line 3 is empty, the header has 2 fields; remove the empty line`);
  });

  it('non-numeric value in a column forced numeric names file, line, column and value', () => {
    const path = csvFile('id,spend\n1,10.5\n2,"1,200"\n');
    expect(userErrorOf(() => readCsv(path, { types: { spend: 'numeric' } }))).toBe(
      `${path}, line 3, column "spend": "1,200" is not a number; fix the value, or leave the column's type to be inferred`,
    );
  });

  it('non-boolean value in a column forced boolean', () => {
    const path = csvFile('pro\ntrue\nyes\n');
    expect(userErrorOf(() => readCsv(path, { types: { pro: 'boolean' } }))).toBe(
      `${path}, line 3, column "pro": "yes" is not a boolean (true/false or 1/0); fix the value`,
    );
  });

  it('a value outside the given levels', () => {
    const path = csvFile('size\nsmall\nhuge\n');
    expect(userErrorOf(() => readCsv(path, { levels: { size: ['small', 'large'] } }))).toBe(
      `${path}, line 3, column "size": "huge" is not one of the given levels ("small", "large"); add it to the levels or fix the value`,
    );
  });

  it('levels given for a column forced to another type, and duplicated levels', () => {
    const path = csvFile('size\nsmall\n');
    expect(userErrorOf(() => readCsv(path, { types: { size: 'numeric' }, levels: { size: ['small'] } }))).toBe(
      'levels were given for column "size", which is forced to be numeric; levels apply only to categorical columns',
    );
    expect(userErrorOf(() => readCsv(path, { levels: { size: ['small', 'small'] } }))).toBe(
      'levels for column "size" list "small" twice',
    );
  });

  it('duplicate column names', () => {
    const path = csvFile('a,b,a\n1,2,3\n');
    expect(userErrorOf(() => readCsv(path))).toBe(
      `${path}: column name "a" appears twice in the header (columns 1 and 3); rename one`,
    );
  });

  it('an unnamed column (as R writes row names)', () => {
    const path = csvFile('"",x\n"1",5\n');
    expect(userErrorOf(() => readCsv(path))).toBe(
      `${path}: column 1 of the header has no name; name every column (from R, write.csv(..., row.names = FALSE))`,
    );
  });

  it('types or levels naming columns the file lacks', () => {
    const path = csvFile('a,b\n1,2\n');
    expect(userErrorOf(() => readCsv(path, { types: { c: 'numeric', a: 'numeric' }, levels: { d: ['x'] } }))).toBe(
      `${path}: expected columns "c", "d" not found; the columns are: a, b`,
    );
  });

  it('malformed quoting', () => {
    const path = csvFile('a,b\n1,"2\n3,4\n');
    const message = userErrorOf(() => readCsv(path));
    expect(message.startsWith(`${path}: not valid CSV: Quote Not Closed`)).toBe(true);
    expect(message).toContain('line 3');
  });
});
