import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_FORMULAS, herdsCsv, logisticCsv } from '../../bench/small-data.js';
import { readCsv } from '../../src/data/csv.js';
import { buildModel } from '../../src/model/build.js';

function frameOf(text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'nutmeg-small-')), 'data.csv');
  writeFileSync(file, text);
  return readCsv(file);
}

describe('small-model bench data (issue 16 item 6)', () => {
  it('herds: 56 rows, 15 herds of 3-4 periods, cases out of size; the binomial model has 17 parameters', () => {
    const built = buildModel(frameOf(herdsCsv()), SMALL_FORMULAS.herds);
    expect(built.spec.n).toBe(56);
    expect(built.spec.family).toBe('binomial');
    expect(built.spec.groups[0].levels).toHaveLength(15);
    expect(built.spec.dim).toBe(17);
    for (let i = 0; i < 56; i++) expect(built.spec.y[i]).toBeLessThanOrEqual(built.spec.trials![i]);
  });

  it('logistic: 3,000 rows, 4 coefficients; the same seed gives the same text', () => {
    const built = buildModel(frameOf(logisticCsv()), SMALL_FORMULAS.logistic);
    expect(built.spec.n).toBe(3000);
    expect(built.spec.fixed.names).toHaveLength(4);
    expect(logisticCsv()).toBe(logisticCsv());
    expect(herdsCsv(1)).not.toBe(herdsCsv(2));
  });
});
