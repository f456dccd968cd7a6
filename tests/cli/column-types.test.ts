/**
 * --factor and --numeric: parsing the flags, and through `nutmeg fit` (main): a column with a typo stops the fit with
 * exit 2 and one line naming the cell; --factor makes the same file fit, and the run remembers the stated types so
 * that `nutmeg loo` rebuilds the model from the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { columnTypeRequest } from '../../src/cli/column-types.js';
import { runNutmeg } from '../helpers/cli.js';
import { userErrorOf } from '../helpers/user-error.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-coltypes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('columnTypeRequest', () => {
  it('takes repeated flags and comma lists', () => {
    expect(columnTypeRequest({ factor: ['zip, store', 'region'], numeric: ['age'] })).toEqual({
      types: { zip: 'categorical', store: 'categorical', region: 'categorical', age: 'numeric' },
      typeOrigin: { zip: '--factor', store: '--factor', region: '--factor', age: '--numeric' },
    });
    expect(columnTypeRequest({})).toEqual({ types: {}, typeOrigin: {} });
  });
  it('refuses a column given to both flags, and an empty name', () => {
    expect(userErrorOf(() => columnTypeRequest({ factor: ['a,store'], numeric: ['store'] }))).toBe(
      'column "store" is given to both --factor and --numeric; choose one',
    );
    expect(userErrorOf(() => columnTypeRequest({ factor: ['a,,b'], numeric: [] }))).toBe(
      '--factor: empty column name in "a,,b"; give column names separated by commas',
    );
  });
});

describe('nutmeg fit --data with a typo in a column', () => {
  // 48 rows: a 0/1 outcome, a numeric x, and a store code that is mostly numbers with one "x7"
  const lines = ['y,x,store'];
  for (let i = 0; i < 48; i++) {
    const store = i === 9 ? 'x7' : String(1 + (i % 3));
    lines.push(`${(i * 7) % 5 < 2 ? 1 : 0},${((i % 11) - 5) / 4},${store}`);
  }
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, lines.join('\n') + '\n');
  const tiny = ['--formula', 'y ~ x + (1 | store)', '--chains', '1', '--warmup', '30', '--draws', '30', '--backend', 'reference', '--quiet'];

  it('exits 2 with one line naming file, line, column and value; --factor makes it run and loo rebuilds it', async () => {
    const refused = await runNutmeg(['fit', '--data', bad, ...tiny]);
    expect(refused.code).toBe(2);
    expect(refused.err).toBe(
      `nutmeg: ${bad}, line 11, column "store": "x7" is not a number; the column's other values are numbers, so repair the cell ` +
        '(a missing value is an empty cell or NA), or pass --factor store if the column is categorical\n',
    );
    expect(refused.out).toBe('');

    const out = join(dir, 'run');
    const fitted = await runNutmeg(['fit', '--data', bad, ...tiny, '--factor', 'store', '--out', out]);
    expect(fitted.code).toBe(0);
    expect(fitted.out).toContain('sd_store__Intercept');
    const meta = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8')) as { data: { types?: Record<string, string> } };
    expect(meta.data.types).toEqual({ store: 'categorical' });
    const loo = await runNutmeg(['loo', out, '--json']);
    expect(loo.err).not.toContain('nutmeg:');
    expect(loo.code).toBe(0);

    // scoring reads the model's columns as the fit did (its --factor, from fit.json), or as the flags given say
    const remembered = await runNutmeg(['score', out, '--data', bad, '--quiet']);
    expect(remembered.err).toBe('');
    expect(remembered.code).toBe(0);
    const scored = await runNutmeg(['score', out, '--data', bad, '--factor', 'store', '--quiet']);
    expect(scored.err).toBe('');
    expect(scored.code).toBe(0);
    const unscored = await runNutmeg(['score', out, '--data', bad, '--numeric', 'store']);
    expect(unscored.code).toBe(2);
    expect(unscored.err).toContain('column "store": "x7" is not a number');
  }, 120_000);

  it('a model without the column fits, and loo and score read the file as the fit did (Cars93: Cylinders = "rotary")', async () => {
    const out = join(dir, 'run-without-store');
    const fitted = await runNutmeg(['fit', '--data', bad, ...tiny.map((a) => (a === 'y ~ x + (1 | store)' ? 'y ~ x' : a)), '--out', out]);
    expect(fitted.err).not.toContain('nutmeg:'); // (30 draws: an R-hat warning may come)
    expect(fitted.code).toBe(0);
    const loo = await runNutmeg(['loo', out, '--json']);
    expect(loo.code).toBe(0);
    const scored = await runNutmeg(['score', out, '--data', bad, '--quiet']);
    expect(scored.err).toBe('');
    expect(scored.code).toBe(0);
  }, 120_000);

  it('--numeric forces a column, unknown columns and both flags exit 2 naming the flag', async () => {
    const forced = await runNutmeg(['fit', '--data', bad, ...tiny, '--numeric', 'x,store']);
    expect(forced.code).toBe(2);
    expect(forced.err).toMatch(/^nutmeg: .*, line 11, column "store": "x7" is not a number; the column is read as numbers, so repair the cell/);
    const unknown = await runNutmeg(['fit', '--data', bad, ...tiny, '--factor', 'shop']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(`nutmeg: --factor "shop": ${bad} has no such column; the columns are: y, x, store\n`);
    const both = await runNutmeg(['fit', '--data', bad, ...tiny, '--factor', 'store', '--numeric', 'store']);
    expect(both.code).toBe(2);
    expect(both.err).toBe('nutmeg: column "store" is given to both --factor and --numeric; choose one\n');
    const simulated = await runNutmeg(['fit', '--data', 'sim:hillstrom', '--rows', '100', ...tiny, '--factor', 'store']);
    expect(simulated.code).toBe(2);
    expect(simulated.err).toBe('nutmeg: column types (--factor, --numeric) apply to a CSV file, not to the built-in data set "sim:hillstrom"\n');
    const analyze = await runNutmeg(['analyze', 'hillstrom', '--factor', 'zip_code', '--quiet']);
    expect(analyze.code).toBe(2);
    expect(analyze.err).toBe('nutmeg: --factor and --numeric apply to a data file; give it with --data FILE\n');
  });

  it('abtest takes the flags too', async () => {
    const abtest = await runNutmeg(['abtest', '--data', bad, '--arm', 'store', '--outcome', 'y', '--draws', '1000']);
    expect(abtest.code).toBe(2);
    expect(abtest.err).toContain('pass --factor store');
    const typed = await runNutmeg(['abtest', '--data', bad, '--arm', 'store', '--outcome', 'y', '--draws', '1000', '--factor', 'store']);
    expect(typed.code).toBe(0);
    expect(typed.out).toContain('x7');
  });
});
