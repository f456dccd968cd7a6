/**
 * CSV separators and decimal marks (src/data/csv-dialect.ts, number-reading.ts): tab, semicolon with decimal commas
 * and pipe files read into the frame the comma version of the same data gives (the comma file is the reference); the
 * choice rules (a .tsv/.tab name, the header line, --sep over both); quoted fields holding the separator; a cell with
 * a point in a decimal-comma file as a one-line error; nameless empty columns left out with one warning; gzip; the
 * blocks reader of `nutmeg score` and the page's reader choosing as the CLI does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { readCsvBytes, readCsvText } from '../../src/browser/data.js';
import { chooseDialect, dialectLine, parseDecimalMark, parseSeparator, separatorOfHeader } from '../../src/data/csv-dialect.js';
import { readCsv, readCsvFull, type ReadCsvOptions } from '../../src/data/csv.js';
import type { Frame } from '../../src/data/frame.js';
import { fileBlocks } from '../../src/data/row-blocks.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-csv-dialect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
function file(text: string | Buffer, name = `f${++count}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** A frame as plain data, to compare frames read from different files. */
function plain(frame: Frame): unknown {
  return { nRows: frame.nRows, columns: [...frame.columns.values()], missing: [...frame.missing.entries()] };
}

/** readCsv with its log lines and warnings collected. */
function read(path: string, options: ReadCsvOptions = {}): { frame: Frame; log: string[]; warnings: string[] } {
  const log: string[] = [];
  const warnings: string[] = [];
  const frame = readCsv(path, { ...options, log: (l) => log.push(l), warn: (w) => warnings.push(w) });
  return { frame, log, warnings };
}

// the same data in every dialect: a 0/1 outcome, decimals (negative, exponent), a missing cell, a label with a space
const COMMA = 'y,x,g\n1,0.5,a b\n0,-1.25,c\n1,,c\n0,2.5e-3,a b\n';
const reference = (): unknown => plain(readCsv(file(COMMA)));

describe('choosing the separator and decimal mark', () => {
  it('the header line decides: no comma but tabs → tab, no comma but semicolons → semicolon, else comma', () => {
    expect(separatorOfHeader('y\tx\n1\t2')).toBe('\t');
    expect(separatorOfHeader('y;x\r\n1;2')).toBe(';');
    expect(separatorOfHeader('y,x;z\tw')).toBe(',');
    expect(separatorOfHeader('y\tx;z')).toBe(','); // both tabs and semicolons: comma
    expect(separatorOfHeader('y')).toBe(',');
    expect(separatorOfHeader('y|x')).toBe(','); // pipes only when given
    expect(separatorOfHeader('"a,b";c\n')).toBe(';'); // a quoted comma is part of a name
    expect(separatorOfHeader('y;x\n1,5;2')).toBe(';'); // only the header line counts
  });

  it('a .tsv or .tab name is tab; --sep wins over name and header; the decimal comma comes with the semicolon', () => {
    expect(chooseDialect('d.tsv', 'y,x\n', {})).toMatchObject({ sep: '\t', decimal: '.', sepFrom: 'name' });
    expect(chooseDialect('d.TAB.gz', 'y;x\n', {})).toMatchObject({ sep: '\t', sepFrom: 'name' });
    expect(chooseDialect('d.tsv', 'y;x\n', { sep: ';' })).toMatchObject({ sep: ';', decimal: ',', sepFrom: 'given', decimalFrom: 'default' });
    expect(chooseDialect('d.csv', 'y;x\n', { decimal: '.' })).toMatchObject({ sep: ';', decimal: '.', sepFrom: 'header', decimalFrom: 'given' });
    expect(chooseDialect('d.csv', 'y\tx\n', { decimal: ',' })).toMatchObject({ sep: '\t', decimal: ',' });
    expect(chooseDialect('d.csv', 'y,x\n', {})).toMatchObject({ sep: ',', decimal: '.', sepFrom: 'default' });
  });

  it('refuses a decimal comma with comma separators, and flag values it does not know', () => {
    expect(userErrorOf(() => chooseDialect('d.csv', 'y,x\n', { decimal: ',' }))).toBe(
      "--decimal , needs a separator other than the comma, and d.csv is read as comma-separated (its header line has a comma, or no semicolon or tab); give --sep ';' (or tab) as well",
    );
    expect(userErrorOf(() => chooseDialect('d.csv', 'y;x\n', { sep: ',', decimal: ',' }))).toBe(
      "--decimal , needs a separator other than the comma, and d.csv is read with --sep ,; give --sep ';' (or tab) as well",
    );
    expect(parseSeparator('--sep', 'tab')).toBe('\t');
    expect(parseSeparator('--sep', '\\t')).toBe('\t');
    expect(parseSeparator('--sep', '\t')).toBe('\t');
    expect(parseSeparator('--sep', '|')).toBe('|');
    expect(userErrorOf(() => parseSeparator('--sep', ':'))).toBe('--sep must be one of , ; tab (or \\t) |; got ":"');
    expect(userErrorOf(() => parseDecimalMark('--decimal', 'comma'))).toBe(
      '--decimal must be . or , (the decimal mark of the file\'s numbers); got "comma"',
    );
  });

  it('one log line when not comma and point, naming how each was chosen', () => {
    expect(dialectLine('d.csv', chooseDialect('d.csv', 'y,x', {}))).toBeNull();
    expect(dialectLine('d.tsv', chooseDialect('d.tsv', 'y,x', {}))).toBe(
      'data: d.tsv: read as tab-separated (its name ends in .tsv) with decimal points; --sep and --decimal say otherwise',
    );
    expect(dialectLine('d.csv', chooseDialect('d.csv', 'y;x', {}))).toBe(
      "data: d.csv: read as semicolon-separated (its header line has semicolons and no comma) with decimal commas (the default with --sep ';'); --sep and --decimal say otherwise",
    );
    expect(dialectLine('d.csv', chooseDialect('d.csv', 'y|x', { sep: '|', decimal: ',' }))).toBe(
      "data: d.csv: read as pipe-separated (--sep '|') with decimal commas (--decimal ,); --sep and --decimal say otherwise",
    );
  });
});

