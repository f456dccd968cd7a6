import { describe, expect, it } from 'vitest';
import { groupedInteger } from '../../src/report/integer-text.js';

describe('groupedInteger', () => {
  it('writes integers as toLocaleString("en-US") does', () => {
    for (const n of [0, 7, 999, 1000, 4096, 65_536, 1_000_000, 12_345_678, -1, -1234, -999_999, Number.MAX_SAFE_INTEGER]) {
      expect(groupedInteger(n)).toBe(n.toLocaleString('en-US'));
    }
  });

  it('leaves other numbers to toLocaleString', () => {
    expect(groupedInteger(1234.5)).toBe((1234.5).toLocaleString('en-US'));
  });
});
