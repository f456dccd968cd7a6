/** `nutmeg loo` and `nutmeg compare` end to end through main(): JSON shapes and values (reference: R loo 2.5.1
 * golden files in tests/fixtures/loo) and exit code 2 for user mistakes. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureOutput } from '../helpers/cli.js';
import { FIXTURES, maxRelError, numbers, readRCsv } from './fixtures.js';

afterEach(() => vi.restoreAllMocks());

const file = (m: string): string => `${FIXTURES}${m}.loglik.csv.gz`;

describe('nutmeg loo --loglik', () => {
  it('--json gives the issue\'s keys with R\'s values', async () => {
    const io = captureOutput();
    expect(await main(['node', 'nutmeg', 'loo', '--loglik', file('segment_slopes'), '--json'])).toBe(0);
    const json = JSON.parse(io.out());
    for (const key of ['elpd_loo', 'se_elpd_loo', 'p_loo', 'se_p_loo', 'looic', 'se_looic', 'pareto_k', 'pointwise']) {
      expect(json).toHaveProperty(key);
    }
    const ref = readRCsv('segment_slopes.loo.csv');
    expect(
      maxRelError(
        [json.elpd_loo, json.se_elpd_loo, json.p_loo, json.se_p_loo, json.looic, json.se_looic],
        [0, 1, 2].flatMap((i) => [ref.estimate[i] as number, ref.se[i] as number]),
      ),
    ).toBeLessThan(1e-6);
    const pw = readRCsv('segment_slopes.pointwise.csv');
    expect(json.pareto_k).toHaveLength(400);
    expect(maxRelError(json.pointwise.map((p: { elpd_loo: number }) => p.elpd_loo), numbers(pw.elpd_loo))).toBeLessThan(
      1e-9,
    );
  });

  it('--r-eff-one gives the r_eff = 1 numbers; text output has the estimates table', async () => {
    let io = captureOutput();
    await main(['node', 'nutmeg', 'loo', '--loglik', file('pooled'), '--r-eff-one', '--json']);
    const json = JSON.parse(io.out());
    expect(Math.abs(json.elpd_loo - -196.115929173358) / 196.1).toBeLessThan(1e-9);
    vi.restoreAllMocks();
    io = captureOutput();
    await main(['node', 'nutmeg', 'loo', '--loglik', file('cells')]);
    expect(io.out()).toMatch(/elpd_loo\s+-200\.9\s+11\.39/);
    expect(io.out()).toMatch(/\(0\.7, 1\]\s+\(bad\)\s+1\s/);
    expect(io.err()).toMatch(/warning: 1 of 400 observations/);
  });

  it('a directory that is not a run, a file given as RUN_DIR, or no input, exits 2 with a one-line message', async () => {
    const io = captureOutput();
    expect(await main(['node', 'nutmeg', 'loo', FIXTURES])).toBe(2);
    expect(io.err()).toMatch(/not a nutmeg run directory \(no fit\.json\)/);
    expect(await main(['node', 'nutmeg', 'loo', file('pooled')])).toBe(2);
    expect(io.err()).toMatch(/is not a directory; to read a log-likelihood CSV use --loglik/);
    expect(await main(['node', 'nutmeg', 'loo'])).toBe(2);
  });
});

describe('nutmeg compare --loglik', () => {
  it('--json ranks as loo_compare with the stacking maximum and R\'s stacking weights', async () => {
    const io = captureOutput();
    const args = ['node', 'nutmeg', 'compare', '--loglik', ...['pooled', 'crossed', 'segment_slopes'].map(file), '--json'];
    expect(await main(args)).toBe(0);
    const out = JSON.parse(io.out());
    expect(Object.keys(out).sort()).toEqual(['method', 'models', 'stacking']);
    expect(out.method).toBe('stacking');
    const rows = out.models;
    expect(rows.map((r: { model: string }) => r.model)).toEqual(['pooled', 'segment_slopes', 'crossed']);
    const keys = ['elpd_diff', 'elpd_loo', 'model', 'p_loo', 'se_diff', 'weight', 'weight_r'];
    expect(Object.keys(rows[0]).sort()).toEqual(keys);
    const ref = readRCsv('compare.csv');
    expect(Math.abs(rows[2].elpd_diff - (ref.elpd_diff[2] as number))).toBeLessThan(1e-6);
    expect(Math.abs(rows[2].se_diff - (ref.se_diff[2] as number))).toBeLessThan(1e-6);
    expect(rows.reduce((a: number, r: { weight: number }) => a + r.weight, 0)).toBeCloseTo(1, 12);
    expect(rows.reduce((a: number, r: { weight_r: number }) => a + r.weight_r, 0)).toBeCloseTo(1, 12);
    expect(Object.keys(out.stacking).sort()).toEqual([
      'converged',
      'kkt_residual',
      'max_weight_difference',
      'objective',
      'objective_r',
    ]);
    expect(out.stacking.converged).toBe(true);
    expect(out.stacking.objective).toBeGreaterThanOrEqual(out.stacking.objective_r - 1e-9);
  });

  it("all five golden models: weight_r is R's stacking_weights, weight the maximum; the table shows both", async () => {
    const io = captureOutput();
    const models = ['pooled', 'segment_slopes', 'crossed', 'cells', 'cells_unpooled'];
    expect(await main(['node', 'nutmeg', 'compare', '--loglik', ...models.map(file), '--json'])).toBe(0);
    const out = JSON.parse(io.out());
    const ref = readRCsv('weights.csv');
    type Row = { model: string; weight: number; weight_r: number };
    const byName = (m: string): Row => out.models.find((r: Row) => r.model === m);
    ref.model.forEach((m, k) => expect(Math.abs(byName(m as string).weight_r - (ref.stacking[k] as number))).toBeLessThan(1e-6));
    // seen: the maximum is 8.44e-5 above R's objective, the weights up to 6.9e-3 apart
    expect(out.stacking.objective - out.stacking.objective_r).toBeGreaterThan(5e-5);
    expect(out.stacking.max_weight_difference).toBeGreaterThan(5e-3);
    expect(byName('segment_slopes').weight).toBe(0);
    expect(await main(['node', 'nutmeg', 'compare', '--loglik', ...models.map(file)])).toBe(0);
    const text = io.out().slice(io.out().indexOf('\n}') + 1);
    expect(text).toMatch(/^model\s+elpd_loo\s+se_elpd_loo\s+elpd_diff\s+se_diff\s+p_loo\s+weight\s+weight_r\n/m);
    expect(text).toMatch(/^note: weight_r is R loo 2\.5\.1's stacking_weights, whose optimiser stops before the maximum/m);
    expect(text).toContain(`${out.stacking.objective_r.toFixed(6)})`);
  });

  it('--method pseudobma and bb-pseudobma; unknown method exits 2', async () => {
    const io = captureOutput();
    const base = ['node', 'nutmeg', 'compare', '--loglik', file('pooled'), file('cells')];
    expect(await main([...base, '--method', 'bb-pseudobma', '--seed', '5', '--json'])).toBe(0);
    expect(await main([...base, '--method', 'bb-pseudobma', '--seed', '5', '--json'])).toBe(0);
    const [a, b] = io.out().trim().split('\n').map((l) => JSON.parse(l));
    expect(a).toEqual(b);
    expect(a.method).toBe('bb-pseudobma');
    expect(a.stacking).toBeNull();
    expect(Object.keys(a.models[0])).not.toContain('weight_r');
    expect(await main([...base, '--method', 'magic'])).toBe(2);
    expect(io.err()).toMatch(/--method magic: unknown/);
    expect(await main(['node', 'nutmeg', 'compare', '--loglik', file('pooled')])).toBe(2);
  });
});
