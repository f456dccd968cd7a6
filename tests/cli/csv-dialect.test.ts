/**
 * --sep and --decimal through the CLI (main): the three files the lead's report found failing — tab-separated,
 * semicolon-separated with decimal commas, and a spreadsheet export with trailing nameless empty columns and blank
 * lines — fit with exit 0 and give exactly the draws of the comma file of the same data for the same seed (the comma
 * file is the reference); the choice is logged in one line, the left-out columns warned about in one; a pipe file
 * fitted with --sep | is re-read by `nutmeg loo` from the run's record; `nutmeg score` of a tab file gives the comma
 * file's scores; mistakes exit 2 with one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Table, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRun } from '../../src/io/run-dir.js';
import { runNutmeg } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-csv-dialect-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 40 rows: a 0/1 outcome and a decimal covariate, the same values in every file
const rows = Array.from({ length: 40 }, (_, i) => ({ y: (i * 7) % 5 < 2 ? 1 : 0, x: (((i % 11) - 5) / 4).toFixed(2), date: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}` }));
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const comma = write('d.csv', ['y,x,date', ...rows.map((r) => `${r.y},${r.x},${r.date}`)].join('\n') + '\n');
const tab = write('tab.tsv', ['y\tx\tdate', ...rows.map((r) => `${r.y}\t${r.x}\t${r.date}`)].join('\n') + '\n');
const semicolon = write('semi.csv', ['y;x;date', ...rows.map((r) => `${r.y};${r.x.replace('.', ',')};${r.date}`)].join('\n') + '\n');
const excel = write('excel.csv', ['"y","x",date,,', ...rows.map((r) => `${r.y},${r.x},${r.date},,`)].join('\r\n') + '\r\n\r\n\r\n');
const pipe = write('pipe.txt', ['y|x|date', ...rows.map((r) => `${r.y}|${r.x}|${r.date}`)].join('\n') + '\n');

const settings = ['--formula', 'y ~ x', '--chains', '2', '--warmup', '60', '--draws', '60', '--seed', '11', '--backend', 'reference'];

let runs = 0;
async function fit(data: string, ...extra: string[]): Promise<{ code: number; err: string; draws: Float64Array }> {
  const out = join(dir, `run${++runs}`);
  const r = await runNutmeg(['fit', '--data', data, ...settings, '--out', out, ...extra]);
  expect(r.err).not.toContain('nutmeg:');
  return { code: r.code, err: r.err, draws: r.code === 0 ? loadRun(out).draws.values : new Float64Array() };
}

describe('nutmeg fit of tab, semicolon/decimal-comma and spreadsheet-export files', () => {
  it('exit 0 with the comma file\'s draws, one log line for the dialect, one warning for the empty columns', async () => {
    const reference = await fit(comma);
    expect(reference.code).toBe(0);
    expect(reference.err).not.toContain('read as');
    expect(reference.draws.length).toBeGreaterThan(0);

    const t = await fit(tab);
    expect(t.code).toBe(0);
    expect(t.draws).toEqual(reference.draws);
    expect(t.err).toContain(`data: ${tab}: read as tab-separated (its name ends in .tsv) with decimal points; --sep and --decimal say otherwise\n`);

    const s = await fit(semicolon);
    expect(s.code).toBe(0);
    expect(s.draws).toEqual(reference.draws);
    expect(s.err).toContain(
      `data: ${semicolon}: read as semicolon-separated (its header line has semicolons and no comma) with decimal commas (the default with --sep ';'); --sep and --decimal say otherwise\n`,
    );

    const e = await fit(excel);
    expect(e.code).toBe(0);
    expect(e.draws).toEqual(reference.draws);
    expect(e.err).toContain(`warning: ${excel}: left out columns 4 and 5 of the header, which have no name and no values (empty columns a spreadsheet exported)\n`);
    expect(e.err).not.toContain('read as');
  }, 120_000);

  it('a pipe file with --sep |: the run records it and nutmeg loo re-reads the file so', async () => {
    const out = join(dir, 'pipe-run');
    const r = await runNutmeg(['fit', '--data', pipe, ...settings, '--sep', '|', '--out', out, '--quiet']);
    expect(r.err).not.toMatch(/nutmeg:|read as/); // --quiet: no dialect line (warnings about the short chains only)
    expect(r.code).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8')) as { data: { sep?: string; decimal?: string } };
    expect(meta.data.sep).toBe('|');
    expect(meta.data.decimal).toBeUndefined();
    const loo = await runNutmeg(['loo', out, '--json']);
    expect(loo.err).not.toContain('nutmeg:');
    expect(loo.code).toBe(0);
    // scoring: a tab file's scores are the comma file's
    const fromComma = await runNutmeg(['score', out, '--data', comma, '--json', '--quiet']);
    const fromTab = await runNutmeg(['score', out, '--data', tab, '--json', '--quiet']);
    expect(fromComma.code).toBe(0);
    expect(fromTab.code).toBe(0);
    expect(fromTab.out).toBe(fromComma.out.replaceAll(comma, tab));
  }, 120_000);

  it('mistakes exit 2 with one line: a point in a decimal-comma file, an unknown --sep, --sep with a simulated set', async () => {
    const bad = write('bad.csv', ['y;x', '1;0,5', '0;0.25', ...rows.map((r) => `${r.y};${r.x.replace('.', ',')}`)].join('\n') + '\n');
    const point = await runNutmeg(['fit', '--data', bad, ...settings]);
    expect(point.code).toBe(2);
    expect(point.err).toMatch(/^nutmeg: .*bad\.csv, line 3, column "x": "0\.25" has a point, but the file is read with decimal commas \(the default with --sep ';'\); give --decimal \. if/m);
    expect(point.err.split('\n').filter((l) => l.startsWith('nutmeg:'))).toHaveLength(1);
    const sep = await runNutmeg(['fit', '--data', comma, ...settings, '--sep', 'colon']);
    expect(sep.code).toBe(2);
    expect(sep.err).toBe('nutmeg: --sep must be one of , ; tab (or \\t) |; got "colon"\n');
    const both = await runNutmeg(['fit', '--data', comma, ...settings, '--decimal', ',']);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/^nutmeg: --decimal , needs a separator other than the comma, and .*d\.csv is read as comma-separated/);
    const sim = await runNutmeg(['fit', '--data', 'sim:hillstrom', '--rows', '100', ...settings, '--sep', 'tab']);
    expect(sim.code).toBe(2);
    expect(sim.err).toBe('nutmeg: --sep and --decimal say how a CSV file is written; drop them for the built-in data set "sim:hillstrom"\n');
  }, 120_000);

  it('--sep or --decimal with a Parquet or Arrow IPC file is a mistake: exit 2, one line naming the flag and the file', async () => {
    const table = new Table({
      y: vectorFromArray(rows.map((r) => r.y), new Float64()),
      x: vectorFromArray(rows.map((r) => Number(r.x)), new Float64()),
    });
    const pq = join(dir, 'd.parquet');
    writeFileSync(pq, parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream'))));
    const arrow = join(dir, 'd.arrow');
    writeFileSync(arrow, tableToIPC(table, 'file'));
    const plain = await runNutmeg(['fit', '--data', pq, ...settings]);
    expect(plain.code).toBe(0); // the file itself fits
    const sep = await runNutmeg(['fit', '--data', pq, ...settings, '--sep', ';']);
    expect(sep.code).toBe(2);
    expect(sep.err).toBe(`nutmeg: --sep says how a CSV file is written, but ${pq} is a Parquet file (its columns and types come from its schema); drop it\n`);
    const both = await runNutmeg(['fit', '--data', arrow, ...settings, '--sep', 'tab', '--decimal', ',']);
    expect(both.code).toBe(2);
    expect(both.err).toBe(`nutmeg: --sep and --decimal say how a CSV file is written, but ${arrow} is an Arrow IPC file (its columns and types come from its schema); drop them\n`);
    // score reads its rows block by block (row-blocks.ts): the same line
    const out = join(dir, `run${++runs}`);
    expect((await runNutmeg(['fit', '--data', comma, ...settings, '--out', out])).code).toBe(0);
    const score = await runNutmeg(['score', out, '--data', pq, '--decimal', '.', '--out', join(dir, 'scores.csv')]);
    expect(score.code).toBe(2);
    expect(score.err).toBe(`nutmeg: --decimal says how a CSV file is written, but ${pq} is a Parquet file (its columns and types come from its schema); drop it\n`);
  }, 120_000);

  it('its, mmm and clv take --sep and --decimal too (and choose as fit does without them)', async () => {
    const commaSeries = write('series.csv', 'date,sales\n2023-01-01,1.5\n2023-01-03,2\n2023-01-02,3\n');
    const semiSeries = write('series-semi.csv', 'date;sales\n2023-01-01;1,5\n2023-01-03;2\n2023-01-02;3\n');
    const its = (data: string, ...extra: string[]): Promise<{ code: number; err: string }> =>
      runNutmeg(['its', '--data', data, '--time', 'date', '--outcome', 'sales', '--intervention', '2023-01-02', '--quiet', ...extra]);
    const fromComma = await its(commaSeries);
    expect(fromComma.code).toBe(2); // the dates are out of order: an error about the file's contents, once read
    expect(fromComma.err).toMatch(/^nutmeg: .*series\.csv/);
    expect((await its(semiSeries)).err).toBe(fromComma.err.replaceAll(commaSeries, semiSeries));
    expect((await its(semiSeries, '--sep', ';', '--decimal', ',')).err).toBe(fromComma.err.replaceAll(commaSeries, semiSeries));
    const mmm = await runNutmeg(['mmm', '--data', commaSeries, '--date', 'date', '--outcome', 'sales', '--channels', 'tv', '--sep', 'colon']);
    expect(mmm.code).toBe(2);
    expect(mmm.err).toBe('nutmeg: --sep must be one of , ; tab (or \\t) |; got "colon"\n');
    const clv = await runNutmeg(['clv', '--data', commaSeries, '--customer', 'c', '--date', 'date', '--amount', 'sales', '--decimal', ';']);
    expect(clv.code).toBe(2);
    expect(clv.err).toBe('nutmeg: --decimal must be . or , (the decimal mark of the file\'s numbers); got ";"\n');
  }, 120_000);
});
