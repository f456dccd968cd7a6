/**
 * `nutmeg score` on a small fitted run (tests/serve/run-fixture.ts): the ranked CSV covers every row once, in order of
 * uplift, with the probabilities scoreFrame gives; the JSON metrics equal decision/metrics of the CSV's own columns
 * (ROC-AUC by pair counting as a second reference); rows without the outcome or the treatment column; errors exit 2.
 */
import { asFloat64 } from '../../src/data/frame-build.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNutmeg } from '../helpers/cli.js';
import { readCsv } from '../../src/data/csv.js';
import { brierScore, logLoss } from '../../src/decision/metrics.js';
import { FIXTURE_ROWS, runFixture, type RunFixture } from '../serve/run-fixture.js';

function column(file: string, name: string): Float64Array {
  const c = readCsv(file).columns.get(name);
  if (c?.kind !== 'numeric') throw new Error(`no numeric column ${name} in ${file}`);
  return asFloat64(c.values);
}

/** AUC by counting every (positive, negative) pair: 1 for a correct order, 1/2 for a tie. */
function pairAuc(y: Float64Array, p: Float64Array): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe('nutmeg score', () => {
  let fixture: RunFixture;
  let dir = '';
  beforeAll(async () => {
    fixture = await runFixture();
    dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-score-'));
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes a ranked list of every row and metrics that match the list', async () => {
    const out = path.join(dir, 'ranked.csv');
    const report = path.join(dir, 'score.html');
    const r = await runNutmeg(['score', fixture.dir, '--data', fixture.csv, '--out', out, '--json', '--top', '5', '--report', report]);
    expect(r.err).toContain(`scored ${FIXTURE_ROWS} rows`);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    const rank = column(out, 'rank');
    const row = column(out, 'row');
    const uplift = column(out, 'uplift_mean');
    const p = column(out, 'p_mean');
    const y = column(out, 'conversion');
    expect(rank.length).toBe(FIXTURE_ROWS);
    expect(Array.from(row).sort((a, b) => a - b)).toEqual(Array.from({ length: FIXTURE_ROWS }, (_, i) => i + 1));
    for (let i = 1; i < uplift.length; i++) expect(uplift[i]).toBeLessThanOrEqual(uplift[i - 1]);
    // the outcome column is copied from the data row
    const conversion = column(fixture.csv, 'conversion');
    row.forEach((rowNumber, k) => expect(y[k]).toBe(conversion[rowNumber - 1]));
    // interval ordering and the arms
    const lo = column(out, 'uplift_10%');
    const hi = column(out, 'uplift_90%');
    const treated = column(out, 'p_treated');
    const control = column(out, 'p_control');
    const t = column(fixture.csv, 'treatment');
    for (let k = 0; k < lo.length; k++) {
      expect(lo[k]).toBeLessThanOrEqual(hi[k]);
      expect(Math.abs(uplift[k] - (treated[k] - control[k]))).toBeLessThan(1e-12);
      expect(p[k]).toBe(t[row[k] - 1] === 1 ? treated[k] : control[k]);
    }
    expect(json.rows).toBe(FIXTURE_ROWS);
    expect(json.draws).toBe(300);
    expect(json.ranked_by).toBe('uplift_mean');
    expect(json.metrics.conversions).toBe(y.reduce((a, b) => a + b, 0));
    expect(json.metrics.roc_auc).toBeCloseTo(pairAuc(y, p), 12);
    expect(json.metrics.log_loss).toBeCloseTo(logLoss(y, p), 12);
    expect(json.metrics.brier).toBeCloseTo(brierScore(y, p), 12);
    expect(json.calibration).toHaveLength(10);
    expect(json.calibration.reduce((a: number, b: { rows: number }) => a + b.rows, 0)).toBe(FIXTURE_ROWS);
    expect(json.top).toHaveLength(5);
    expect(json.top[0].row).toBe(row[0]);
    expect(['target', 'test more', 'deprioritise']).toContain(json.top[0].action);
    // the report: metrics and calibration tables, the calibration curve
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<caption>Calibration by decile</caption>');
    expect(html.match(/<figure class="plot"/g)).toHaveLength(1);
    expect(html).toContain('Calibration: observed vs predicted');
  }, 120_000);

  it('scores new customers without outcome or treatment: both arms, no metrics', async () => {
    const file = path.join(dir, 'new.csv');
    writeFileSync(
      file,
      'customer,recency_z,history_z,mens,womens,newbie,history_segment\n' +
        'a,0.1,-0.5,1,0,1,1) $0 - $100\n' +
        'b,-1.2,2.5,0,1,0,"7) $1,000 +"\n' +
        'c,0,0,1,1,0,8) unseen\n',
    );
    const r = await runNutmeg(['score', fixture.dir, '--data', file, '--id', 'customer', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('1 rows have a history_segment level the model has not seen');
    const json = JSON.parse(r.out);
    expect(json.metrics).toBeNull();
    expect(json.top.map((row: Record<string, unknown>) => row.customer).sort()).toEqual(['a', 'b', 'c']);
    expect(Object.keys(json.top[0])).not.toContain('p_mean');
    expect(json.new_level_rows).toEqual({ history_segment: 1 });
  }, 60_000);

  it('scores raw rows of a run written before recipes kept derivations only with the derived columns given', async () => {
    // an older run: fit.json's recipe has no "derived" section
    const old = path.join(dir, 'old-run');
    await cp(fixture.dir, old, { recursive: true });
    const meta = JSON.parse(readFileSync(path.join(old, 'fit.json'), 'utf8'));
    delete meta.recipe.derived;
    writeFileSync(path.join(old, 'fit.json'), JSON.stringify(meta));
    const raw = path.join(dir, 'raw.csv');
    writeFileSync(raw, 'recency,history,mens,womens,newbie,history_segment\n3,120.5,1,0,1,2) $100 - $200\n');
    const r = await runNutmeg(['score', old, '--data', raw]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `nutmeg: ${raw} has no column "recency_z" and "history_z", and ${path.join(old, 'fit.json')} does not record how the training data's ` +
        '"recency_z" and "history_z" were computed (the run was written by an older nutmeg); refit the run to score raw rows, or add ' +
        '"recency_z" and "history_z" standardized with the training data\'s mean and sd\n',
    );
    // the derived columns given, it scores as before, with the numbers of the current run
    const given = path.join(dir, 'given.csv');
    writeFileSync(given, 'id,recency_z,history_z,mens,womens,newbie,history_segment\na,0.1,-0.5,1,0,1,1) $0 - $100\n');
    const before = await runNutmeg(['score', old, '--data', given, '--id', 'id', '--json']);
    const now = await runNutmeg(['score', fixture.dir, '--data', given, '--id', 'id', '--json']);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.out).top).toEqual(JSON.parse(now.out).top);
  }, 60_000);

  it('exits 2 with the missing column named', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'recency_z,mens\n0,1\n');
    const r = await runNutmeg(['score', fixture.dir, '--data', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/history_z/);
    const r2 = await runNutmeg(['score', fixture.dir, '--data', fixture.csv, '--interval', '0.9,0.1']);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/--interval/);
    const r3 = await runNutmeg(['score', path.join(dir, 'nowhere'), '--data', fixture.csv]);
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/not a nutmeg run directory/);
  }, 60_000);
});
