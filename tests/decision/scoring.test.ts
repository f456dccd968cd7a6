/**
 * Scoring: per-row probabilities and uplift against a per-draw evaluation through the model's own ModelSpec (decision/linear-predictor.ts, a separate
 * implementation of η) and the logistic function; an intercept-only model against its closed form; new group levels
 * against the population-level prediction; block size invariance; and the classifier metrics wiring.
 */
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/numeric/logistic.js';
import { builtinDataset } from '../../src/data/datasets.js';
import { categoricalColumn, frameFromColumns, numericColumn, withColumns } from '../../src/data/frame-build.js';
import type { Frame } from '../../src/data/frame.js';
import { drawColumns, gatherDraw, LinearPredictor } from '../../src/decision/linear-predictor.js';
import { brierScore, calibrationTable, logLoss, rocAuc } from '../../src/decision/metrics.js';
import { evaluateScores } from '../../src/decision/score-evaluation.js';
import { prepareScoring } from '../../src/decision/scoring-model.js';
import { recipeColumns } from '../../src/decision/scoring-columns.js';
import { scoreFrame } from '../../src/decision/scoring.js';
import { quantileSorted } from '../../src/numeric/quantile.js';
import { makeDrawSet, type DrawSet } from '../../src/draws.js';
import { UserError } from '../../src/errors.js';
import { buildModel, type BuiltModel } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import { Rng } from '../../src/rng.js';

const HIERARCHICAL = 'conversion ~ treatment + recency_z + history_z + mens + (0 + treatment | history_segment) + (1 | zip_code)';

/** Random draws for every constrained variable of the model (sd draws positive), 3 chains × 40 draws. */
function randomDraws(model: BuiltModel, seed: number): DrawSet {
  const names = constrainedNames(model.spec);
  const ds = makeDrawSet(names, 3, 40);
  const rng = new Rng(seed, 0);
  const S = ds.nChains * ds.nDraws;
  names.forEach((name, v) => {
    for (let s = 0; s < S; s++) {
      const x = rng.normal();
      ds.values[v * S + s] = name.startsWith('sd_') ? Math.abs(x) : name === 'b_Intercept' ? -4 + 0.3 * x : 0.4 * x;
    }
  });
  return ds;
}

/** Per row: all S probabilities by evaluating η through the ModelSpec, draw by draw (row-major result n × S). */
function perDrawProbabilities(model: BuiltModel, draws: DrawSet): Float64Array {
  const { spec } = model;
  const S = draws.nChains * draws.nDraws;
  const lp = new LinearPredictor(spec);
  const columns = drawColumns(spec, draws);
  const theta = new Float64Array(lp.dim);
  const eta = new Float64Array(spec.n);
  const out = new Float64Array(spec.n * S);
  for (let s = 0; s < S; s++) {
    gatherDraw(draws, columns, s, theta);
    lp.evaluate(theta, eta);
    for (let i = 0; i < spec.n; i++) out[i * S + s] = sigmoid(eta[i]);
  }
  return out;
}

function rowStats(values: Float64Array, S: number, i: number): { mean: number; p10: number; p90: number } {
  const row = values.slice(i * S, (i + 1) * S);
  const mean = row.reduce((a, b) => a + b, 0) / S;
  row.sort();
  return { mean, p10: quantileSorted(row, 0.1), p90: quantileSorted(row, 0.9) };
}

function withTreatment(frame: Frame, value: number): Frame {
  return withColumns(frame, [numericColumn('treatment', new Float64Array(frame.nRows).fill(value))]);
}

const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-14 + 1e-12 * Math.abs(b));

