import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  requireBinaryOutcome,
  requireColumn,
  requireCountOutcome,
  requireFamilyOutcome,
  requireNoMissing,
  requireNumeric,
} from '../../src/data/checks.js';
import { readCsv } from '../../src/data/csv.js';
import {
  booleanColumn,
  categoricalColumn,
  frameFromColumns,
  frameRows,
  numericColumn,
  rowLocation,
  withColumns,
} from '../../src/data/frame-build.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csvFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const path = csvFile(
  'data.csv',
  'recency,segment,y,k,n,pro\n3,a,0,1,2,true\n5,b,1,0,3,false\n"7",c,2,2,1,true\n,a,1,1.5,2,false\n',
);
const frame = readCsv(path);

describe('requireColumn', () => {
  it('returns the column', () => {
    expect(requireColumn(frame, 'segment', 'formula').kind).toBe('categorical');
  });
  it('opens the message with the context only when one is given', () => {
    expect(userErrorOf(() => requireNumeric(frame, 'zzzz'))).toBe(
      `${path} has no column "zzzz"; the columns are: recency, segment, y, k, n, pro`,
    );
  });
  it('lists the columns that exist and suggests a close name', () => {
    expect(userErrorOf(() => requireColumn(frame, 'recncy', 'formula term "recncy" (position 14)'))).toBe(
      `formula term "recncy" (position 14): ${path} has no column "recncy" (did you mean "recency"?); ` +
        'the columns are: recency, segment, y, k, n, pro',
    );
    expect(userErrorOf(() => requireColumn(frame, 'zzzz', 'formula'))).toBe(
      `formula: ${path} has no column "zzzz"; the columns are: recency, segment, y, k, n, pro`,
    );
  });
  it('suggests up to three near names: prefixes and contained names too, closest first', () => {
    // "rec" is 4 edits from "recency" but its start
    expect(userErrorOf(() => requireColumn(frame, 'rec'))).toMatch(/has no column "rec" \(did you mean "recency"\?\);/);
    const wide = frameFromColumns(
      ['history', 'history_z', 'history_segment', 'recency'].map((n) => numericColumn(n, Float64Array.of(1))),
      'wide',
    );
    expect(userErrorOf(() => requireColumn(wide, 'histroy'))).toBe(
      'wide has no column "histroy" (did you mean "history"?); the columns are: history, history_z, history_segment, recency',
    );
    expect(userErrorOf(() => requireColumn(wide, 'hist'))).toBe(
      'wide has no column "hist" (did you mean "history", "history_z" or "history_segment"?); the columns are: history, history_z, history_segment, recency',
    );
  });
});

describe('requireNoMissing', () => {
  it('passes a complete column', () => {
    expect(() => requireNoMissing(frame, 'segment')).not.toThrow();
  });
  it('names file, line and column of the first missing value', () => {
    expect(userErrorOf(() => requireNoMissing(frame, 'recency'))).toBe(
      `${path}, line 5, column "recency": value is missing (empty or NA); fill in or remove those rows, or leave the column out of the model`,
    );
  });
  it('counts further missing rows, and uses 1-based rows for in-memory data', () => {
    const mem = frameFromColumns(
      [numericColumn('x', Float64Array.from([1, NaN, NaN, NaN]))],
      'simulated test (seed 1)',
      new Map([['x', Uint32Array.from([1, 2, 3])]]),
    );
    expect(userErrorOf(() => requireNoMissing(mem, 'x'))).toBe(
      'simulated test (seed 1), row 2, column "x": value is missing (empty or NA) (and 2 more rows); ' +
        'fill in or remove those rows, or leave the column out of the model',
    );
  });
});

describe('requireNumeric', () => {
  it('returns numeric values, and booleans as 0/1', () => {
    expect([...requireNumeric(frame, 'y')]).toEqual([0, 1, 2, 1]);
    expect([...requireNumeric(frame, 'pro')]).toEqual([1, 0, 1, 0]);
  });
  it('rejects a categorical column', () => {
    expect(userErrorOf(() => requireNumeric(frame, 'segment'))).toBe(
      `${path}: column "segment" is categorical (values "a", "b", "c"), not numeric; ` +
        'use it as a factor or compare it, e.g. I(segment == "a")',
    );
  });
});

describe('requireBinaryOutcome', () => {
  it('names file, line and value of an outcome that is not 0/1', () => {
    expect(userErrorOf(() => requireBinaryOutcome(frame, 'y'))).toBe(
      `${path}, line 4, column "y": value 2 is not 0 or 1, as a bernoulli outcome must be; recode it, or use "successes | trials(n) ~ …" for counts`,
    );
  });
  it('accepts 0/1 numbers and booleans', () => {
    const ok = withColumns(frame, [numericColumn('y', Float64Array.from([0, 1, 1, 0]))]);
    expect([...requireBinaryOutcome(ok, 'y')]).toEqual([0, 1, 1, 0]);
    expect([...requireBinaryOutcome(frame, 'pro')]).toEqual([1, 0, 1, 0]);
  });
  it('rejects missing outcomes', () => {
    expect(userErrorOf(() => requireBinaryOutcome(frame, 'recency'))).toContain('line 5, column "recency": value is missing');
  });
});

