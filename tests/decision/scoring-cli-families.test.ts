/**
 * `nutmeg score` on a poisson run (tests/serve/family-run.ts): the ranked list gives expected_mean and its interval,
 * equal to e^{b_Intercept + b_x·x + r_store} over the run's own draws (closed form, by hand), ranked by expected_mean,
 * with a new_levels column; --new-levels zero gives the fixed-only value for an unseen store, sample/uncertainty are
 * reproducible by --seed; a bad --new-levels is a one-line usage error (exit 2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';
import { quantileSorted } from '../../src/numeric/quantile.js';
import { loadRun } from '../../src/io/run-dir.js';
import { poissonRun, type FamilyRun } from '../serve/family-run.js';

/** The ranked CSV as records of strings. */
function records(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n');
  const columns = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, j) => [columns[j], v])));
}

describe('nutmeg score, poisson run', () => {
  let run: FamilyRun;
  let rows = '';
  beforeAll(async () => {
    run = await poissonRun();
    rows = path.join(run.root, 'rows.csv');
    writeFileSync(rows, 'id,x,store\na,0.5,north\nb,-1,east\nc,1.5,west\nd,0,south\n');
  }, 60_000);
  afterAll(async () => {
    if (run) await rm(run.root, { recursive: true, force: true });
  });

  /** Mean and 10%/90% quantiles of e^{b0 + b1 x + r} over the run's draws; r = 0 for a store given as null. */
  function closedForm(x: number, store: number | null): { mean: number; low: number; high: number } {
    const { draws } = loadRun(run.dir);
    const S = draws.nChains * draws.nDraws;
    const v = (name: string) => draws.values.subarray(draws.names.indexOf(name) * S, (draws.names.indexOf(name) + 1) * S);
    const [b0, b1] = [v('b_Intercept'), v('b_x')];
    const r = store === null ? null : v(`r_store__Intercept[${store + 1}]`);
    const mu = Float64Array.from({ length: S }, (_, s) => Math.exp(b0[s] + b1[s] * x + (r ? r[s] : 0)));
    const sorted = Float64Array.from(mu).sort();
    return { mean: mu.reduce((a, b) => a + b, 0) / S, low: quantileSorted(sorted, 0.1), high: quantileSorted(sorted, 0.9) };
  }

  it('ranks rows by expected count, with its interval, and names the new store', async () => {
    const out = path.join(run.root, 'ranked.csv');
    const r = await runNutmeg(['score', run.dir, '--data', rows, '--id', 'id', '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('note: 1 rows have a store level the model has not seen; they are scored with that group effect at 0 (--new-levels zero;');
    const json = JSON.parse(r.out);
    expect(json.family).toBe('poisson');
    expect(json.measure).toBe('expected');
    expect(json.ranked_by).toBe('expected_mean');
    expect(json.new_levels).toBe('zero');
    expect(json.metrics).toBeNull();
    const list = records(out);
    expect(Object.keys(list[0])).toEqual(['rank', 'row', 'id', 'expected_mean', 'expected_10%', 'expected_90%', 'new_levels']);
    const truth: Record<string, [number, number | null]> = { a: [0.5, 0], b: [-1, 2], c: [1.5, null], d: [0, 1] };
    for (const rec of list) {
      const want = closedForm(...truth[rec.id]);
      for (const [column, value] of [['expected_mean', want.mean], ['expected_10%', want.low], ['expected_90%', want.high]] as const) {
        expect(Math.abs(Number(rec[column]) - value)).toBeLessThanOrEqual(1e-12 * value);
      }
      expect(rec.new_levels).toBe(rec.id === 'c' ? 'store' : '');
    }
    const means = list.map((rec) => Number(rec.expected_mean));
    for (let k = 1; k < means.length; k++) expect(means[k]).toBeLessThanOrEqual(means[k - 1]);
    expect(json.top.find((t: Record<string, unknown>) => t.id === 'c').new_levels).toBe('store');
  }, 60_000);

  it('--new-levels sample and uncertainty: reproducible by --seed, different from zero, seen stores unchanged', async () => {
    const score = async (...flags: string[]) => {
      const r = await runNutmeg(['score', run.dir, '--data', rows, '--id', 'id', '--json', '--quiet', ...flags]);
      expect(r.code, r.err).toBe(0);
      const json = JSON.parse(r.out);
      return { json, byId: Object.fromEntries((json.top as Record<string, number>[]).map((t) => [t.id, t])) };
    };
    const zero = await score();
    for (const mode of ['sample', 'uncertainty']) {
      const a = await score('--new-levels', mode, '--seed', '5');
      const b = await score('--new-levels', mode, '--seed', '5');
      const c = await score('--new-levels', mode, '--seed', '6');
      expect(a.json.new_levels).toBe(mode);
      expect(a.json.new_levels_seed).toBe(5);
      expect(b.byId).toEqual(a.byId);
      expect(c.byId.c.expected_mean).not.toBe(a.byId.c.expected_mean);
      expect(a.byId.c.expected_mean).not.toBe(zero.byId.c.expected_mean);
      for (const id of ['a', 'b', 'd']) expect(a.byId[id]).toEqual(zero.byId[id]);
    }
  }, 60_000);

  it('a bad --new-levels is one line naming the flag, exit 2', async () => {
    const r = await runNutmeg(['score', run.dir, '--data', rows, '--new-levels', 'gaussian']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('nutmeg: --new-levels must be zero, sample or uncertainty, got "gaussian"\n');
  });
});
