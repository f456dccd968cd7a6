import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CBPP_PATH, SMALL_FORMULAS, logisticCsv } from '../../bench/small-data.js';
import { readCsv } from '../../src/data/csv.js';
import { buildModel } from '../../src/model/build.js';

function frameOf(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'nutmeg-small-')), 'data.csv');
  writeFileSync(file, text);
  return readCsv(file);
}

describe('small-model bench data (issue 16 item 6)', () => {
  it('cbpp (lme4): 56 rows, 15 herds, incidence out of size; the binomial model has 4 + 1 + 15 parameters', () => {
    const built = buildModel(readCsv(CBPP_PATH), SMALL_FORMULAS.cbpp);
    expect(built.spec.n).toBe(56);
    expect(built.spec.family).toBe('binomial');
    expect(built.spec.groups[0].levels).toHaveLength(15);
    expect(built.spec.fixed.names).toEqual(['Intercept', 'factor(period)2', 'factor(period)3', 'factor(period)4']);
    expect(built.spec.dim).toBe(20);
    // totals computed in R: sum(cbpp$incidence) = 99, sum(cbpp$size) = 842
    let cases = 0;
    let size = 0;
    for (let i = 0; i < 56; i++) {
      expect(built.spec.y[i]).toBeLessThanOrEqual(built.spec.trials![i]);
      cases += built.spec.y[i];
      size += built.spec.trials![i];
    }
    expect([cases, size]).toEqual([99, 842]);
  });

  it('logistic: 3,000 rows, 4 coefficients; the same seed gives the same text', () => {
    const built = buildModel(frameOf(logisticCsv()), SMALL_FORMULAS.logistic);
    expect(built.spec.n).toBe(3000);
    expect(built.spec.fixed.names).toHaveLength(4);
    expect(logisticCsv()).toBe(logisticCsv());
    expect(logisticCsv(1)).not.toBe(logisticCsv(2));
  });
});