describe('scoreFrame', () => {
  const { frame } = builtinDataset('hillstrom', 3, 400);
  const model = buildModel(frame, HIERARCHICAL);
  const draws = randomDraws(model, 9);
  const scoring = prepareScoring({ recipe: model.recipe, draws });
  const S = draws.nChains * draws.nDraws;

  it('lists the columns the model reads', () => {
    const cols = recipeColumns(model.recipe);
    expect([...cols.keys()]).toEqual(['treatment', 'recency_z', 'history_z', 'mens', 'history_segment', 'zip_code']);
    expect(cols.get('zip_code')).toEqual({ kind: 'group', levels: ['Rural', 'Surburban', 'Urban'] });
    expect(scoring.treatment).toBe('treatment');
  });

  it('gives per-row probabilities equal to a draw-by-draw evaluation through the ModelSpec', () => {
    const result = scoreFrame(scoring, frame);
    const reference = perDrawProbabilities(model, draws);
    expect(result.probability).not.toBeNull();
    for (let i = 0; i < frame.nRows; i++) {
      const r = rowStats(reference, S, i);
      close(result.probability!.mean[i], r.mean);
      close(result.probability!.low[i], r.p10);
      close(result.probability!.high[i], r.p90);
    }
  });

  it('gives uplift equal to the difference of the two arms evaluated draw by draw', () => {
    const result = scoreFrame(scoring, frame);
    // the treated and control designs of the same rows: models built on the frame with treatment set to 1 and to 0
    // (numeric predictors only, so the design is the training design with the treatment column replaced)
    const treated = perDrawProbabilities(buildModel(withTreatment(frame, 1), HIERARCHICAL), draws);
    const control = perDrawProbabilities(buildModel(withTreatment(frame, 0), HIERARCHICAL), draws);
    const uplift = treated.map((t, k) => t - control[k]);
    for (let i = 0; i < frame.nRows; i++) {
      const u = rowStats(uplift, S, i);
      close(result.uplift!.mean[i], u.mean);
      close(result.uplift!.low[i], u.p10);
      close(result.uplift!.high[i], u.p90);
      close(result.treated![i], rowStats(treated, S, i).mean);
      close(result.control![i], rowStats(control, S, i).mean);
      let positive = 0;
      for (let s = 0; s < S; s++) if (uplift[i * S + s] > 0) positive++;
      expect(result.probUpliftPositive![i]).toBe(positive / S);
    }
    // a control row's own probability is its control-arm probability
    const t = frame.columns.get('treatment');
    if (t?.kind !== 'numeric') throw new Error('treatment column');
    const i0 = t.values.indexOf(0);
    close(result.probability!.mean[i0], result.control![i0]);
  });

  it('evaluates the rows own design when the treatment column is not 0/1', () => {
    const t = frame.columns.get('treatment');
    if (t?.kind !== 'numeric') throw new Error('treatment column');
    const changed = withColumns(frame, [numericColumn('treatment', Float64Array.from(t.values).map((v, i) => (i % 3 === 0 ? 0.5 : v)))]);
    // without "segment", from which the recipe would derive (and check) treatment
    const half = frameFromColumns([...changed.columns.values()].filter((c) => c.name !== 'segment'), frame.source);
    const result = scoreFrame(scoring, half);
    const reference = perDrawProbabilities(buildModel(half, HIERARCHICAL), draws);
    for (let i = 0; i < frame.nRows; i++) {
      const r = rowStats(reference, S, i);
      close(result.probability!.mean[i], r.mean);
      close(result.probability!.low[i], r.p10);
      close(result.probability!.high[i], r.p90);
    }
  });

  it("reads a term's level draws where they are when stored in level order, else copies them; the same scores", () => {
    // as the run's draws keep them (chain CSV or effects-draws.bin columns in level order): a view, no K × S copy
    scoring.r.forEach((r) => expect(r.buffer).toBe(draws.values.buffer));
    // the same draws with zip_code's levels stored in reverse order: each level's draws copied into level order
    const zip = draws.names.flatMap((n, v) => (n.startsWith('r_zip_code__') ? [v] : []));
    const order = draws.names.map((_, v) => v);
    zip.forEach((v, k) => (order[v] = zip[zip.length - 1 - k]));
    const shuffled = makeDrawSet(order.map((v) => draws.names[v]), draws.nChains, draws.nDraws);
    order.forEach((v, to) => shuffled.values.set(draws.values.subarray(v * S, (v + 1) * S), to * S));
    const copied = prepareScoring({ recipe: model.recipe, draws: shuffled });
    const zipTerm = model.recipe.terms.findIndex((t) => model.recipe.groups[t.group].name === 'zip_code');
    expect(copied.r[zipTerm].buffer).not.toBe(shuffled.values.buffer);
    copied.r.forEach((r, t) => expect(r).toEqual(scoring.r[t]));
    const a = scoreFrame(scoring, frame);
    const b = scoreFrame(copied, frame);
    expect(b.probability!.mean).toEqual(a.probability!.mean);
    expect(b.uplift!.low).toEqual(a.uplift!.low);
  });

  it('does not depend on the block size', () => {
    const a = scoreFrame(scoring, frame);
    const b = scoreFrame(scoring, frame, { blockValues: S }); // one row per block
    const c = scoreFrame(scoring, frame, { blockValues: 7 * S + 3 });
    for (const r of [b, c]) {
      expect(r.probability!.low).toEqual(a.probability!.low);
      expect(r.uplift!.high).toEqual(a.uplift!.high);
      expect(r.probUpliftPositive).toEqual(a.probUpliftPositive);
    }
  });

  it('scores both arms without a treatment column, and gives unseen group levels r = 0', () => {
    const n = 3;
    const rows = frameFromColumns(
      [
        numericColumn('recency_z', Float64Array.from([0.5, -1, 0])),
        numericColumn('history_z', Float64Array.from([0, 1, 2])),
        numericColumn('mens', Float64Array.from([1, 0, 1])),
        categoricalColumn('history_segment', Uint32Array.from([0, 1, 1]), ['2) $100 - $200', 'brand new segment']),
        categoricalColumn('zip_code', Uint32Array.from([0, 0, 1]), ['Urban', 'Mars']),
      ],
      'new customers',
    );
    const result = scoreFrame(scoring, rows);
    expect(result.probability).toBeNull();
    expect(result.newLevelRows).toEqual(new Map([['history_segment', 2], ['zip_code', 1]]));
    // row 3 (new segment, new zip code) by hand: η = b0 + b_t·t + b_r·0 + b_h·2 + b_m·1, no group effects
    const v = (name: string): Float64Array => draws.values.subarray(draws.names.indexOf(name) * S, (draws.names.indexOf(name) + 1) * S);
    const [b0, bt, bh, bm] = ['b_Intercept', 'b_treatment', 'b_history_z', 'b_mens'].map(v);
    let treated = 0;
    let control = 0;
    for (let s = 0; s < S; s++) {
      treated += sigmoid(b0[s] + bt[s] + 2 * bh[s] + bm[s]) / S;
      control += sigmoid(b0[s] + 2 * bh[s] + bm[s]) / S;
    }
    close(result.treated![2], treated);
    close(result.control![2], control);
    expect(n).toBe(result.n);
  });

  it('names a missing column', () => {
    const rows = frameFromColumns([numericColumn('recency_z', Float64Array.from([0]))], 'rows.csv');
    expect(() => scoreFrame(scoring, rows)).toThrow(/history_z/);
    expect(() => scoreFrame(scoring, frame, { interval: [0.9, 0.1] })).toThrow(UserError);
  });
});

