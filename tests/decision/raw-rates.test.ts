/**
 * Raw rates against counts made by hand, and (when ../shared/data/hillstrom.csv is present) the real file's counts
 * computed independently with Python's csv module: control 21,306 rows / 122 conversions, e-mail 42,694 / 456, and
 * per history segment.
 */
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { loadHillstrom } from '../../src/data/hillstrom.js';
import { rawRates, rawRatesOfFrame } from '../../src/decision/raw-rates.js';
import { hillstromPathOrNotice } from '../helpers/hillstrom.js';
import { userErrorOf } from '../helpers/user-error.js';

describe('rawRates', () => {
  it('counts by arm and segment; lift is treated − control', () => {
    const r = rawRates([0, 1, 1, 0, 1, 1], [0, 1, 0, 1, 0, 0], { codes: [0, 0, 0, 1, 1, 1], levels: ['a', 'b'] });
    expect(r.control).toEqual({ n: 2, conversions: 1, rate: 0.5 });
    expect(r.treated).toEqual({ n: 4, conversions: 1, rate: 0.25 });
    expect(r.rawLift).toBe(-0.25);
    expect(r.relativeLift).toBe(-0.5);
    expect(r.segments[0]).toEqual({ segment: 'a', control: { n: 1, conversions: 0, rate: 0 }, treated: { n: 2, conversions: 1, rate: 0.5 }, rawLift: 0.5 });
    expect(r.segments[1].rawLift).toBe(-1);
  });

  it('checks the frame\'s columns', () => {
    const frame = frameFromColumns(
      [numericColumn('t', Float64Array.from([0, 2])), numericColumn('y', Float64Array.from([0, 1])), categoricalColumn('s', Uint32Array.from([0, 0]), ['a'])],
      'f.csv',
    );
    expect(userErrorOf(() => rawRatesOfFrame(frame, { treatment: 't', outcome: 'y' }))).toMatch(/column "t": value 2 is not 0 or 1/);
    expect(userErrorOf(() => rawRatesOfFrame(frame, { treatment: 'y', outcome: 'y', segment: 'y' }))).toMatch(/not categorical/);
  });
});

const path = hillstromPathOrNotice('real-data raw rates (tests/decision/raw-rates.test.ts)');

describe.skipIf(path === null)('rawRatesOfFrame on the real Hillstrom file', () => {
  it('reproduces the counts by arm and by history segment exactly', () => {
    const r = rawRatesOfFrame(loadHillstrom(path!), { treatment: 'treatment', outcome: 'conversion', segment: 'history_segment' });
    expect([r.control.n, r.control.conversions, r.treated.n, r.treated.conversions]).toEqual([21306, 122, 42694, 456]);
    expect(r.rawLift).toBe(456 / 42694 - 122 / 21306);
    // [control rows, control conversions, e-mail rows, e-mail conversions] per segment (Python csv)
    const expected = [
      [7612, 32, 15358, 132],
      [4836, 20, 9418, 79],
      [4044, 28, 8245, 89],
      [2124, 24, 4285, 62],
      [1652, 9, 3259, 48],
      [622, 3, 1237, 24],
      [416, 6, 892, 22],
    ];
    expect(r.segments.map((s) => [s.control.n, s.control.conversions, s.treated.n, s.treated.conversions])).toEqual(expected);
    r.segments.forEach((s, k) => expect(s.rawLift).toBe(expected[k][3] / expected[k][2] - expected[k][1] / expected[k][0]));
  });
});
