import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIsoDay, parseWeeks } from '../../../src/analyses/clv/dates.js';
import { rfmSummary } from '../../../src/analyses/clv/rfm.js';
import { readDataFile } from '../../../src/data/data-file.js';
import { clvTransactionsFrame, rfmFromEvents, simulateClvEvents } from '../../../src/data/simulate/clv.js';
import { userErrorOf } from '../../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-rfm-'));
const COLUMNS = { customer: 'id', date: 'date', amount: 'amount' };
const TYPES = { types: { id: 'categorical', date: 'categorical', amount: 'numeric' } } as const;

function csv(name: string, text: string) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return readDataFile(path, TYPES);
}

describe('RFM summary of transactions', () => {
  // A: first buys 2024-01-01, again 01-15 (twice that day: one purchase of 30 + 10), 01-29; holdout purchase 03-04.
  // B: one purchase 2024-01-08. C: first buys in the holdout period (left out). Data end 2024-03-11.
  const frame = csv(
    'small.csv',
    'id,date,amount\nA,2024-01-01,50\nA,2024-01-15,30\nB,2024-01-08,20\nA,2024-01-15,10\nA,2024-01-29T14:05:00,60\nA,2024-03-04,5\nC,2024-03-01,7\nB,2024-03-11,1\n',
  );

  it('counts repeat purchase days, recency, age and mean repeat spend in weeks; the holdout after the calibration end', () => {
    const s = rfmSummary(frame, COLUMNS, { holdoutWeeks: 4 });
    expect(s.calibrationEnd).toBe('2024-02-12');
    expect(s.ids).toEqual(['A', 'B']);
    expect(s.leftOut).toBe(1);
    expect(Array.from(s.data.frequency)).toEqual([2, 0]);
    expect(Array.from(s.data.recency)).toEqual([4, 0]);
    expect(Array.from(s.data.age)).toEqual([6, 5]);
    expect(Array.from(s.data.meanSpend)).toEqual([50, 0]);
    expect(Array.from(s.holdout!.frequency)).toEqual([1, 1]);
    expect(Array.from(s.holdout!.spend)).toEqual([5, 1]);
    expect([s.firstDate, s.lastDate, s.transactions]).toEqual(['2024-01-01', '2024-03-11', 8]);
  });

  it('without a holdout the calibration period ends at the last date', () => {
    const s = rfmSummary(frame, COLUMNS);
    expect(s.holdout).toBeNull();
    expect(s.ids).toEqual(['A', 'B', 'C']);
    expect(Array.from(s.data.frequency)).toEqual([3, 1, 0]);
    expect(s.data.age[0]).toBe(10);
    expect(s.data.meanSpend[0]).toBeCloseTo((40 + 60 + 5) / 3, 12);
  });

  it('numeric customer ids work as ids (first appearance order)', () => {
    writeFileSync(join(dir, 'numeric.csv'), 'id,date,amount\n17,2024-01-01,5\n4,2024-01-02,3\n17,2024-01-09,8\n');
    const s = rfmSummary(readDataFile(join(dir, 'numeric.csv'), { types: { date: 'categorical' } }), COLUMNS);
    expect(s.ids).toEqual(['17', '4']);
    expect(Array.from(s.data.frequency)).toEqual([1, 0]);
  });

  it('bad input is one line naming the file line and column', () => {
    expect(userErrorOf(() => rfmSummary(csv('date.csv', 'id,date,amount\nA,2024-01-01,5\nA,2024-02-30,5\n'), COLUMNS))).toMatch(
      /date\.csv, line 3, column "date": "2024-02-30" is not a date; give dates as YYYY-MM-DD$/,
    );
    expect(userErrorOf(() => rfmSummary(csv('slash.csv', 'id,date,amount\nA,01/02/2024,5\n'), COLUMNS))).toMatch(/slash\.csv, line 2, column "date": "01\/02\/2024" is not a date/);
    expect(userErrorOf(() => rfmSummary(csv('neg.csv', 'id,date,amount\nA,2024-01-01,5\nB,2024-01-02,-3\n'), COLUMNS))).toMatch(
      /neg\.csv, line 3, column "amount": amount -3 is negative; returns and refunds are not purchases, leave them out$/,
    );
    expect(userErrorOf(() => rfmSummary(csv('noid.csv', 'id,date,amount\nA,2024-01-01,5\n,2024-01-02,3\n'), COLUMNS))).toMatch(
      /noid\.csv, line 3, column "id": missing customer id; every transaction needs one$/,
    );
    expect(userErrorOf(() => rfmSummary(frame, { ...COLUMNS, amount: 'spend' }))).toMatch(/^--amount "spend": .* has no such column \(columns: id, date, amount\)$/);
    expect(userErrorOf(() => rfmSummary(frame, COLUMNS, { holdoutWeeks: 20 }))).toMatch(/^--holdout 20w: the data span 10 weeks .* no calibration period is left/);
  });

  it('parses dates and durations', () => {
    expect(parseIsoDay('1970-01-02')).toBe(1);
    expect(parseIsoDay('2024-02-29')).toBe(19782);
    expect(parseIsoDay('2023-02-29')).toBeNull();
    expect(parseIsoDay('2024-1-5')).toBeNull();
    expect(parseWeeks('52w', '--horizon')).toBe(52);
    expect(parseWeeks('14d', '--horizon')).toBe(2);
    expect(userErrorOf(() => parseWeeks('12', '--horizon'))).toBe('--horizon "12": give a duration in weeks or days, such as 52w or 182d');
  });

  it('the simulator\'s transactions give the exact continuous-time summary up to rounding to days', () => {
    const events = simulateClvEvents({ seed: 4, customers: 400, weeks: 52 });
    const exact = rfmFromEvents(events, 52);
    const s = rfmSummary(clvTransactionsFrame(events, 'sim'), { customer: 'customer', date: 'date', amount: 'amount' });
    expect(s.data.n).toBe(400);
    let sameDay = 0;
    let minShift = Infinity;
    let maxShift = -Infinity;
    for (let i = 0; i < 400; i++) {
      // purchases on one day merge; recency and age move by less than a day
      expect(s.data.frequency[i]).toBeLessThanOrEqual(exact.frequency[i]);
      sameDay += exact.frequency[i] - s.data.frequency[i];
      if (s.data.frequency[i] === exact.frequency[i] && exact.frequency[i] > 0) {
        expect(Math.abs(s.data.recency[i] - exact.recency[i])).toBeLessThan(1 / 7 + 1e-12);
        expect(Math.abs(s.data.meanSpend[i] - exact.meanSpend[i])).toBeLessThan(0.006);
      }
      // age: the calibration end is the last purchase day here, a constant shift from week 52, plus under a day
      const shift = s.data.age[i] - exact.age[i];
      minShift = Math.min(minShift, shift);
      maxShift = Math.max(maxShift, shift);
    }
    expect(maxShift - minShift).toBeLessThan(1 / 7 + 1e-12);
    expect(sameDay).toBeLessThan(0.05 * exact.frequency.reduce((a, b) => a + b, 0));
  });
});
