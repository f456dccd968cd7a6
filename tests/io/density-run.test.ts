/**
 * A density model's run directory: chain CSVs in CmdStan format with the constrained parameters and generated
 * quantities as drawn, fit.json with the model record, loglik.csv; `nutmeg summary` and `nutmeg loo` read it as
 * they read a formula fit, and commands that rebuild a formula model refuse it in one line.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitDensityModel } from '../../src/fit/density-fit.js';
import { densityRunMeta, isDensityRunMeta, saveDensityRun } from '../../src/io/density-run.js';
import { readDrawsCsv } from '../../src/io/draws-csv-read.js';
import { loadRun } from '../../src/io/run-dir.js';
import { psisLooStream } from '../../src/loo/loo.js';
import { toyModel } from '../model/density-model/toy-model.js';
import { runNutmeg } from '../helpers/cli.js';
import { userErrorOf } from '../helpers/user-error.js';
import { failFirstWrite } from '../helpers/failing-writes.js';

const y = Float64Array.from([0.4, 1.3, -0.2, 0.9, 2.1, 1.7]);

describe('density run directory', async () => {
  const fit = await fitDensityModel(toyModel(y), { chains: 2, warmup: 150, draws: 100, seed: 4 });
  const dir = join(mkdtempSync(join(tmpdir(), 'nutmeg-density-run-')), 'run');
  const meta = densityRunMeta(fit, { prior_sd: 10 }, { source: 'toy.csv', seed: null, rows: y.length }, '0.0.0-test');
  saveDensityRun(dir, fit, meta);

  it('writes the draws as drawn, generated quantities included, and fit.json with the model record', () => {
    const csv = readDrawsCsv([join(dir, 'chain-1.csv'), join(dir, 'chain-2.csv')]);
    expect(csv.draws.names).toEqual(['mu', 'tau', 'w.1', 'w.2', 'w.3', 'r', 'y_rep']);
    expect(Array.from(csv.draws.values)).toEqual(Array.from(fit.draws.values));
    const json = JSON.parse(readFileSync(join(dir, 'fit.json'), 'utf8'));
    expect(isDensityRunMeta(json)).toBe(true);
    expect(json.model).toEqual({ kind: 'toy', settings: { prior_sd: 10 } });
    expect(json.logLik).toEqual({ file: 'loglik.csv', observations: 6 });
    expect(json.coordinates).toEqual({ w: ['a', 'b', 'c'] });
    expect(readFileSync(join(dir, 'loglik.csv'), 'utf8').split('\n')[0]).toBe('chain,log_lik[1],log_lik[2],log_lik[3],log_lik[4],log_lik[5],log_lik[6]');
  });

  it('is summarised by nutmeg summary RUN_DIR', async () => {
    const { code, out } = await runNutmeg(['summary', dir, '--json']);
    expect(code).toBe(0);
    const rows = JSON.parse(out) as { variable: string; mean: number }[];
    // the CSV spelling of indexed names, as for a formula fit's r_g__t.3
    expect(rows.map((r) => r.variable)).toEqual(['mu', 'tau', 'w.1', 'w.2', 'w.3', 'r', 'y_rep']);
    const mu = fit.draws.values.subarray(0, 200);
    expect(rows[0].mean).toBeCloseTo(mu.reduce((a, b) => a + b, 0) / 200, 10);
  });

  it('gives nutmeg loo RUN_DIR the PSIS-LOO of the saved pointwise log-likelihood', async () => {
    const ll = fit.logLik!;
    const expected = await psisLooStream(6, ll.rows.length, ll.chainOfDraw, [
      { start: 0, count: 6, values: Float64Array.from(ll.rows.flatMap((r) => Array.from(r))) },
    ]);
    const { code, out } = await runNutmeg(['loo', dir, '--json']);
    expect(code).toBe(0);
    const got = JSON.parse(out);
    expect(got.n_obs).toBe(6);
    expect(got.n_chains).toBe(2);
    expect(got.elpd_loo).toBeCloseTo(expected.elpdLoo.estimate, 9);
    expect(got.p_loo).toBeCloseTo(expected.pLoo.estimate, 9);
  });

  it('is refused in one line by commands that rebuild a formula model', () => {
    expect(userErrorOf(() => loadRun(dir, 'nutmeg score'))).toContain("a 'toy' run (a hand-written density model, not a formula fit); nutmeg score works on runs of nutmeg fit");
  });

  it('a failed write leaves the target alone and keeps the partial run with fit.json marked incomplete, as nutmeg fit does', async () => {
    const target = join(mkdtempSync(join(tmpdir(), 'nutmeg-density-fail-')), 'run');
    // the first chain file's first write fails; fit.json, written after, succeeds
    const failOnce = failFirstWrite();
    const message = userErrorOf(() => saveDensityRun(target, fit, meta, { write: failOnce }));
    expect(message).toMatch(new RegExp(`^--out ${target}: writing the run failed \\(EIO: i/o error\\); ${target} was left as it was`));
    const kept = /kept in (\S+) \(fit\.json marked incomplete\)$/.exec(message)?.[1];
    expect(kept).toBeDefined();
    const written = JSON.parse(readFileSync(join(kept!, 'fit.json'), 'utf8')) as { incomplete: boolean; writeError: string; model: { kind: string } };
    expect(written).toMatchObject({ incomplete: true, writeError: 'EIO: i/o error', model: { kind: 'toy' } });
    expect(existsSync(target)).toBe(false);
    // summary and loo refuse the kept files (loglik.csv or a chain file may be cut short) in one line
    for (const command of [['summary', kept!], ['loo', kept!]]) {
      const { code, err } = await runNutmeg(command);
      expect(code).toBe(2);
      expect(err.trim()).toBe(`nutmeg: ${kept}: writing this run failed (EIO: i/o error), so its files may be cut short; fit again with room on the disk`);
    }
  });
});
