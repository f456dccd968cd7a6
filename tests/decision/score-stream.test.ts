/**
 * `nutmeg score` in blocks of rows (issue 16 item 7): the ranked CSV written block by block (sorted runs merged,
 * src/io/ranked-lines.ts) is byte for byte the CSV of the whole-frame path — scoreFrame on every row at once, the
 * ranked table rendered whole — and the metrics and top rows are those of one block; for a hierarchical bernoulli
 * fit of the Hillstrom simulator with a treatment (uplift, metrics) and a poisson fit with an offset, a factor and a
 * store the model has not seen (--new-levels sample). A row's error names its file line from a later block.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rankedTable } from '../../src/report/score-report.js';
import { readDataFile } from '../../src/data/data-file.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { DEFAULT_THRESHOLDS } from '../../src/decision/policy.js';
import { evaluateScores } from '../../src/decision/score-evaluation.js';
import { prepareScoring } from '../../src/decision/scoring-model.js';
import { scoreFrame } from '../../src/decision/scoring.js';
import { fitModel } from '../../src/fit/fit.js';
import { loadRun, runMeta, writeRun } from '../../src/io/run-dir.js';
import { renderTable } from '../../src/report/table.js';
import { Rng } from '../../src/rng.js';
import { runNutmeg } from '../helpers/cli.js';
import { runFixture, type RunFixture } from '../serve/run-fixture.js';
import type { NewLevelMode } from '../../src/decision/new-levels.js';

/** The ranked CSV as the whole-frame path writes it. */
function wholeFrameCsv(runDir: string, data: string, options: { newLevels?: NewLevelMode; seed?: number; id?: string } = {}): string {
  const run = loadRun(runDir);
  const { recipe } = run.meta;
  const frame = readDataFile(data);
  const result = scoreFrame(prepareScoring({ recipe, draws: run.draws }), frame, { newLevels: options.newLevels, seed: options.seed });
  const outcome = frame.columns.has(recipe.outcome) ? recipe.outcome : undefined;
  return renderTable(rankedTable(result, frame, DEFAULT_THRESHOLDS, { id: options.id, outcome, groups: recipe.groups.length > 0 }), 'csv');
}

describe('nutmeg score in blocks of rows', () => {
  let fixture: RunFixture;
  let dir = '';
  let poisson = '';
  let poissonRows = '';
  beforeAll(async () => {
    fixture = await runFixture();
    dir = await mkdtemp(path.join(tmpdir(), 'nutmeg-score-stream-'));
    // a poisson fit with an offset, a factor and a varying intercept
    const rng = new Rng(5, 0);
    const n = 60;
    const x = new Float64Array(n);
    const exposure = new Float64Array(n);
    const y = new Float64Array(n);
    const region = new Uint32Array(n);
    const store = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = rng.normal();
      exposure[i] = 1 + (i % 4);
      region[i] = i % 3;
      store[i] = i % 4;
      const mu = exposure[i] * Math.exp(0.2 + 0.3 * x[i] + 0.2 * region[i] + 0.1 * (store[i] - 1.5));
      let k = 0;
      for (let t = rng.exponential(); t < mu; t += rng.exponential()) k++;
      y[i] = k;
    }
    const frame = frameFromColumns(
      [
        numericColumn('y', y),
        numericColumn('x', x),
        numericColumn('exposure', exposure),
        categoricalColumn('region', region, ['east', 'north', 'west']),
        categoricalColumn('store', store, ['s1', 's2', 's3', 's4']),
      ],
      'poisson rows',
    );
    const fit = await fitModel(frame, 'y ~ x + region + offset(log(exposure)) + (1 | store)', {
      family: 'poisson',
      backend: 'reference',
      chains: 2,
      warmup: 80,
      draws: 40,
      seed: 2,
    });
    poisson = path.join(dir, 'poisson-run');
    try {
      writeRun(poisson, fit, runMeta(fit, { source: 'poisson rows', seed: null, rows: n }, 'test'));
    } finally {
      await fit.dispose();
    }
    // rows to score: a store the model has not seen (s9) among known ones, ids, no outcome in some
    const lines = ['id,x,exposure,region,store,y'];
    for (let i = 0; i < 41; i++) lines.push(`c${i},${((i * 0.7) % 3) - 1.2},${1 + (i % 5)},${['east', 'north', 'west'][i % 3]},${i % 6 === 5 ? 's9' : `s${1 + (i % 4)}`},${i % 3}`);
    poissonRows = path.join(dir, 'poisson-rows.csv');
    writeFileSync(poissonRows, lines.join('\n') + '\n');
  }, 180_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('hierarchical bernoulli fit with uplift: the ranked CSV is the whole-frame CSV byte for byte; metrics and top rows too', async () => {
    const expected = wholeFrameCsv(fixture.dir, fixture.csv);
    const outputs: string[] = [];
    for (const blockRows of ['7', '100000']) {
      const out = path.join(dir, `hier-${blockRows}.csv`);
      const r = await runNutmeg(['score', fixture.dir, '--data', fixture.csv, '--out', out, '--json', '--top', '12', '--block-rows', blockRows]);
      expect(r.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(expected);
      outputs.push(r.out);
    }
    expect(outputs[0]).toBe(outputs[1]);
    // the metrics of the whole frame
    const run = loadRun(fixture.dir);
    const frame = readDataFile(fixture.csv);
    const whole = scoreFrame(prepareScoring({ recipe: run.meta.recipe, draws: run.draws }), frame);
    const evaluation = evaluateScores(run.meta.recipe, frame, (whole.probability as { mean: Float64Array }).mean);
    const json = JSON.parse(outputs[0]);
    expect(json.metrics.roc_auc).toBe(evaluation?.rocAuc);
    expect(json.metrics.log_loss).toBe(evaluation?.logLoss);
    expect(json.top).toHaveLength(12);
    expect(json.top.map((r: { row: number }) => r.row)).toEqual(expected.split('\n').slice(1, 13).map((l) => Number(l.split(',')[1])));
  }, 120_000);

  it('poisson fit with an offset, a factor and a new level (sampled): the same CSV in blocks as whole', async () => {
    const expected = wholeFrameCsv(poisson, poissonRows, { newLevels: 'sample', seed: 4, id: 'id' });
    expect(expected).toContain('store');
    for (const blockRows of ['1', '5', '1000']) {
      const out = path.join(dir, `poisson-${blockRows}.csv`);
      const r = await runNutmeg(['score', poisson, '--data', poissonRows, '--out', out, '--id', 'id', '--new-levels', 'sample', '--seed', '4', '--block-rows', blockRows, '--quiet']);
      expect(r.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(expected);
    }
  }, 60_000);

  it('a bad cell in a later block is named at its file line, and no ranked list is written', async () => {
    const lines = readFileSync(poissonRows, 'utf8').trim().split('\n');
    lines[30] = lines[30].replace(/,(\d+),(east|north|west),/, ',-2,$2,'); // exposure −2: log of a negative number
    const bad = path.join(dir, 'bad-rows.csv');
    writeFileSync(bad, lines.join('\n') + '\n');
    const out = path.join(dir, 'bad.csv');
    const r = await runNutmeg(['score', poisson, '--data', bad, '--out', out, '--block-rows', '4']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}, line 31`);
    expect(() => readFileSync(out)).toThrow();
  });
});
