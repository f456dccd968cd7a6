/**
 * effects-draws.bin (src/io/effects-draws.ts): what is stored (z of non-centered terms, r of the others), the round
 * trip to float32 precision, and a damaged file refused in one UserError naming it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDrawSet } from '../../src/draws.js';
import { openEffectsDraws, readEffectsDraws, readEffectsValues, storedEffectNames, writeEffectsDraws } from '../../src/io/effects-draws.js';

const names = ['b_Intercept', 'sd_a__Intercept', 'sd_b__x', 'z_a__Intercept[1]', 'z_a__Intercept[2]', 'r_a__Intercept[1]', 'r_a__Intercept[2]', 'r_b__x[1]', 'r_b__x[2]', 'r_b__x[3]'];

function drawSet() {
  const ds = makeDrawSet(names, 2, 3);
  for (let i = 0; i < ds.values.length; i++) ds.values[i] = Math.sin(i + 1) * 10 ** ((i % 5) - 2);
  return ds;
}

describe('effects-draws.bin', () => {
  it('stores z of a non-centered term and r of a centered one', () => {
    expect(storedEffectNames(names)).toEqual(['z_a__Intercept[1]', 'z_a__Intercept[2]', 'r_b__x[1]', 'r_b__x[2]', 'r_b__x[3]']);
  });
  it('reads back what it wrote, to float32 precision, in DrawSet order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-ed-'));
    const ds = drawSet();
    expect(writeEffectsDraws(join(dir, 'e.bin'), ds)).toBe(5);
    const back = readEffectsDraws(join(dir, 'e.bin'), 2, 3);
    expect(back.names).toEqual(storedEffectNames(names));
    back.names.forEach((n, j) => {
      const v = names.indexOf(n);
      for (let i = 0; i < 6; i++) expect(back.values[j * 6 + i]).toBe(Math.fround(ds.values[v * 6 + i]));
    });
  });
  it('refuses a file cut short, of another shape, or not one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-ed-'));
    const path = join(dir, 'e.bin');
    writeEffectsDraws(path, drawSet());
    expect(() => readEffectsDraws(path, 2, 4)).toThrow(/e\.bin: not a nutmeg effects-draws file \(2 chains × 3 draws where the chain CSVs have 2 × 4\)/);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 4));
    expect(() => readEffectsDraws(path, 2, 3)).toThrow(/it was cut short\); refit with --out$/);
    writeFileSync(path, 'hello');
    expect(() => readEffectsDraws(path, 2, 3)).toThrow(/it does not start with NUTMEGD1/);
  });
  it('reads the values a few bytes at a time into a caller\'s array exactly as whole (blocks of 1, 2 and 7 values: 30 values end mid-block with 7)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-ed-'));
    const path = join(dir, 'e.bin');
    writeEffectsDraws(path, drawSet());
    const whole = readEffectsDraws(path, 2, 3).values;
    const file = openEffectsDraws(path, 2, 3);
    expect(file.names).toEqual(storedEffectNames(names));
    for (const blockBytes of [4, 8, 28]) {
      const target = new Float64Array(whole.length);
      readEffectsValues(file, target, blockBytes);
      expect(target).toEqual(whole);
    }
    expect(() => readEffectsValues(file, new Float64Array(whole.length - 1))).toThrow(/29 places for 30 values/);
  });
});
