/**
 * Reading only the formula's columns of a Parquet or Arrow IPC file (issue 16 item 3; src/data/load.ts columnsToRead,
 * DataOptions.columns; src/model/formula/columns.ts): `nutmeg fit`, `loo` and `summary` pass the formula's columns,
 * and the model built from the columns read equals the one built from the whole file — for a formula using 3 of the
 * simulated Hillstrom file's 12 columns, and for the pooled formula on the Hillstrom features (computed from segment,
 * recency and history, which are then read too). A column the file lacks is the same one-line error (exit 2) as when
 * every column was read.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dictionary, Int32, Table, Utf8, makeData, makeVector, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinDataset } from '../../src/data/datasets.js';
import { columnsToRead, loadData } from '../../src/data/load.js';
import { HILLSTROM_FORMULAS, HILLSTROM_SCHEMA } from '../../src/data/hillstrom.js';
import { buildModel } from '../../src/model/build.js';
import { columnsOfFormula } from '../../src/model/formula/columns.js';
import { scoringColumns } from '../../src/decision/scoring-columns.js';
import { loadRun } from '../../src/io/run-dir.js';
import { runNutmeg } from '../helpers/cli.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-formula-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The simulated Hillstrom set's 12 raw columns as an Arrow table (categorical columns dictionary-encoded, as bench/sim-parquet.ts writes them). */
function hillstromTable(rows: number): Table {
  const frame = builtinDataset('hillstrom', 1, rows, false).frame;
  const columns: Record<string, ReturnType<typeof makeVector>> = {};
  for (const c of frame.columns.values()) {
    if (c.kind === 'categorical') {
      const type = new Dictionary(new Utf8(), new Int32());
      columns[c.name] = makeVector(makeData({ type, length: rows, data: Int32Array.from(c.codes), dictionary: vectorFromArray(c.levels, new Utf8()) }));
    } else columns[c.name] = makeVector(c.values);
  }
  return new Table(columns);
}

