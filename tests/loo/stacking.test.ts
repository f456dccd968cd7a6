/**
 * Stacking weights: the maximiser of F(w) = Σ_i log Σ_k w_k exp(lpd_ik) on the simplex, against
 * - R loo 2.5.1's stacking_weights on every golden comparison (tests/fixtures/loo/weights.csv and, where present,
 *   the shared golden set's): F at the maximiser is at least F at R's weights (to 1e-9), the reported R weights equal
 *   R's, and the KKT conditions hold (checked here from lpd, not from the solver's own residual);
 * - closed forms: two models with two kinds of observation (dF/dw = 0 solved by hand), a dominating model (a vertex);
 * - a five-model held-out comparison built so that R's constrOptim stops early (weights 3.4e-3 apart, F 1.3e-4 lower).
 */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { logLikBlocks, readLogLikCsv } from '../../src/io/loglik-csv.js';
import { compareModels } from '../../src/loo/compare.js';
import { psisLooStream, type LooResult } from '../../src/loo/loo.js';
import { formatCompare } from '../../src/report/loo-text.js';
import {
  stackingObjective,
  stackingOptimum,
  stackingWeights,
  stackingWeightsR,
  stackingWithReference,
} from '../../src/loo/stacking.js';
import { UserError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { comparisonTable } from '../../src/report/loo-tables.js';
import { FIXTURES, MODELS, maxAbsError } from './fixtures.js';

/** ∂F/∂w_k = Σ_i exp(lpd_ik) / Σ_j w_j exp(lpd_ij), computed plainly (no rescaling). */
function plainGradient(lpd: readonly Float64Array[], w: ArrayLike<number>): number[] {
  const n = lpd[0].length;
  const g = lpd.map(() => 0);
  for (let i = 0; i < n; i++) {
    let p = 0;
    for (let k = 0; k < lpd.length; k++) p += w[k] * Math.exp(lpd[k][i]);
    for (let k = 0; k < lpd.length; k++) g[k] += Math.exp(lpd[k][i]) / p;
  }
  return g;
}

/** KKT conditions of max F on the simplex: g_k = N where w_k > 0, g_k ≤ N where w_k = 0 (relative tolerance). */
function expectKkt(lpd: readonly Float64Array[], w: Float64Array, tolerance: number): void {
  const n = lpd[0].length;
  expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  for (const v of w) expect(v).toBeGreaterThanOrEqual(0);
  plainGradient(lpd, w).forEach((gk, k) => {
    if (w[k] > 0) expect(Math.abs(gk / n - 1)).toBeLessThan(tolerance);
    else expect(gk / n - 1).toBeLessThan(tolerance);
  });
}

/** Pointwise elpd_loo of the golden models as R computed them (MODEL.pointwise.csv in `dir`). */
function rPointwise(dir: string): Float64Array[] {
  return MODELS.map((m) => {
    const lines = readFileSync(`${dir}${m}.pointwise.csv`, 'utf8').trim().split('\n');
    const column = lines[0].split(',').map((h) => h.replace(/"/g, '')).indexOf('elpd_loo');
    return Float64Array.from(lines.slice(1), (line) => Number(line.split(',')[column]));
  });
}

const SHARED = '/work/shared/golden/loo/';
const goldenDirs = [FIXTURES, ...(existsSync(`${SHARED}weights.csv`) ? [SHARED] : [])];

/** R's stacking weights in `dir`/weights.csv, in MODELS order. */
function rWeights(dir: string): number[] {
  const lines = readFileSync(`${dir}weights.csv`, 'utf8').trim().split('\n');
  const header = lines[0].split(',').map((h) => h.replace(/"/g, ''));
  const rows = lines.slice(1).map((l) => l.split(','));
  return MODELS.map((m) => Number(rows.find((r) => r[0].replace(/"/g, '') === m)?.[header.indexOf('stacking')]));
}

describe('golden comparisons: the maximum is at least R loo 2.5.1', () => {
  const cases: { name: string; lpd: Float64Array[]; ref: number[] }[] = [];
  beforeAll(async () => {
    for (const dir of goldenDirs) {
      const ours: Float64Array[] = [];
      for (const m of MODELS) {
        const csv = await readLogLikCsv(`${dir}${m}.loglik.csv.gz`);
        const loo: LooResult = await psisLooStream(csv.nObs, csv.nDraws, csv.chainOfDraw, logLikBlocks(csv.rows, 100));
        ours.push(loo.pointwise.elpdLoo);
      }
      cases.push({ name: `${dir} (nutmeg's elpd_loo)`, lpd: ours, ref: rWeights(dir) });
      cases.push({ name: `${dir} (R's elpd_loo)`, lpd: rPointwise(dir), ref: rWeights(dir) });
    }
  });

  it('F(maximiser) ≥ F(R) - 1e-9; R reproduced to 1e-6; KKT to 1e-12; a feasible nudge never does better', () => {
    expect(cases.length).toBeGreaterThanOrEqual(2);
    for (const c of cases) {
      const s = stackingWithReference(c.lpd);
      const fR = stackingObjective(c.lpd, c.ref);
      expect(s.optimum.objective, c.name).toBeGreaterThanOrEqual(fR - 1e-9);
      // R stops early here: seen F 8.44e-5 lower and weights 6.9e-3 apart
      expect(s.optimum.objective - fR, c.name).toBeGreaterThan(5e-5);
      expect(maxAbsError(s.weightsR ?? [], c.ref), c.name).toBeLessThan(1e-6);
      expect(s.objectiveR).toBeCloseTo(fR, 9);
      expect(s.optimum.converged).toBe(true);
      expect(s.optimum.kktResidual).toBeLessThanOrEqual(1e-12);
      expect(s.optimum.gapBound).toBeLessThan(1e-9);
      expectKkt(c.lpd, s.optimum.weights, 1e-12);
      // segment_slopes gets no weight at the maximum (R leaves 7.3e-7 on it)
      expect(s.optimum.weights[MODELS.indexOf('segment_slopes')]).toBe(0);
      const rng = new Rng(11);
      const w = s.optimum.weights;
      for (let t = 0; t < 200; t++) {
        const target = Float64Array.from(w, () => rng.exponential());
        const sum = target.reduce((a, b) => a + b, 0);
        const step = 10 ** -(2 + 4 * rng.uniform());
        const nudged = Float64Array.from(w, (v, k) => (1 - step) * v + (step * target[k]) / sum);
        expect(stackingObjective(c.lpd, nudged)).toBeLessThanOrEqual(s.optimum.objective + 1e-12);
      }
    }
  });
});

describe('closed forms', () => {
  it('two models, two kinds of observation: dF/dw = 0 solved by hand', () => {
    // 3 rows where the models' densities are (e^-1, e^-2), 2 rows where they are (e^-3, e^-1.5);
    // F(w) = 3 log(a2 + w u) + 2 log(b2 + w v), u = a1 - a2, v = b1 - b2; F'(w) = 0 at
    // w = -(2 v a2 + 3 u b2) / (5 u v)
    const [a1, a2, b1, b2] = [-1, -2, -3, -1.5].map(Math.exp);
    const u = a1 - a2;
    const v = b1 - b2;
    const w1 = -(2 * v * a2 + 3 * u * b2) / (5 * u * v);
    expect(w1).toBeGreaterThan(0.5);
    expect(w1).toBeLessThan(0.6);
    const lpd = [Float64Array.from([-1, -1, -1, -3, -3]), Float64Array.from([-2, -2, -2, -1.5, -1.5])];
    const s = stackingOptimum(lpd);
    expect(s.weights[0]).toBeCloseTo(w1, 13);
    expect(s.weights[1]).toBeCloseTo(1 - w1, 13);
    expect(s.converged).toBe(true);
    // the same rows shuffled and with a third model identical to the first: the first two share w1
    const three = [Float64Array.from([-3, -1, -1, -3, -1]), Float64Array.from([-1.5, -2, -2, -1.5, -2])];
    const s3 = stackingOptimum([three[0], three[1], three[0]]);
    expect(s3.weights[0] + s3.weights[2]).toBeCloseTo(w1, 12);
    expect(s3.weights[0]).toBeCloseTo(s3.weights[2], 12);
  });

  it('a model better on every observation takes all the weight (a vertex, exactly)', () => {
    const a = Float64Array.from([-1, -2, -0.5, -3]);
    const b = a.map((x) => x - 1);
    expect(Array.from(stackingWeights([b, a]))).toEqual([0, 1]);
    const c = a.map((x, i) => x - 0.5 - 0.1 * i);
    const s = stackingOptimum([b, c, a]);
    expect(Array.from(s.weights)).toEqual([0, 0, 1]);
    expect(s.kktResidual).toBe(0);
  });

  it('a vertex that no model dominates everywhere: the KKT inequality decides', () => {
    // model 2 is better on one row by a factor e^0.05 and worse on three by e^1: g_2 = (e^-1 · 3 + e^0.05) < 4 = N
    const a = Float64Array.from([-1, -1, -1, -1]);
    const b = Float64Array.from([-2, -2, -2, -0.95]);
    expect(Array.from(stackingWeights([a, b]))).toEqual([1, 0]);
  });

  it('identical models share the weight equally; -Inf for some models is fine', () => {
    const a = Float64Array.from([-1, -2, -0.5, -3]);
    expect(Array.from(stackingWeights([a, a]))).toEqual([0.5, 0.5]);
    const b = Float64Array.from([-Infinity, -1, -1, -1]);
    const w = stackingWeights([a, b]);
    expect(w[0]).toBeGreaterThan(0);
    expectKkt([a, b], w, 1e-12);
  });

  it('refuses NaN, +Inf and an observation no model can predict, naming model and observation', () => {
    const a = Float64Array.from([-1, -2]);
    expect(() => stackingOptimum([a, Float64Array.from([-1, NaN])])).toThrow(UserError);
    expect(() => stackingOptimum([a, Float64Array.from([-1, NaN])])).toThrow(/model 2's .* observation 2 is NaN/);
    expect(() => stackingOptimum([a, Float64Array.from([Infinity, -1])])).toThrow(/model 2's .* observation 1 is Infinity/);
    const minf = Float64Array.from([-Infinity, -1]);
    expect(() => stackingOptimum([minf, minf])).toThrow(/observation 1 has elpd_loo = -Inf under every model/);
    expect(() => stackingOptimum([a])).toThrow(/at least two models/);
  });
});

/**
 * Held-out log predictive densities of five logistic models (coefficients fixed, as if fitted on other data) on N new
 * observations from the model with logit p = -1 + x1 + 0.5 x2 + 0.3 x3, x ~ N(0, I).
 */
function heldOut(seed: number, n: number): Float64Array[] {
  const rng = new Rng(seed);
  const models = [
    [-0.9, 0.8, 0, 0],
    [-1.1, 1.1, 0.6, 0],
    [-1, 1.2, 0.4, 0.5],
    [-0.8, 0, 0, 0],
    [-1, 0, 0.7, 0.4],
  ];
  const lpd = models.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const x = [1, rng.normal(), rng.normal(), rng.normal()];
    const y = rng.bernoulli(1 / (1 + Math.exp(-(-1 + x[1] + 0.5 * x[2] + 0.3 * x[3]))));
    models.forEach((b, k) => {
      const eta = b[0] + b[1] * x[1] + b[2] * x[2] + b[3] * x[3];
      // log p(y | eta) = y·eta - log(1 + e^eta)
      lpd[k][i] = y * eta - (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta)));
    });
  }
  return lpd;
}

describe('a five-model held-out comparison where R stops early', () => {
  const lpd = heldOut(4, 400);
  const looOf = (column: Float64Array): LooResult => {
    let sum = 0;
    for (const v of column) sum += v;
    const e = { estimate: sum, se: 1 };
    return { nObs: column.length, elpdLoo: e, pLoo: e, looic: e, pointwise: { elpdLoo: column } } as unknown as LooResult;
  };

  it("compare reports the maximum, R's weights beside it, and how much lower R's objective is", () => {
    const c = compareModels(lpd.map((column, k) => ({ name: `m${k + 1}`, loo: looOf(column) })));
    const s = c.stacking;
    if (!s || s.objectiveR === null || s.maxWeightDifference === null) throw new Error('no stacking summary');
    const optimum = stackingOptimum(lpd);
    const weightsR = stackingWeightsR(lpd);
    for (const r of c.rows) {
      const k = Number(r.model.slice(1)) - 1;
      expect(r.weight).toBe(optimum.weights[k]);
      expect(r.weightR).toBe(weightsR?.[k]);
    }
    expect(optimum.converged).toBe(true);
    expectKkt(lpd, optimum.weights, 1e-12);
    // seen: R's F is 1.30e-4 below the maximum, its weights up to 3.4e-3 away
    expect(s.objective - s.objectiveR).toBeGreaterThan(1e-4);
    expect(s.maxWeightDifference).toBeGreaterThan(3e-3);
    expect(s.objective).toBeCloseTo(optimum.objective, 12);
    const text = formatCompare(c);
    expect(text).toMatch(/^model\s+elpd_loo\s+se_elpd_loo\s+elpd_diff\s+se_diff\s+p_loo\s+weight\s+weight_r\n/);
    expect(text).toContain(`weights: stacking (the maximum of Σ_i log Σ_k w_k exp(elpd_loo_ik): ${s.objective.toFixed(6)})`);
    expect(text).toContain(
      `its objective is ${(s.objective - s.objectiveR).toExponential(2)} lower (${s.objectiveR.toFixed(6)})`,
    );
    const table = comparisonTable(c.rows);
    expect(table.columns.at(-1)).toBe('stacking_weight_r');
    expect(table.caption).toMatch(/R loo 2\.5\.1's stacking_weights, whose optimiser stops before the maximum/);
    expect(table.rows.map((row) => row.at(-2))).toEqual(c.rows.map((r) => r.weight));
    expect(table.rows.map((row) => row.at(-1))).toEqual(c.rows.map((r) => r.weightR));
  });

  it('no weight_r column or note when R reaches the maximum, nor for pseudo-BMA', () => {
    // two models, one dominating: R's barrier leaves ~1e-5 on the other, below the 1e-4 threshold
    const a = Float64Array.from(lpd[2]);
    const b = a.map((v) => v - 2);
    const named = [
      { name: 'a', loo: looOf(a) },
      { name: 'b', loo: looOf(b) },
    ];
    const c = compareModels(named);
    expect(c.stacking?.maxWeightDifference).toBeLessThan(1e-4);
    expect(formatCompare(c)).not.toMatch(/weight_r|note:/);
    expect(comparisonTable(c.rows).columns).not.toContain('stacking_weight_r');
    const p = compareModels(named, { method: 'pseudobma' });
    expect(p.stacking).toBeNull();
    expect(p.rows.every((r) => r.weightR === null)).toBe(true);
    expect(formatCompare(p)).toMatch(/weights: pseudo-BMA\n$/);
  });

  it('a flat objective: weights apart but the same objective get a note saying so, not "stops before the maximum"', () => {
    const c = compareModels(lpd.map((column, k) => ({ name: `m${k + 1}`, loo: looOf(column) })));
    const s = c.stacking;
    if (!s || s.objectiveR === null) throw new Error('no stacking summary');
    const flat = { ...c, stacking: { ...s, objectiveR: s.objective - 1e-12 } };
    const text = formatCompare(flat);
    expect(text).toMatch(/weight_r\n/);
    expect(text).toContain('score the same objective to 1e-9');
    expect(text).not.toContain('stops before the maximum');
  });

  it('on 40 random held-out comparisons of 2 to 5 models the maximum meets KKT and beats R, 1/K and every vertex', () => {
    const rng = new Rng(3);
    for (let t = 0; t < 40; t++) {
      const all = heldOut(100 + t, 150 + rng.int(250));
      const K = 2 + rng.int(4);
      const lpdK = all.slice(0, K);
      const s = stackingWithReference(lpdK);
      expect(s.optimum.converged).toBe(true);
      expectKkt(lpdK, s.optimum.weights, 1e-11);
      expect(s.optimum.objective).toBeGreaterThanOrEqual(s.objectiveR - 1e-9);
      expect(s.optimum.objective).toBeGreaterThanOrEqual(stackingObjective(lpdK, new Float64Array(K).fill(1 / K)));
      for (let k = 0; k < K; k++) {
        const vertex = new Float64Array(K);
        vertex[k] = 1;
        expect(s.optimum.objective).toBeGreaterThanOrEqual(stackingObjective(lpdK, vertex));
      }
    }
  });
});
