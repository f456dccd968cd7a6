/**
 * Correlated varying effects end to end through main(): `(1 + x | g)` on gaussian data simulated here with a known
 * correlation of the intercepts and slopes (30 groups × 20 rows) recovers it (posterior mean within 4 posterior sd of
 * the truth), `nutmeg loo` rebuilds the model from fit.json (priors, parameterization, the partial correlations from
 * the cor_ draws), `--method map` gives a mode; `(1 + x || g)` has no correlation; prior mistakes are one-line errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { Rng } from '../../src/rng.js';
import { captureOutput } from '../helpers/cli.js';

afterEach(() => vi.restoreAllMocks());

const TRUTH = { b0: 1, b1: 0.5, sdIntercept: 1, sdX: 0.6, rho: 0.6, sigma: 0.5 };
let dir = '';
let data = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nutmeg-cor-'));
  data = join(dir, 'data.csv');
  const rng = new Rng(20261202, 3);
  const lines = ['y,x,g'];
  for (let g = 0; g < 30; g++) {
    // (a, s) ~ MVN(0, [[1, ρ·0.6], [ρ·0.6, 0.36]]) by its Cholesky factor
    const z1 = rng.normal();
    const z2 = rng.normal();
    const a = TRUTH.sdIntercept * z1;
    const s = TRUTH.sdX * (TRUTH.rho * z1 + Math.sqrt(1 - TRUTH.rho ** 2) * z2);
    for (let i = 0; i < 20; i++) {
      const x = rng.normal();
      lines.push(`${TRUTH.b0 + a + (TRUTH.b1 + s) * x + TRUTH.sigma * rng.normal()},${x},G${g + 1}`);
    }
  }
  writeFileSync(data, lines.join('\n') + '\n');
});

type Row = { variable: string; mean: number; sd: number };

async function fit(formula: string, extra: string[] = [], out?: string): Promise<{ code: number; rows: Row[]; err: string }> {
  const io = captureOutput();
  const code = await main([
    'node', 'nutmeg', 'fit', '--data', data, '--formula', formula, '--family', 'gaussian',
    '--chains', '2', '--warmup', '300', '--draws', '300', '--backend', 'reference', '--seed', '7', '--json',
    ...(out ? ['--out', out] : []), ...extra,
  ]);
  const err = io.err();
  vi.restoreAllMocks();
  return { code, rows: code === 0 ? (JSON.parse(io.out()).summary as Row[]) : [], err };
}

describe('nutmeg fit with (1 + x | g)', () => {
  it('recovers the simulated correlation, sds and coefficients; loo rebuilds the run', async () => {
    const out = join(dir, 'run');
    const { code, rows, err } = await fit('y ~ x + (1 + x | g)', ['--prior', 'cor=lkj(2)'], out);
    expect(code, err).toBe(0);
    const row = (name: string): Row => {
      const r = rows.find((s) => s.variable === name);
      if (!r) throw new Error(`no ${name} in the summary`);
      return r;
    };
    const truth: [string, number][] = [
      ['b_Intercept', TRUTH.b0], ['b_x', TRUTH.b1], ['sd_g__Intercept', TRUTH.sdIntercept], ['sd_g__x', TRUTH.sdX],
      ['cor_g__Intercept__x', TRUTH.rho], ['sigma', TRUTH.sigma],
    ];
    for (const [name, value] of truth) {
      const r = row(name);
      expect(Math.abs(r.mean - value), `${name}: mean ${r.mean}, sd ${r.sd}, truth ${value}`).toBeLessThan(4 * r.sd);
    }
    // informative: the data pin the correlation well away from 0
    expect(row('cor_g__Intercept__x').mean).toBeGreaterThan(0.25);
    expect(rows.some((r) => r.variable.startsWith('z_'))).toBe(false);
    expect(rows.filter((r) => r.variable.startsWith('r_g__x['))).toHaveLength(30);
    const meta = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(meta.priors.cor_g).toEqual({ family: 'lkj', params: [2] });
    expect(meta.recipe.terms.map((t: { correlated?: number }) => t.correlated)).toEqual([0, 0]);
    expect(readFileSync(join(out, 'chain-1.csv'), 'utf8')).toContain(',cor_g__Intercept__x,');

    const io = captureOutput();
    expect(await main(['node', 'nutmeg', 'loo', out, '--json']), io.err()).toBe(0);
    const loo = JSON.parse(io.out());
    expect(loo.pareto_k).toHaveLength(600);
    expect(Number.isFinite(loo.elpd_loo)).toBe(true);
  }, 120_000);

  it('(1 + x || g) has no correlation parameter; --method map gives the mode with cor_', async () => {
    const independent = await fit('y ~ x + (1 + x || g)');
    expect(independent.code, independent.err).toBe(0);
    expect(independent.rows.some((r) => r.variable.startsWith('cor_'))).toBe(false);
    expect(independent.rows.some((r) => r.variable === 'sd_g__x')).toBe(true);

    const io = captureOutput();
    const code = await main(['node', 'nutmeg', 'fit', '--data', data, '--formula', 'y ~ x + (1 + x | g)', '--family', 'gaussian', '--method', 'map', '--backend', 'reference']);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toMatch(/cor_g__Intercept__x\s+0\.\d+/);
  }, 120_000);

  it('a bernoulli run saved with --save-effects summary: loo and score rebuild the effects from effects-draws.bin', async () => {
    const out = join(dir, 'summary-run');
    let io = captureOutput();
    const formula = 'conversion ~ treatment + (1 + treatment | history_segment)';
    const code = await main(['node', 'nutmeg', 'fit', '--rows', '3000', '--formula', formula, '--chains', '2', '--warmup', '150', '--draws', '150', '--out', out, '--save-effects', 'summary', '--quiet']);
    expect(code, io.err()).toBe(0);
    expect(readFileSync(join(out, 'chain-1.csv'), 'utf8')).toMatch(/,cor_history_segment__Intercept__treatment[,\n]/);
    vi.restoreAllMocks();
    io = captureOutput();
    expect(await main(['node', 'nutmeg', 'loo', out, '--json']), io.err()).toBe(0);
    expect(JSON.parse(io.out()).pareto_k).toHaveLength(3000);
    vi.restoreAllMocks();
    io = captureOutput();
    expect(await main(['node', 'nutmeg', 'score', out, '--data', 'sim:hillstrom', '--rows', '3000']), io.err()).toBe(0);
    expect(io.out()).toMatch(/ROC-AUC\s+0\.\d+/);
  }, 120_000);

  for (const [prior, message] of [
    ['cor=lkj(0)', "nutmeg: prior 'cor=lkj(0)': eta must be a positive number, got 0\n"],
    ['cor_nosuchgroup=lkj(2)', /^nutmeg: prior 'cor_nosuchgroup=lkj\(2\)': the model has no parameter or class 'cor_nosuchgroup'; valid targets: [^\n]*cor, cor_g\n$/],
    ['cor=normal(0, 1)', "nutmeg: prior 'cor=normal(0, 1)': a correlation takes lkj(eta), e.g. lkj(2)\n"],
  ] as const) {
    it(`--prior "${prior}" is a one-line error, exit 2`, async () => {
      const { code, err } = await fit('y ~ x + (1 + x | g)', ['--prior', prior]);
      expect(code).toBe(2);
      // the error is the last line, after the "model: …" line
      const last = err.slice(err.lastIndexOf('\n', err.length - 2) + 1);
      if (typeof message === 'string') expect(last).toBe(message);
      else expect(last).toMatch(message);
    });
  }
});