describe('an outcome column of text', () => {
  // found on lme4's VerbAgg (r2 = "N"/"Y") and MASS's bacteria (y = "n"/"y"): the predictor's advice, I(r2 == "N"),
  // is refused as an outcome (formula/parser.ts), so an outcome's message says to put the numbers in the data
  const text = readCsv(csvFile('text-outcome.csv', 'r2,g,x\nN,a,1\nY,b,2\nY,c,3\nN,a,4\n'));
  it('a two-level bernoulli outcome: the 0/1 column to add, second level as 1 (as R counts it)', () => {
    expect(userErrorOf(() => requireBinaryOutcome(text, 'r2', 'formula outcome "r2" at position 1'))).toBe(
      `formula outcome "r2" at position 1: ${text.source}: column "r2" is categorical (values "N", "Y"), not numeric; ` +
        'a bernoulli outcome must be numbers: add a 0/1 column to the data (1 where it is "Y", 0 where "N") and use that',
    );
  });
  it('more levels, another family, or trials: recode in the data, never I()', () => {
    expect(userErrorOf(() => requireBinaryOutcome(text, 'g'))).toMatch(/a bernoulli outcome must be numbers: recode it in the data$/);
    expect(userErrorOf(() => requireFamilyOutcome(text, 'r2', 'gaussian'))).toMatch(/a gaussian outcome must be numbers: recode it in the data$/);
    expect(userErrorOf(() => requireCountOutcome(text, 'x', 'g'))).toMatch(/column "g" .*; the trials must be numbers: recode it in the data$/);
    for (const f of [() => requireBinaryOutcome(text, 'r2'), () => requireFamilyOutcome(text, 'g', 'poisson')]) expect(userErrorOf(f)).not.toContain('I(');
  });
});

describe('requireCountOutcome', () => {
  it('rejects successes above trials and non-integers, naming the line', () => {
    expect(userErrorOf(() => requireCountOutcome(frame, 'k', 'n'))).toBe(
      `${path}, line 4, column "k": successes 2 is not a whole number between 0 and the trials (1); fix the value`,
    );
    const fixed = withColumns(frame, [numericColumn('n', Float64Array.from([2, 3, 2, 2]))]);
    expect(userErrorOf(() => requireCountOutcome(fixed, 'k', 'n'))).toBe(
      `${path}, line 5, column "k": successes 1.5 is not a whole number between 0 and the trials (2); fix the value`,
    );
  });
  it('rejects negative trials', () => {
    const bad = withColumns(frame, [numericColumn('n', Float64Array.from([2, -1, 2, 2]))]);
    expect(userErrorOf(() => requireCountOutcome(bad, 'k', 'n'))).toBe(
      `${path}, line 3, column "n": trials -1 is not a whole number ≥ 0; fix the value`,
    );
  });
  it('returns both columns when valid', () => {
    const ok = withColumns(frame, [
      numericColumn('k', Float64Array.from([1, 0, 2, 1])),
      numericColumn('n', Float64Array.from([2, 3, 2, 2])),
    ]);
    const out = requireCountOutcome(ok, 'k', 'n');
    expect([...out.successes]).toEqual([1, 0, 2, 1]);
    expect([...out.trials]).toEqual([2, 3, 2, 2]);
  });
});

describe('frame building', () => {
  it('withColumns replaces in place, appends new columns, and keeps file lines for messages', () => {
    const f = withColumns(frame, [numericColumn('y', new Float64Array(4)), booleanColumn('new', new Uint8Array(4))]);
    expect([...f.columns.keys()]).toEqual(['recency', 'segment', 'y', 'k', 'n', 'pro', 'new']);
    expect(rowLocation(f, 2)).toBe(`${path}, line 4`);
    expect(f.missing.get('recency')?.length).toBe(1);
  });
  it('frameRows keeps the chosen rows of every column, all levels, the missing cells among them and their file lines', () => {
    const f = frameRows(frame, Uint32Array.of(1, 3), 'subset');
    expect(f.nRows).toBe(2);
    expect([...(f.columns.get('y') as { values: Float64Array }).values]).toEqual([1, 1]);
    const seg = f.columns.get('segment') as { codes: Uint32Array; levels: string[] };
    expect(seg.levels).toEqual(['a', 'b', 'c']);
    expect([...seg.codes]).toEqual([1, 0]);
    expect([...(f.columns.get('pro') as { values: Uint8Array }).values]).toEqual([0, 0]);
    // recency is missing on data row 3 (file line 5), which is row 1 of the subset
    expect([...(f.missing.get('recency') ?? [])]).toEqual([1]);
    expect(rowLocation(f, 1)).toBe('subset, line 5');
  });
  it('rejects columns of different lengths, duplicate names and bad codes (programming errors)', () => {
    expect(() => frameFromColumns([numericColumn('a', new Float64Array(2)), numericColumn('b', new Float64Array(3))], 's')).toThrow(
      'column "b" has 3 rows, expected 2',
    );
    expect(() => frameFromColumns([numericColumn('a', new Float64Array(2)), numericColumn('a', new Float64Array(2))], 's')).toThrow(
      'duplicate column "a"',
    );
    expect(() => categoricalColumn('g', Uint32Array.from([0, 2]), ['x', 'y'])).toThrow('code 2 at row 1 is out of range');
  });
});
