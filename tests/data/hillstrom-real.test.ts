// Counts on the real Hillstrom file (../shared/data/hillstrom.csv), as stated in issue 2 and computed independently
// with Python's csv module: 21,306 control rows with 122 conversions, 42,694 e-mail rows with 456 conversions.
import { asFloat64 } from '../../src/data/frame-build.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from '../../src/data/frame.js';
import { HILLSTROM_SCHEMA, loadHillstrom } from '../../src/data/hillstrom.js';
import { simulateHillstrom } from '../../src/data/simulate/hillstrom.js';
import { hillstromPathOrNotice } from '../helpers/hillstrom.js';

const path = hillstromPathOrNotice('real Hillstrom data tests (tests/data/hillstrom-real.test.ts)');

function values(frame: Frame, name: string): Float64Array {
  const c = frame.columns.get(name);
  if (c?.kind !== 'numeric') throw new Error(`${name} is not numeric`);
  return asFloat64(c.values);
}

describe.skipIf(path === null)('real Hillstrom data', () => {
  // loaded in beforeAll: a skipped suite's body still runs, its hooks do not
  let frame: Frame;
  beforeAll(() => {
    frame = loadHillstrom(path ?? '');
  });

  it('has 64,000 rows and the schema, plus the three features', () => {
    expect(frame.nRows).toBe(64000);
    expect([...frame.columns.keys()]).toEqual([...Object.keys(HILLSTROM_SCHEMA), 'treatment', 'recency_z', 'history_z']);
    for (const [name, kind] of Object.entries(HILLSTROM_SCHEMA)) expect(frame.columns.get(name)?.kind).toBe(kind);
    expect(frame.missing.size).toBe(0);
  });

  it('treatment splits 21,306 control rows (122 conversions) from 42,694 e-mail rows (456 conversions)', () => {
    const treatment = values(frame, 'treatment');
    const conversion = values(frame, 'conversion');
    const rows = [0, 0];
    const conversions = [0, 0];
    for (let i = 0; i < frame.nRows; i++) {
      rows[treatment[i]]++;
      conversions[treatment[i]] += conversion[i];
    }
    expect(rows).toEqual([21306, 42694]);
    expect(conversions).toEqual([122, 456]);
  });

  it('standardizes recency and history to mean 0 and sample sd 1 (n − 1), in the original order', () => {
    for (const [raw, z] of [
      ['recency', 'recency_z'],
      ['history', 'history_z'],
    ]) {
      const x = values(frame, raw);
      const s = values(frame, z);
      let mean = 0;
      let ss = 0;
      for (let i = 0; i < s.length; i++) mean += s[i];
      mean /= s.length;
      for (let i = 0; i < s.length; i++) ss += (s[i] - mean) ** 2;
      expect(Math.abs(mean)).toBeLessThan(1e-12);
      expect(Math.sqrt(ss / (s.length - 1))).toBeCloseTo(1, 12);
      // affine in the raw values: z = (x − m) / sd, so (z_i − z_j) / (x_i − x_j) is constant
      const slope = (s[1] - s[0]) / (x[1] - x[0]);
      for (let i = 2; i < 100; i++) if (x[i] !== x[0]) expect((s[i] - s[0]) / (x[i] - x[0])).toBeCloseTo(slope, 12);
    }
  });

  it('the simulator has the same column names, types and level names', () => {
    const sim = simulateHillstrom({ seed: 1, n: 2000 }).frame;
    expect([...sim.columns.keys()]).toEqual(Object.keys(HILLSTROM_SCHEMA));
    for (const [name, column] of sim.columns) {
      const real = frame.columns.get(name);
      expect(column.kind).toBe(real?.kind);
      if (column.kind === 'categorical' && real?.kind === 'categorical') expect(column.levels).toEqual(real.levels);
    }
  });
});
