/**
 * The formula syntax end to end through the CLI: `nutmeg fit` with a*b, factor(), poly() and a numeric grouping
 * column records R's column names and the recipe; `nutmeg score` rebuilds the design for new rows from the recipe, and
 * a factor() value the model never saw exits 2 with one line naming the row and value.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';

describe('formula syntax through nutmeg fit and score', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nutmeg-formula-'));
  const csv = join(dir, 'data.csv');
  // 48 rows: period coded 1, 2, 10 (numbers), a 0/1 treatment, x on 6 values, store a numeric grouping column
  const lines = ['y,treatment,period,x,store'];
  for (let i = 0; i < 48; i++) lines.push(`${(i * 7) % 3 === 0 ? 1 : 0},${i % 2},${[1, 2, 10][i % 3]},${i % 6},${[5, 40, 300][(i >> 2) % 3]}`);
  writeFileSync(csv, lines.join('\n') + '\n');
  const out = join(dir, 'run');
  const formula = 'y ~ treatment*factor(period) + poly(x, 2) + (1 | factor(store))';

  it('fits with R column names and a replayable recipe', async () => {
    const r = await runNutmeg([
      'fit', '--data', csv, '--formula', formula, '--chains', '1', '--warmup', '30', '--draws', '30',
      '--backend', 'reference', '--seed', '3', '--quiet', '--out', out,
    ]);
    expect(r.err.split('\n').filter((l) => l.startsWith('nutmeg:'))).toEqual([]);
    expect(r.code).toBe(0);
    const meta = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(meta.recipe.fixed.map((c: { name: string }) => c.name)).toEqual([
      'Intercept', 'treatment', 'factor(period)2', 'factor(period)10', 'poly(x, 2)1', 'poly(x, 2)2',
      'treatment:factor(period)2', 'treatment:factor(period)10',
    ]);
    expect(meta.recipe.groups[0]).toMatchObject({ name: 'store', levels: ['5', '40', '300'] });
    const poly = meta.recipe.variables.find((v: { label: string }) => v.label === 'poly(x, 2)');
    // x = 0..5 eight times each: alpha = (2.5, 2.5), norm2 = (1, 48, 8·17.5, 8·(Σ(x−2.5)⁴ − 6·(35/12)²))
    expect(poly.recipe.alpha[0]).toBeCloseTo(2.5, 12);
    expect(poly.recipe.norm2[2]).toBeCloseTo(140, 9);
    // the CmdStan CSV quotes names with a comma (RFC 4180), so the header keeps one column per parameter
    const header = readFileSync(join(out, 'chain-1.csv'), 'utf8').split('\n').find((l) => !l.startsWith('#')) as string;
    expect(header).toContain(',"b_poly(x, 2)1","b_poly(x, 2)2",b_treatment:factor(period)2,');
  }, 120_000);

  it('scores new rows with the training levels; an unseen factor() value exits 2 naming row and value', async () => {
    const fresh = join(dir, 'new.csv');
    writeFileSync(fresh, 'treatment,period,x,store\n1,10,2.5,40\n0,1,7,999\n');
    const ok = await runNutmeg(['score', out, '--data', fresh, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).top).toHaveLength(2);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'treatment,period,x,store\n1,10,2.5,40\n0,3,1,5\n');
    const r = await runNutmeg(['score', out, '--data', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^nutmeg: formula term 'factor\(period\)': column 'period' has level '3' at .*bad\.csv, line 3, which the model does not know; known levels: 1, 2, 10\n$/);
  }, 120_000);
});
