import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsv } from '../../src/data/csv.js';
import { scanNumericCsv } from '../../src/data/csv-fast.js';
import { loadData } from '../../src/data/load.js';
import { firstInvalidUtf8 } from '../../src/data/file-text.js';
import { numberCell } from '../../src/data/number-cells.js';
import type { Column, Frame } from '../../src/data/frame.js';
import { missingCode } from '../../src/data/frame-build.js';
import { isMissingCell, parseDecimal } from '../../src/data/text-columns.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function csvFile(text: string | Buffer, extension = 'csv'): string {
  const path = join(dir, `f${++fileCount}.${extension}`);
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

  it('keeps 0/1 columns numeric, and words with a minority of numbers categorical', () => {
    const frame = readCsv(csvFile('y,word\n0,one\n1,two\n0,3\n'));
    expect(column(frame, 'y').kind).toBe('numeric');
    expect(column(frame, 'word').kind).toBe('categorical');
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
      // (codes as bytes: the missing code is the type's largest value)
      expect(g.codes).toBeInstanceOf(Uint8Array);
      expect([...g.codes]).toEqual([0, missingCode(g.codes), 1, missingCode(g.codes)]);
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
      `${path}, line 3, column "spend": "1,200" is not a number: it has a comma (write one and a half as 1.5, twelve hundred as 1200); ` +
        'the column is read as numbers, so repair the cell (a missing value is an empty cell or NA)',
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

/** The CSV field for a cell: quoted when it holds a comma or a quote. */
function field(cell: string): string {
  return /[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

describe('readCsv: column types are never guessed from a typo', () => {
  const typos = ['x7', 'NaN', 'Inf', '-Inf', 'Infinity', '1e309', '1,5', '0x10', '12abc', '1.2.3', '#DIV/0!', 'nan'];

  it('classifies cells: plain decimals, numbers nutmeg refuses, text', () => {
    expect(['1', '-2.5e3', ' 7 '].map(numberCell)).toEqual(['decimal', 'decimal', 'decimal']);
    const refused = ['NaN', 'nan', 'Inf', '-Inf', 'Infinity', '+infinity', '1.#INF', '1e309', '-1e400', '1,5', '1,200', '1,234,567.5', ',5', '1.234,5', '12%', '$4.50', '€1,200', '3 €', '0x10', '0b101', '0o17', '#N/A', '#DIV/0!'];
    for (const cell of refused) expect([cell, numberCell(cell)]).toEqual([cell, 'refused']);
    const text = ['x7', '12abc', '1.2.3', 'A12', 'Urban', '2024-01-05', '02139-1234', '1) $0 - $100', 'true', 'NA ', 'Nan', '-', '1.2.3,4'];
    for (const cell of text) expect([cell, numberCell(cell)]).toEqual([cell, 'text']);
  });

  it('one typo in an otherwise numeric column is an error naming file, line, column and value, with the fix', () => {
    for (const typo of typos) {
      const path = csvFile(`id,spend\n1,10.5\n2,${field(typo)}\n3,7\n4,0.25\n`);
      const message = userErrorOf(() => readCsv(path));
      expect(message.startsWith(`${path}, line 3, column "spend": ${JSON.stringify(typo)} `)).toBe(true);
      expect(message.endsWith(
        "; the column's other values are numbers, so repair the cell (a missing value is an empty cell or NA), " +
          'or pass --factor spend if the column is categorical',
      )).toBe(true);
    }
  });

  it('a typo in a column the command does not use (select) stops nothing; in a used one it still does', () => {
    // MASS's Cars93 has Cylinders = "rotary" on line 58: a model of MPG.city ~ Weight was refused for it
    const path = csvFile('mpg,weight,cylinders\n25,2705,4\n18,3560,6\n31,1695,rotary\n20,3405,6\n');
    const kept = readCsv(path, { select: (names) => names.filter((n) => n !== 'cylinders') });
    expect([...kept.columns.keys()]).toEqual(['mpg', 'weight']);
    expect(kept.nRows).toBe(4);
    expect(userErrorOf(() => readCsv(path))).toMatch(/line 4, column "cylinders": "rotary" is not a number/);
    expect(userErrorOf(() => readCsv(path, { select: (names) => names }))).toMatch(/line 4, column "cylinders"/);
    // the fit's route: loadData with the formula's columns
    expect([...loadData(path, 1, undefined, { columns: ['mpg', 'weight'] }).frame.columns.keys()]).toEqual(['mpg', 'weight']);
  });

  it('numbers with a leading zero (codes: 01, 007) stay numbers with one warning per column, from either reader', () => {
    // "01", "1" and "001" as zip codes were one level of (1 | zip), silently
    const line = (p: string, name: string): string =>
      `${p}: column "${name}" has numbers written with a leading zero, as codes are (zip codes, ids); it is read as numbers, so "01" and "1" are one value: pass --factor ${name} to keep the values as written`;
    const numeric = csvFile('y,zip,x\n1,01,0.5\n0,1,0\n1,-007.5,-0.25\n0,2,0\n'); // the fast path
    const text = csvFile('y,zip,x,note\n1,01,0.5,a\n0,1,0,b\n1,-007.5,-0.25,c\n0,2,0,d\n'); // the full parser
    expect(scanNumericCsv(numeric)?.leadingZero).toEqual(['zip']);
    expect(scanNumericCsv(text)).toBeNull();
    for (const path of [numeric, text]) {
      const warnings: string[] = [];
      const frame = readCsv(path, { warn: (m) => warnings.push(m) });
      expect(warnings).toEqual([line(path, 'zip')]);
      const zip = frame.columns.get('zip');
      expect(zip?.kind === 'numeric' ? Array.from(zip.values) : null).toEqual([1, 1, -7.5, 2]);
      // stated types and columns the command does not read: no warning
      const quiet: string[] = [];
      readCsv(path, { warn: (m) => quiet.push(m), types: { zip: 'categorical' } });
      readCsv(path, { warn: (m) => quiet.push(m), select: (names) => names.filter((n) => n !== 'zip') });
      expect(quiet).toEqual([]);
      const levels = readCsv(path, { types: { zip: 'categorical' } }).columns.get('zip');
      expect(levels?.kind === 'categorical' ? levels.levels : null).toEqual(['-007.5', '01', '1', '2']);
    }
  });

  it('says why a number is refused', () => {
    const reason = (typo: string): string => {
      const path = csvFile(`v\n1\n${field(typo)}\n`);
      const message = userErrorOf(() => readCsv(path));
      return message.slice(`${path}, line 3, column "v": ${JSON.stringify(typo)} `.length, message.indexOf(';'));
    };
    expect(reason('1e309')).toBe('overflows a double (the largest is about 1.8e308)');
    expect(reason('NaN')).toBe('is NaN, not a number');
    expect(reason('-Inf')).toBe('is infinite, not a finite number');
    expect(reason('0x10')).toBe('is not a decimal number (hexadecimal, binary and octal literals are not read)');
    expect(reason('x7')).toBe('is not a number');
  });

  it('counts the other bad cells and lists their exact file lines (a quoted field spanning lines counts its lines)', () => {
    const path = csvFile('note,v\n"two\nlines",1\na,x\nb,2\nc,NaN\nd,3\ne,Inf\nf,4\ng,?\nh,5\n');
    expect(userErrorOf(() => readCsv(path))).toBe(
      `${path}, line 4, column "v": "x" is not a number; the column's other values are numbers, so repair the cell ` +
        '(a missing value is an empty cell or NA), or pass --factor v if the column is categorical; ' +
        '3 more cells are not a number (lines 6, 8, 10)',
    );
    const two = csvFile('v\n1\nx\n2\ny\n3\n');
    expect(userErrorOf(() => readCsv(two))).toMatch(/; 1 more cell is not a number \(line 5\)$/);
    const many = csvFile('v\n1\n2\n3\n4\n5\n6\na\nb\nc\nd\ne\n');
    expect(userErrorOf(() => readCsv(many))).toMatch(/; 4 more cells are not a number \(lines 9, 10, 11, …\)$/);
  });

  it('a column of numbers nutmeg refuses is an error too (all NaN/Inf, all decimal commas)', () => {
    const path = csvFile('v,w\nNaN,"1,5"\nInf,"2,25"\n');
    expect(userErrorOf(() => readCsv(path))).toMatch(new RegExp(`^${path}, line 2, column "v": "NaN" is NaN, not a number;`));
    expect(userErrorOf(() => readCsv(path, { types: { v: 'categorical' } }))).toMatch(/column "w": "1,5" is not a number: it has a comma/);
  });

  it('numbers a majority of the distinct values, or of the cells, is an error either way', () => {
    // "n/a" on most rows, but three distinct numbers beside it
    const byValues = csvFile('v\nn/a\nn/a\nn/a\nn/a\n1\n2\n3\n');
    expect(userErrorOf(() => readCsv(byValues))).toMatch(/line 2, column "v": "n\/a" is not a number;/);
    // one number on most rows, three distinct words beside it
    const byCells = csvFile('v\n0\n0\n0\n0\na\nb\nc\n');
    expect(userErrorOf(() => readCsv(byCells))).toMatch(/line 6, column "v": "a" is not a number;/);
  });

  it('genuine categorical columns stay categorical: numbers a minority of both the values and the rows', () => {
    const path = csvFile(
      'id,zip_code,segment,floor\nA12,Urban,Mens E-Mail,G\nB7,Rural,No E-Mail,B\nC3,Surburban,Womens E-Mail,G\n123,Urban,No E-Mail,1\nD9,7,Mens E-Mail,B\n',
    );
    const frame = readCsv(path);
    for (const name of ['id', 'zip_code', 'segment', 'floor']) expect([name, column(frame, name).kind]).toEqual([name, 'categorical']);
    const id = column(frame, 'id');
    expect(id.kind === 'categorical' && id.levels).toEqual(['123', 'A12', 'B7', 'C3', 'D9']);
  });

  it('--factor (types categorical) reads a column with a typo as categorical, numbers as levels', () => {
    const path = csvFile('id,spend\n1,10.5\n2,x7\n3,7\n4,\n');
    const frame = readCsv(path, { types: { spend: 'categorical' } });
    const spend = column(frame, 'spend');
    expect(spend.kind === 'categorical' && spend.levels).toEqual(['10.5', '7', 'x7']);
    if (spend.kind === 'categorical') expect([...spend.codes]).toEqual([0, 2, 1, 0xff]);
  });

  it('--numeric (types numeric) refuses every non-decimal cell with the reason, even where numbers are a minority', () => {
    const path = csvFile('v,w\n1e309,a\n2,b\n,c\n');
    expect(userErrorOf(() => readCsv(path, { types: { v: 'numeric' } }))).toBe(
      `${path}, line 2, column "v": "1e309" overflows a double (the largest is about 1.8e308); ` +
        'the column is read as numbers, so repair the cell (a missing value is an empty cell or NA)',
    );
    expect(userErrorOf(() => readCsv(path, { types: { v: 'categorical', w: 'numeric' } }))).toBe(
      `${path}, line 2, column "w": "a" is not a number; the column is read as numbers, so repair the cell ` +
        '(a missing value is an empty cell or NA); 2 more cells are not a number (lines 3, 4)',
    );
  });

  it('names the flag that asked for a column the file lacks', () => {
    const path = csvFile('a,b\n1,2\n');
    expect(userErrorOf(() => readCsv(path, { types: { zip: 'categorical' }, typeOrigin: { zip: '--factor' } }))).toBe(
      `--factor "zip": ${path} has no such column; the columns are: a, b`,
    );
  });
});

describe('readCsv: encodings, compression and binary files', () => {
  const text = 'name,v,city\nJosé,1.5,Zürich\n"Smith, J",2,Köln\nLee,3,東京\n';
  const plain = (): Frame => readCsv(csvFile(text));
  const sameFrame = (a: Frame, b: Frame): void => {
    expect([...a.columns.keys()]).toEqual([...b.columns.keys()]);
    for (const [name, c] of b.columns) expect(a.columns.get(name)).toEqual(c);
    expect(a.nRows).toBe(b.nRows);
  };

  it('reads UTF-16 LE and BE with a byte-order mark as the same data as UTF-8', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    sameFrame(readCsv(csvFile(le)), plain());
    const be = Buffer.from(le);
    for (let i = 0; i < be.length; i += 2) [be[i], be[i + 1]] = [be[i + 1], be[i]];
    expect([be[0], be[1]]).toEqual([0xfe, 0xff]);
    sameFrame(readCsv(csvFile(be)), plain());
  });

  it('refuses UTF-16 without a byte-order mark, and UTF-32', () => {
    const path = csvFile(Buffer.from(text, 'utf16le'));
    expect(userErrorOf(() => readCsv(path))).toBe(`${path}: looks like UTF-16 text without a byte-order mark; save it as UTF-8`);
    const utf32 = csvFile(Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]));
    expect(userErrorOf(() => readCsv(utf32))).toBe(`${utf32}: looks like UTF-32 text; save it as UTF-8`);
  });

  it('refuses Latin-1 text, naming the first bad byte and its line', () => {
    const path = csvFile(Buffer.from('name,v\nLee,1\nKim,2\nPark,3\nJosé,4\n', 'latin1'));
    expect(userErrorOf(() => readCsv(path))).toBe(`${path}: not UTF-8 (byte 0xE9 at line 5); save it as UTF-8`);
  });

  it('finds the first byte that breaks UTF-8 (bad lead, overlong form, surrogate, truncation)', () => {
    expect(firstInvalidUtf8(Buffer.from('aé東😀z', 'utf8'))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe9, 0x62]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0xe0, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe6, 0x9d]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
  });

  it('refuses binary files: by magic bytes (zip/xlsx, xls, parquet), and by a NUL byte', () => {
    const xlsx = csvFile(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('[Content_Types].xml')]));
    expect(userErrorOf(() => readCsv(xlsx))).toBe(
      `${xlsx}: looks like an Excel (.xlsx), OpenDocument or other zip file; export the sheet as CSV`,
    );
    const xls = csvFile(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]));
    expect(userErrorOf(() => readCsv(xls))).toBe(`${xls}: looks like an old Excel (.xls) file; export the sheet as CSV`);
    const parquet = csvFile(Buffer.concat([Buffer.from('PAR1'), Buffer.from([0x15, 0, 0x15]), Buffer.from('PAR1')]));
    expect(userErrorOf(() => readCsv(parquet))).toBe(
      `${parquet}: looks like a Parquet file, not CSV text; give it to --data as it is (its types come from its schema)`,
    );
    const binary = csvFile(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x01, 0x00, 0x02, 0x0a]));
    expect(userErrorOf(() => readCsv(binary))).toBe(
      `${binary}: looks like a binary file, not CSV text (a NUL byte at offset 5); export the data as CSV`,
    );
  });

  it('reads a header that merely starts like a magic number as text', () => {
    const frame = readCsv(csvFile('PAR1,BZh\n1,2\n'));
    expect([...frame.columns.keys()]).toEqual(['PAR1', 'BZh']);
  });

  it('reads .csv.gz (and any gzip file) transparently: the same frame as the plain file', () => {
    sameFrame(readCsv(csvFile(gzipSync(Buffer.from(text, 'utf8')), 'csv.gz')), plain());
    sameFrame(readCsv(csvFile(gzipSync(Buffer.from(text, 'utf8')), 'csv')), plain());
    // line numbers inside a compressed file stay exact
    const bad = csvFile(gzipSync(Buffer.from('v\n1\n2\nx\n', 'utf8')), 'csv.gz');
    expect(userErrorOf(() => readCsv(bad))).toMatch(new RegExp(`^${bad}, line 4, column "v": "x" is not a number;`));
  });

  it('refuses a corrupt or truncated gzip file in one line', () => {
    const whole = gzipSync(Buffer.from(text.repeat(50), 'utf8'));
    const truncated = csvFile(whole.subarray(0, whole.length - 20), 'csv.gz');
    expect(userErrorOf(() => readCsv(truncated))).toMatch(
      new RegExp(`^${truncated}: is gzip-compressed but cannot be decompressed \\(.+\\); the file is damaged or incomplete$`),
    );
    const garbled = Buffer.from(whole);
    for (let i = 12; i < 40; i++) garbled[i] ^= 0x5a;
    const corrupt = csvFile(garbled, 'csv.gz');
    expect(userErrorOf(() => readCsv(corrupt))).toMatch(new RegExp(`^${corrupt}: is gzip-compressed but cannot be decompressed`));
  });
});