describe('reading tab, semicolon and pipe files', () => {
  it('a tab file (by its header, and by a .tsv name) gives the comma file\'s frame, and says so in one log line', () => {
    const tab = COMMA.replaceAll(',', '\t');
    const byHeader = read(file(tab));
    expect(plain(byHeader.frame)).toEqual(reference());
    expect(byHeader.log).toEqual([expect.stringMatching(/: read as tab-separated \(its header line has tabs and no comma\) with decimal points;/)]);
    expect(plain(read(file(tab, 'd.tsv')).frame)).toEqual(reference());
    expect(plain(read(file(tab, 'd.tab')).frame)).toEqual(reference());
  });

  it('a semicolon file with decimal commas (R write.csv2, Excel in many locales) gives the comma file\'s frame', () => {
    const semi = 'y;x;g\n1;0,5;a b\n0;-1,25;c\n1;;c\n0;2,5e-3;a b\n';
    const { frame, log, warnings } = read(file(semi));
    expect(plain(frame)).toEqual(reference());
    expect(log).toHaveLength(1);
    expect(warnings).toEqual([]);
    // the whole numbers of a decimal-comma file are numbers as well
    expect(plain(read(file('y;n\n1;3\n0;12\n')).frame)).toEqual(plain(readCsv(file('y,n\n1,3\n0,12\n'))));
  });

  it('a pipe file with --sep |; --decimal . for a semicolon file written with points', () => {
    expect(plain(read(file(COMMA.replaceAll(',', '|')), { sep: '|' }).frame)).toEqual(reference());
    expect(plain(read(file(COMMA.replaceAll(',', ';')), { decimal: '.' }).frame)).toEqual(reference());
  });

  it('--sep overrides the name and the header: a .tsv file of commas, a semicolon header read as one column', () => {
    expect(plain(read(file(COMMA, 'commas.tsv'), { sep: ',' }).frame)).toEqual(reference());
    const one = read(file('a;b\nx;y\n'), { sep: ',' }).frame;
    expect([...one.columns.keys()]).toEqual(['a;b']);
    // and the tab file read with --sep , is one column, the lead's report: the header read as one name
    const tab = read(file('y\tx\n1\t0.5\n0\t0.2\n'), { sep: ',' }).frame;
    expect([...tab.columns.keys()]).toEqual(['y\tx']);
  });

  it('quoted fields may hold the separator (and a semicolon file\'s comma)', () => {
    const tab = read(file('y\tg\n1\t"a\tb"\n0\tc\n')).frame;
    const g = tab.columns.get('g');
    expect(g?.kind === 'categorical' ? g.levels : null).toEqual(['a\tb', 'c']);
    const semi = read(file('y;g;x\n1;"p;q";"1,5"\n0;r,s;2\n')).frame;
    const sg = semi.columns.get('g');
    expect(sg?.kind === 'categorical' ? sg.levels : null).toEqual(['p;q', 'r,s']);
    const sx = semi.columns.get('x');
    expect(sx?.kind === 'numeric' ? [...sx.values] : null).toEqual([1.5, 2]);
  });

  it('a row with too few fields names the separator', () => {
    const path = file('y;x\n1;0,5\n0 0,2\n');
    expect(userErrorOf(() => readCsv(path))).toBe(
      `${path}: line 3 has 1 field, the header has 2; check for an unquoted semicolon or a missing separator`,
    );
  });

  it('gzip: a tab file named .csv.gz and one named .tsv.gz', () => {
    const tab = COMMA.replaceAll(',', '\t');
    expect(plain(read(file(gzipSync(tab), 'd.csv.gz')).frame)).toEqual(reference());
    expect(plain(read(file(gzipSync(tab), 'd.tsv.gz')).frame)).toEqual(reference());
    expect(plain(read(file(gzipSync('y;x;g\n1;0,5;a b\n0;-1,25;c\n1;;c\n0;2,5e-3;a b\n'), 'e.csv.gz')).frame)).toEqual(reference());
  });

  it('a semicolon header over rows without one is the general path\'s error (the fast path splits the header at semicolons too)', () => {
    const path = file('y;x\n1\n0\n');
    expect(userErrorOf(() => readCsv(path))).toBe(`${path}: line 2 has 1 field, the header has 2; check for an unquoted semicolon or a missing separator`);
  });

  it('a file of plain numbers reads the same with commas, tabs and semicolons, by the fast path and the general one', () => {
    const numbers = 'y,x\n1,0.5\n0,0.25\n1,3\n';
    const fast = plain(readCsv(file(numbers)));
    expect(plain(readCsvFull(file(numbers)))).toEqual(fast);
    expect(plain(readCsv(file(numbers.replaceAll(',', '\t'))))).toEqual(fast);
    expect(plain(readCsv(file('y;x\n1;0,5\n0;0,25\n1;3\n')))).toEqual(fast);
    expect(plain(readCsvFull(file('y;x\n1;0,5\n0;0,25\n1;3\n')))).toEqual(fast);
  });
});