const table = hillstromTable(3000);
const pq = join(dir, 'hillstrom.parquet');
writeFileSync(pq, parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream'))));
const arrow = join(dir, 'hillstrom.arrow');
writeFileSync(arrow, tableToIPC(table, 'file'));
const NAMES = Object.keys(HILLSTROM_SCHEMA);

describe('columnsOfFormula', () => {
  it('names the outcome, trials, terms, transforms, comparisons, offsets and grouping columns once each', () => {
    expect(columnsOfFormula('y | trials(n) ~ x + log(z) + I(s == "a") + poly(w, 2) + offset(log(e)) + (1 + x | g/h) + (0 + v || k:m)')).toEqual([
      'y',
      'n',
      'x',
      'z',
      's',
      'w',
      'e',
      'g',
      'h',
      'v',
      'k',
      'm',
    ]);
    expect(columnsOfFormula('y ~ ')).toBeUndefined();
  });

  it('columnsToRead: the needed columns in file order; the Hillstrom features by their sources; every column when one is absent', () => {
    expect(columnsToRead(NAMES, ['conversion', 'zip_code', 'mens'], {})).toEqual(['mens', 'zip_code', 'conversion']);
    expect(columnsToRead(NAMES, columnsOfFormula(HILLSTROM_FORMULAS.pooled) ?? [], {})).toEqual([
      'recency',
      'history',
      'mens',
      'womens',
      'newbie',
      'segment',
      'conversion',
    ]);
    // no features for rows to score
    expect(columnsToRead(NAMES, ['conversion', 'treatment'], { features: false })).toBeNull();
    // a column whose type a flag states is read (and checked) as before
    expect(columnsToRead(NAMES, ['conversion'], { types: { channel: 'categorical' } })).toEqual(['channel', 'conversion']);
    expect(columnsToRead(NAMES, ['conversion', 'nosuch'], {})).toBeNull();
  });
});

describe('a formula reads only its columns of a Parquet or Arrow IPC file', () => {
  for (const [format, file] of [
    ['Parquet', pq],
    ['Arrow IPC', arrow],
  ] as const) {
    it(`${format}: 3 of 12 columns, and the pooled formula's 7, give the model of the whole file`, () => {
      for (const [formula, read] of [
        ['conversion ~ mens + (1 | zip_code)', ['mens', 'zip_code', 'conversion']],
        [HILLSTROM_FORMULAS.pooled, ['recency', 'history', 'mens', 'womens', 'newbie', 'segment', 'conversion', 'treatment', 'recency_z', 'history_z']],
      ] as const) {
        const whole = loadData(file, 1).frame;
        const some = loadData(file, 1, undefined, { columns: columnsOfFormula(formula) }).frame;
        expect([...some.columns.keys()]).toEqual(read);
        expect(whole.columns.size).toBe(15);
        expect(some.nRows).toBe(3000);
        const a = buildModel(whole, formula);
        const b = buildModel(some, formula);
        expect(b.spec).toEqual(a.spec);
        expect(b.recipe).toEqual(a.recipe);
        expect(b.warnings).toEqual(a.warnings);
      }
    });

    it(`${format}: a column the file lacks is the same one-line error as when every column is read`, () => {
      const formula = 'conversion ~ mens + zipcode';
      const whole = userErrorOf(() => buildModel(loadData(file, 1).frame, formula));
      const some = userErrorOf(() => buildModel(loadData(file, 1, undefined, { columns: columnsOfFormula(formula) }).frame, formula));
      expect(some).toBe(whole);
      expect(some).toContain('has no column "zipcode"');
      expect(some).toContain(`the columns are: ${NAMES.join(', ')}`);
    });
  }

  it('nutmeg fit: exit 2 and that one line for a formula column the file lacks; 3 of 12 columns give the draws of the simulated set', async () => {
    const missing = await runNutmeg(['fit', '--data', pq, '--formula', 'conversion ~ mens + zipcode', '--quiet']);
    expect(missing.code).toBe(2);
    const lines = missing.err.trim().split('\n');
    expect(lines.length).toBe(1);
    expect(lines[0]).toContain(userErrorOf(() => buildModel(loadData(pq, 1).frame, 'conversion ~ mens + zipcode')));
    // the file holds sim:hillstrom's 3000 rows of seed 1: the same fit from the file's 3 columns and from the simulator
    const args = ['--formula', 'conversion ~ mens + (1 | zip_code)', '--chains', '1', '--warmup', '20', '--draws', '20', '--backend', 'reference', '--quiet', '--seed', '1'];
    const a = await runNutmeg(['fit', '--data', 'sim:hillstrom', '--rows', '3000', ...args, '--out', join(dir, 'run-sim')]);
    const b = await runNutmeg(['fit', '--data', pq, ...args, '--out', join(dir, 'run-parquet')]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const draws = (run: string): string[] =>
      readFileSync(join(dir, run, 'chain-1.csv'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(draws('run-sim').length).toBe(21);
    expect(draws('run-parquet')).toEqual(draws('run-sim'));
    // nutmeg loo re-reads the file (its formula's columns only) and rebuilds the same model
    const looSim = await runNutmeg(['loo', join(dir, 'run-sim'), '--json', '--backend', 'reference']);
    const looParquet = await runNutmeg(['loo', join(dir, 'run-parquet'), '--json', '--backend', 'reference']);
    expect([looSim.code, looParquet.code]).toEqual([0, 0]);
    expect(looParquet.out).toBe(looSim.out);
  });

  it('nutmeg score reads the columns scoring needs: the ranked file of the pooled run equals the simulated set\'s; --id of an absent column lists every column', async () => {
    const run = join(dir, 'run-pooled');
    const fit = await runNutmeg(['fit', '--data', pq, '--model', 'pooled', '--chains', '1', '--warmup', '20', '--draws', '20', '--backend', 'reference', '--quiet', '--seed', '1', '--out', run]);
    expect(fit.code).toBe(0);
    // what score reads of the file: the model's raw columns, the outcome, and the features' sources (not the other 5)
    const { needed, optional } = scoringColumns(loadRun(run, 'test').meta.recipe);
    expect(columnsToRead(NAMES, needed, { features: false, optionalColumns: optional })).toEqual(['recency', 'history', 'mens', 'womens', 'newbie', 'segment', 'conversion']);
    const fromFile = join(dir, 'ranked-file.csv');
    const fromSim = join(dir, 'ranked-sim.csv');
    const a = await runNutmeg(['score', run, '--data', pq, '--out', fromFile, '--quiet', '--block-rows', '1000']);
    const b = await runNutmeg(['score', run, '--data', 'sim:hillstrom', '--rows', '3000', '--seed', '1', '--out', fromSim, '--quiet']);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ranked = readFileSync(fromFile, 'utf8');
    expect(ranked.split('\n').length).toBeGreaterThan(3000);
    expect(ranked).toBe(readFileSync(fromSim, 'utf8'));
    const badId = await runNutmeg(['score', run, '--data', pq, '--id', 'customer', '--quiet']);
    expect(badId.code).toBe(2);
    expect(badId.err.trim().split('\n')).toEqual([expect.stringContaining(`has no column "customer"; columns: ${NAMES.join(', ')}`)]);
  });
});