describe('intercept-only model (closed form)', () => {
  it('has P = σ(b_Intercept) per draw for every row, with its mean and quantiles', () => {
    const { frame } = builtinDataset('hillstrom', 4, 50);
    const model = buildModel(frame, 'conversion ~ 1');
    const ds = makeDrawSet(['b_Intercept'], 2, 5);
    ds.values.set([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4]);
    const scoring = prepareScoring({ recipe: model.recipe, draws: ds });
    expect(scoring.treatment).toBeNull();
    const r = scoreFrame(scoring, frame);
    const p = Float64Array.from(ds.values, sigmoid).sort();
    const mean = p.reduce((a, b) => a + b, 0) / 10;
    // type 7 with n = 10: h = 0.9 → 0.9 of the way from p[0] to p[1]; h = 8.1
    const p10 = 0.1 * p[0] + 0.9 * p[1];
    const p90 = 0.9 * p[8] + 0.1 * p[9];
    for (let i = 0; i < frame.nRows; i++) {
      close(r.probability!.mean[i], mean);
      close(r.probability!.low[i], p10);
      close(r.probability!.high[i], p90);
    }
    expect(r.uplift).toBeNull();
  });
});

describe('evaluateScores', () => {
  const { frame } = builtinDataset('hillstrom', 3, 600);
  const model = buildModel(frame, 'conversion ~ treatment + recency_z');
  const scoring = prepareScoring({ recipe: model.recipe, draws: randomDraws(model, 2) });

  it('scores the posterior mean probabilities against the outcome column', () => {
    const result = scoreFrame(scoring, frame);
    const p = result.probability!.mean;
    const e = evaluateScores(model.recipe, frame, p);
    expect(e).not.toBeNull();
    const y = model.spec.y;
    expect(e!.n).toBe(600);
    expect(e!.positives).toBe(y.reduce((a, b) => a + b, 0));
    expect(e!.rocAuc).toBe(rocAuc(y, p));
    expect(e!.logLoss).toBe(logLoss(y, p));
    expect(e!.brier).toBe(brierScore(y, p));
    expect(e!.calibration).toEqual(calibrationTable(y, p, 10));
  });

  it('is null without the outcome column', () => {
    const rows = frameFromColumns(
      [numericColumn('treatment', Float64Array.from([1])), numericColumn('recency_z', Float64Array.from([0]))],
      'rows',
    );
    expect(evaluateScores(model.recipe, rows, Float64Array.from([0.1]))).toBeNull();
  });
});