describe('decimal commas: a point is an error, never a guess', () => {
  it('names the line, the column, the cell and both options', () => {
    const path = file('y;x\n1;0,5\n0;0.2\n1;1.234\n');
    expect(userErrorOf(() => readCsv(path))).toBe(
      `${path}, line 3, column "x": "0.2" has a point, but the file is read with decimal commas (the default with --sep ';'); ` +
        'give --decimal . if its numbers are written with points, else remove the thousands separators; ' +
        "the column's other values are numbers, so repair the cell (a missing value is an empty cell or NA), or pass --factor x " +
        'if the column is categorical; 1 more cell is not a number (line 4)',
    );
    // a thousands separator with a decimal comma, and a column forced numeric
    const forced = file('y;x\n1;1.234,5\n');
    expect(userErrorOf(() => readCsv(forced, { types: { x: 'numeric' } }))).toBe(
      `${forced}, line 2, column "x": "1.234,5" has a point, but the file is read with decimal commas (the default with --sep ';'); ` +
        'give --decimal . if its numbers are written with points, else remove the thousands separators; ' +
        'the column is read as numbers, so repair the cell (a missing value is an empty cell or NA)',
    );
    // given with a tab file: the reason says --decimal
    const tab = file('y\tx\n1\t0,5\n0\t0.5\n');
    expect(userErrorOf(() => readCsv(tab, { decimal: ',' }))).toMatch(/line 3, column "x": "0\.5" has a point, but the file is read with decimal commas \(--decimal ,\);/);
  });

  it('a column of labels with points stays categorical; two commas are not a number', () => {
    const labels = read(file('y;v\n1;v1.2\n0;v2.0\n1;beta\n')).frame.columns.get('v');
    expect(labels?.kind).toBe('categorical');
    const path = file('y;x\n1;0,5\n0;1,2,3\n');
    expect(userErrorOf(() => readCsv(path))).toMatch(/line 3, column "x": "1,2,3" is not a number: it has more than one comma;/);
  });
});

