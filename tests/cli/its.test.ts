/**
 * `nutmeg its` through main(): on sim:its (true effect 9 per day from 2023-05-31) the average effect's 90% interval
 * covers 9 and excludes 0 with P(cumulative > 0) = 1, the placebo intervals cover 0; --out writes a run that
 * `nutmeg summary` and `nutmeg loo` read; --report writes the page with its two plots; bad input exits 2 with one line.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';
import { ITS_TRUTH } from '../../src/data/simulate/its.js';

const dir = mkdtempSync(join(tmpdir(), 'nutmeg-its-cli-'));
const SIM = ['--data', 'sim:its', '--time', 'date', '--outcome', 'sales', '--covariates', 'temperature', '--seasonality', 'weekly', '--fourier', '2', '--quiet'];
const BASE = ['its', ...SIM, '--intervention', '2023-05-31'];

describe('nutmeg its', () => {
  it('recovers the simulated effect, writes the run and the report', async () => {
    const out = join(dir, 'run');
    const report = join(dir, 'its.html');
    const r = await runNutmeg([...BASE, '--draws', '400', '--warmup', '400', '--placebos', '1', '--target-accept', '0.9', '--out', out, '--report', report, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.out) as {
      effect: { preRows: number; postRows: number; average: { low: number; high: number }; probPositive: number };
      placebos: { cumulative: { low: number; high: number } }[];
      design: string[];
    };
    expect(result.effect.preRows).toBe(150);
    expect(result.effect.postRows).toBe(50);
    expect(result.design).toEqual(['trend', 'sin_weekly_1', 'cos_weekly_1', 'sin_weekly_2', 'cos_weekly_2', 'temperature']);
    expect(result.effect.average.low).toBeLessThan(ITS_TRUTH.effect);
    expect(result.effect.average.high).toBeGreaterThan(ITS_TRUTH.effect);
    expect(result.effect.probPositive).toBe(1);
    expect(result.placebos.length).toBe(1);
    for (const p of result.placebos) expect(p.cumulative.low < 0 && p.cumulative.high > 0).toBe(true);
    const meta = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(meta.model.kind).toBe('its');
    expect(meta.model.settings.intervention).toBe('2023-05-31');
    expect(meta.settings.targetAccept).toBe(0.9);
    expect(meta.logLik.observations).toBe(150);
    expect(meta.data).toEqual({ source: 'sim:its', seed: 1, rows: 200 });
    const html = readFileSync(report, 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(2);
    expect(html).toContain('Placebo checks');
    const summary = await runNutmeg(['summary', out, '--vars', 'alpha,sigma']);
    expect(summary.code).toBe(0);
    expect(summary.out).toMatch(/^sigma\s+4\./m);
    const loo = await runNutmeg(['loo', out, '--json']);
    expect(loo.code).toBe(0);
    expect(JSON.parse(loo.out).n_obs).toBe(150);
  });

  it('refuses bad input with exit 2 and one line naming where', async () => {
    const csv = join(dir, 'bad.csv');
    writeFileSync(csv, 'date,sales\n2023-01-01,1\n2023-01-03,2\n2023-01-02,3\n');
    const cases: [string[], string][] = [
      [['its', ...SIM, '--intervention', '2024-01-01'], '--intervention 2024-01-01: after the last time (2023-07-19), so there is no post-period; give a time up to 2023-07-19'],
      [[...BASE, '--family', 'poisson'], '--family'],
      [[...BASE, '--target-accept', '1.2'], '--target-accept must be a number strictly between 0 and 1, got "1.2"'],
      [[...BASE, '--fourier', '9'], '--fourier 9: a time step of 1 days resolves a weekly cycle up to order 3; give --fourier 3 or less'],
      [['its', '--data', csv, '--time', 'date', '--outcome', 'sales', '--intervention', '2023-01-02'], `${csv}, line 4, column "date": 2023-01-02 comes before the previous row's 2023-01-03; sort the rows by time`],
    ];
    for (const [args, message] of cases) {
      const r = await runNutmeg(args);
      expect(r.code, args.join(' ')).toBe(2);
      const lines = r.err.trim().split('\n');
      expect(lines.length).toBe(1);
      expect(lines[0]).toContain(message);
    }
    expect(existsSync(join(dir, 'nothing'))).toBe(false);
  });
});
