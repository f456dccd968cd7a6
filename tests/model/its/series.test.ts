import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDataFile } from '../../../src/data/data-file.js';
import { itsDesign } from '../../../src/model/its/design.js';
import { dayIso, isoDay, readSeries } from '../../../src/model/its/series.js';
import { userErrorOf } from '../../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-its-series-'));

/** A CSV of daily rows from 2023-01-01 with the given edits, read as a Frame. */
function frameOf(name: string, rows: number, edit: (lines: string[]) => void = () => {}) {
  const lines = ['date,sales,price'];
  for (let d = 0; d < rows; d++) lines.push(`${dayIso(isoDay('2023-01-01')! + d)},${100 + d},${(d % 5) + 1}`);
  edit(lines);
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return { frame: readDataFile(path), path };
}

const COLS = { time: 'date', outcome: 'sales', intervention: '2023-01-21' };

describe('readSeries', () => {
  it('parses dates to days, splits at the intervention', () => {
    const { frame } = frameOf('ok.csv', 30);
    const s = readSeries(frame, { ...COLS, covariates: ['price'] });
    expect(s.timeKind).toBe('date');
    expect(s.nPre).toBe(20);
    expect(s.time[1] - s.time[0]).toBe(1);
    expect(s.time[0]).toBe(19358); // 2023-01-01 is day 19358 after 1970-01-01
    expect(s.covariates[0].values[2]).toBe(3);
  });

  it('accepts a numeric time column and a numeric intervention', () => {
    const { frame } = frameOf('numeric.csv', 30, (l) => l.forEach((line, i) => (l[i] = i === 0 ? line : `${i},${line.split(',').slice(1).join(',')}`)));
    const s = readSeries(frame, { ...COLS, intervention: '21' });
    expect(s.timeKind).toBe('number');
    expect(s.nPre).toBe(20);
  });

  it('names file line and column of each bad row', () => {
    const { frame: unsorted, path: p1 } = frameOf('unsorted.csv', 30, (l) => ([l[5], l[6]] = [l[6], l[5]]));
    expect(userErrorOf(() => readSeries(unsorted, COLS))).toBe(`${p1}, line 7, column "date": 2023-01-05 comes before the previous row's 2023-01-06; sort the rows by time`);
    const { frame: dup, path: p2 } = frameOf('dup.csv', 30, (l) => (l[8] = l[7]));
    expect(userErrorOf(() => readSeries(dup, COLS))).toBe(`${p2}, line 9, column "date": 2023-01-07 repeats the previous row's time; give one row per time`);
    const { frame: bad, path: p3 } = frameOf('baddate.csv', 30, (l) => (l[4] = '2023-02-30,1,1'));
    expect(userErrorOf(() => readSeries(bad, COLS))).toBe(`${p3}, line 5, column "date": '2023-02-30' is not a date of the form YYYY-MM-DD`);
    const { frame: missing, path: p4 } = frameOf('missing.csv', 30, (l) => (l[12] = `${l[12].split(',')[0]},,2`));
    expect(userErrorOf(() => readSeries(missing, COLS))).toBe(`${p4}, line 13, column "sales": the outcome is missing; fill it in or remove the row`);
  });

  it('refuses an intervention outside the data, and one the time column cannot hold', () => {
    const { frame } = frameOf('ok2.csv', 30);
    expect(userErrorOf(() => readSeries(frame, { ...COLS, intervention: '2022-12-01' }))).toBe(
      '--intervention 2022-12-01: on or before the first time (2023-01-01), so there is no pre-period; give a time after 2023-01-01',
    );
    expect(userErrorOf(() => readSeries(frame, { ...COLS, intervention: '2023-03-01' }))).toBe(
      '--intervention 2023-03-01: after the last time (2023-01-30), so there is no post-period; give a time up to 2023-01-30',
    );
    expect(userErrorOf(() => readSeries(frame, { ...COLS, intervention: '21' }))).toContain('not a date of the form YYYY-MM-DD');
    expect(userErrorOf(() => readSeries(frame, { ...COLS, outcome: 'revenue' }))).toContain('has no column "revenue"');
  });
});

describe('itsDesign', () => {
  it('standardizes trend and covariates on the pre-period and adds Fourier pairs', () => {
    const { frame } = frameOf('design.csv', 40);
    const s = readSeries(frame, { ...COLS, intervention: '2023-01-31', covariates: ['price'] });
    const d = itsDesign(s, { seasonality: 'weekly', fourier: 2 });
    expect(d.names).toEqual(['trend', 'sin_weekly_1', 'cos_weekly_1', 'sin_weekly_2', 'cos_weekly_2', 'price']);
    const P = d.names.length;
    let m = 0;
    let v = 0;
    for (let i = 0; i < d.nPre; i++) m += d.x[i * P];
    m /= d.nPre;
    for (let i = 0; i < d.nPre; i++) v += (d.x[i * P] - m) ** 2;
    expect(m).toBeCloseTo(0, 12);
    expect(v / (d.nPre - 1)).toBeCloseTo(1, 12);
    // sin(2π·t/7) with t in days since 1970-01-01
    expect(d.x[3 * P + 1]).toBeCloseTo(Math.sin((2 * Math.PI * (19358 + 3)) / 7), 10);
    expect(d.x[3 * P + 4]).toBeCloseTo(Math.cos((4 * Math.PI * (19358 + 3)) / 7), 10);
  });

  it('refuses too few pre-period points, a Fourier order the time step cannot resolve, a constant covariate', () => {
    const { frame } = frameOf('few.csv', 30);
    expect(userErrorOf(() => itsDesign(readSeries(frame, { ...COLS, intervention: '2023-01-09' })))).toBe(
      'the pre-period has 8 points (before 2023-01-09); 2 regression coefficients need at least 10 (10, and 2 per coefficient): move the intervention later or use fewer terms',
    );
    expect(userErrorOf(() => itsDesign(readSeries(frame, COLS), { seasonality: 'weekly', fourier: 4 }))).toBe(
      '--fourier 4: a time step of 1 days resolves a weekly cycle up to order 3; give --fourier 3 or less',
    );
    expect(userErrorOf(() => itsDesign(readSeries(frame, COLS), { fourier: 2 }))).toBe('--fourier 2: give --seasonality weekly or yearly with it');
    const { frame: numeric } = frameOf('numeric2.csv', 30, (l) => l.forEach((line, i) => (l[i] = i === 0 ? line : `${i},${line.split(',').slice(1).join(',')}`)));
    expect(userErrorOf(() => itsDesign(readSeries(numeric, { ...COLS, intervention: '21' }), { seasonality: 'yearly' }))).toBe(
      '--seasonality yearly: needs dates (YYYY-MM-DD) in the time column, which holds numbers',
    );
    const { frame: flat } = frameOf('flat.csv', 30, (l) => l.forEach((line, i) => i > 0 && (l[i] = line.replace(/,\d+$/, ',2'))));
    expect(userErrorOf(() => itsDesign(readSeries(flat, { ...COLS, covariates: ['price'] })))).toContain('--covariates price: constant in the pre-period');
  });
});