describe('columns with neither a name nor values (a spreadsheet\'s export)', () => {
  it('are left out with one warning naming them; empty lines at the end are not data', () => {
    const excel = '"my y","x var",date,,\n1,0.5,2020-01-01,,\n0,-1.25,2020-01-02,,\n\n\n';
    const { frame, warnings } = read(file(excel));
    expect([...frame.columns.keys()]).toEqual(['my y', 'x var', 'date']);
    expect(frame.nRows).toBe(2);
    expect(warnings).toEqual([expect.stringMatching(/: left out columns 4 and 5 of the header, which have no name and no values \(empty columns a spreadsheet exported\)$/)]);
    expect(plain(frame)).toEqual(plain(readCsv(file('"my y","x var",date\n1,0.5,2020-01-01\n0,-1.25,2020-01-02\n'))));
    // one column, in the middle, in a semicolon file
    const semi = read(file('y;;x\n1;;0,5\n0; ;1\n')).warnings;
    expect(semi).toEqual([expect.stringMatching(/: left out column 2 of the header, which has no name and no values/)]);
  });

  it('a nameless column with a value is still an error (R row names), as is a header of no names', () => {
    const path = file('y,x,\n1,2,\n0,3,7\n');
    expect(userErrorOf(() => readCsv(path))).toBe(
      `${path}: column 3 of the header has no name; name every column (from R, write.csv(..., row.names = FALSE))`,
    );
    const fast = file('y,x,\n1,2,3\n'); // plain numbers: the fast path's header check
    expect(userErrorOf(() => readCsv(fast))).toBe(
      `${fast}: column 3 of the header has no name; name every column (from R, write.csv(..., row.names = FALSE))`,
    );
    const none = file(',\n,\n');
    expect(userErrorOf(() => readCsv(none))).toMatch(/column 1 of the header has no name/);
  });
});

describe('blocks (nutmeg score) and the page', () => {
  it('a tab file read in blocks gives the whole file\'s rows, one log line and one warning', () => {
    const lines = ['y\tx\t\t'];
    for (let i = 0; i < 10; i++) lines.push(`${i % 2}\t${i / 4}\t\t`);
    const path = file(lines.join('\n') + '\n');
    const log: string[] = [];
    const warnings: string[] = [];
    const blocks = [...fileBlocks(path, { log: (l) => log.push(l), warn: (w) => warnings.push(w) }, 4)];
    expect(blocks.map((b) => b.nRows)).toEqual([4, 4, 2]);
    const x = blocks.flatMap((b) => {
      const c = b.columns.get('x');
      return c?.kind === 'numeric' ? [...c.values] : [];
    });
    expect(x).toEqual(Array.from({ length: 10 }, (_, i) => i / 4));
    expect(log).toHaveLength(1);
    expect(warnings).toEqual([expect.stringMatching(/left out columns 3 and 4 of the header/)]);
  });

  it('a semicolon file in blocks reads decimal commas in every block', () => {
    const path = file('y;x\n1;0,5\n0;1,5\n1;2,5\n');
    const x = [...fileBlocks(path, {}, 2)].flatMap((b) => {
      const c = b.columns.get('x');
      return c?.kind === 'numeric' ? [...c.values] : [];
    });
    expect(x).toEqual([0.5, 1.5, 2.5]);
  });

  it('the page reads a dropped file by the same rules (its name and header line)', async () => {
    const tab = COMMA.replaceAll(',', '\t');
    expect(plain(readCsvText(tab, 'd.txt'))).toEqual(reference());
    const warnings: string[] = [];
    const gz = await readCsvBytes(new Uint8Array(gzipSync(tab.replaceAll('\n', '\t\n'))), 'd.tsv.gz', { warn: (w) => warnings.push(w) });
    expect(plain(gz)).toEqual(reference());
    expect(warnings).toEqual(['d.tsv.gz: left out column 4 of the header, which has no name and no values (empty columns a spreadsheet exported)']);
    expect(plain(readCsvText(COMMA.replaceAll(',', ';').replace('0.5', '0,5').replace('-1.25', '-1,25').replace('2.5e-3', '2,5e-3'), 'd.csv'))).toEqual(reference());
    expect(plain(readCsvText(COMMA.replaceAll(',', '|'), 'd.csv', { sep: '|' }))).toEqual(reference());
    expect(userErrorOf(() => readCsvText('y;x\n1;0.5\n', 'd.csv'))).toMatch(/^d\.csv, line 2, column "x": "0\.5" has a point/);
  });
});
