import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { frameToCsv, writeCsv } from '../../src/data/csv-write.js';
import { builtinDataset } from '../../src/data/datasets.js';
import {
  HILLSTROM_FORMULAS,
  HILLSTROM_SCHEMA,
  addHillstromFeatures,
  loadHillstrom,
  standardize,
} from '../../src/data/hillstrom.js';
import { loadData } from '../../src/data/load.js';
import { simulateHillstrom } from '../../src/data/simulate/hillstrom.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-hillstrom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small simulated Hillstrom file, its cells optionally edited (lines[0] = the header, line 1 of the file). */
function hillstromFile(name: string, edit: (lines: string[][]) => void = () => {}): string {
  const lines = parse(frameToCsv(simulateHillstrom({ seed: 3, n: 50 }).frame));
  edit(lines);
  const text = lines.map((cells) => cells.map((c) => (c.includes(',') ? `"${c}"` : c)).join(',')).join('\n');
  const path = join(dir, name);
  writeFileSync(path, text + '\n');
  return path;
}

describe('standardize', () => {
  it('centres and divides by the n − 1 sample sd (closed form for 1, 2, 3, 4: sd = sqrt(5/3))', () => {
    const z = standardize(Float64Array.from([1, 2, 3, 4]), 'x');
    const sd = Math.sqrt(5 / 3);
    [-1.5, -0.5, 0.5, 1.5].forEach((d, i) => expect(z[i]).toBeCloseTo(d / sd, 14));
  });
  it('refuses a constant column', () => {
    expect(userErrorOf(() => standardize(Float64Array.from([2, 2, 2]), 'data.csv: column "recency"'))).toBe(
      'data.csv: column "recency" is constant (or has fewer than 2 rows), so it cannot be standardized',
    );
  });
});

describe('loadHillstrom', () => {
  it('reads back what the simulator writes, with features identical to the built-in data set', () => {
    const sim = builtinDataset('hillstrom', 11, 500);
    const path = join(dir, 'roundtrip.csv');
    const raw = simulateHillstrom({ seed: 11, n: 500 }).frame;
    writeCsv(raw, path);
    const loaded = loadHillstrom(path);
    expect([...loaded.columns.keys()]).toEqual([...sim.frame.columns.keys()]);
    for (const [name, column] of sim.frame.columns) expect(loaded.columns.get(name)).toEqual(column);
  });

  it('names the columns a file lacks', () => {
    const path = hillstromFile('lacking.csv', (lines) => {
      for (const cells of lines) cells.splice(10);
    });
    const header = Object.keys(HILLSTROM_SCHEMA).slice(0, 10).join(', ');
    expect(userErrorOf(() => loadHillstrom(path))).toBe(
      `${path}: expected columns "conversion", "spend" not found; the columns are: ${header}`,
    );
  });

  it('names a non-numeric cell in a numeric column', () => {
    const path = hillstromFile('text.csv', (lines) => {
      lines[4][0] = 'ten';
    });
    expect(userErrorOf(() => loadHillstrom(path))).toBe(
      `${path}, line 5, column "recency": "ten" is not a number; the column is read as numbers, so repair the cell (a missing value is an empty cell or NA)`,
    );
  });

  it('rejects an indicator that is not 0/1, and a missing value', () => {
    const notBinary = hillstromFile('mens.csv', (lines) => {
      lines[7][3] = '2';
    });
    expect(userErrorOf(() => loadHillstrom(notBinary))).toBe(
      `${notBinary}, line 8, column "mens": value 2 is not 0 or 1, as a Hillstrom indicator column must be; fix the value`,
    );
    const missing = hillstromFile('missing.csv', (lines) => {
      lines[9][0] = 'NA';
    });
    expect(userErrorOf(() => loadHillstrom(missing))).toBe(
      `${missing}, line 10, column "recency": value is missing (empty or NA); fill in or remove those rows, or leave the column out of the model`,
    );
  });

  it('needs the control segment to build treatment', () => {
    const path = hillstromFile('nocontrol.csv', (lines) => {
      for (const cells of lines) if (cells[8] === 'No E-Mail') cells[8] = 'Mens E-Mail';
    });
    expect(userErrorOf(() => loadHillstrom(path))).toBe(
      `${path}: column "segment" has no "No E-Mail" (control) rows; is this the Hillstrom data?`,
    );
  });
});

describe('loadData on a Hillstrom-schema file (types inferred, features added)', () => {
  it('infers the schema\'s types, adds the features, and reads the gzip-compressed file the same', () => {
    const path = hillstromFile('schema.csv');
    const { frame, truth } = loadData(path, 1);
    expect(truth).toBeNull();
    for (const [name, type] of Object.entries(HILLSTROM_SCHEMA)) expect([name, frame.columns.get(name)?.kind]).toEqual([name, type]);
    expect(frame.columns.get('recency_z')?.kind).toBe('numeric');
    expect(frame.columns.get('treatment')?.kind).toBe('numeric');
    const gz = join(dir, 'schema.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(path)));
    const zipped = loadData(gz, 1).frame;
    for (const [name, column] of frame.columns) expect(zipped.columns.get(name)).toEqual(column);
  });

  it('a typo in a numeric Hillstrom column stops the load instead of making it a factor', () => {
    const path = hillstromFile('typo.csv', (lines) => {
      lines[6][2] = '1e309';
    });
    expect(userErrorOf(() => loadData(path, 1))).toBe(
      `${path}, line 7, column "history": "1e309" overflows a double (the largest is about 1.8e308); the column's other values ` +
        'are numbers, so repair the cell (a missing value is an empty cell or NA), or pass --factor history if the column is categorical',
    );
    expect(userErrorOf(() => loadHillstrom(path))).toMatch(/line 7, column "history": "1e309" overflows a double .*; the column is read as numbers/);
  });
});

describe('addHillstromFeatures', () => {
  it('treatment is 1 exactly where segment is not "No E-Mail"', () => {
    const frame = addHillstromFeatures(simulateHillstrom({ seed: 5, n: 300 }).frame);
    const segment = frame.columns.get('segment');
    const treatment = frame.columns.get('treatment');
    expect(segment?.kind === 'categorical' && treatment?.kind === 'numeric').toBe(true);
    if (segment?.kind !== 'categorical' || treatment?.kind !== 'numeric') return;
    for (let i = 0; i < frame.nRows; i++) {
      expect(treatment.values[i]).toBe(segment.levels[segment.codes[i]] === 'No E-Mail' ? 0 : 1);
    }
  });

  it('formulas: the hierarchical model extends the pooled one, the crossed model the hierarchical one', () => {
    expect(HILLSTROM_FORMULAS.pooled).toBe('conversion ~ treatment + recency_z + history_z + mens + womens + newbie');
    expect(HILLSTROM_FORMULAS.hierarchical).toBe(`${HILLSTROM_FORMULAS.pooled} + (0 + treatment | history_segment)`);
    expect(HILLSTROM_FORMULAS.crossed).toBe(`${HILLSTROM_FORMULAS.hierarchical} + (1 | zip_code) + (1 | channel)`);
  });
});
