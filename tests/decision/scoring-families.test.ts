/**
 * Scoring for every family: per row the expected outcome of each draw against closed forms written out here from the
 * given draws (σ(η); Φ(η) at tabulated points; trials·σ(η); η; e^η; e^{η + σ²/2}), its mean and type-7 quantiles,
 * and a non-bernoulli treatment uplift. New group levels: zero gives the fixed-only prediction; sample draws
 * sd[s]·z from the level's own seeded stream (replayed by hand), jointly through the correlation's Cholesky factor
 * when cor_ draws exist, with the spread of Normal(0, sd); uncertainty picks, per draw, one existing level's effects
 * for every term of the group (a uniform mixture); results are reproducible by seed, the same per level whatever the
 * other rows, and bad modes and seeds are one-line errors.
 */
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import type { Frame } from '../../src/data/frame.js';
import { quantileSorted } from '../../src/numeric/quantile.js';
import { drawNewLevel, groupSpread, newLevelStream } from '../../src/decision/new-levels.js';
import { prepareScoring } from '../../src/decision/scoring-model.js';
import { rowNewLevels, scoreFrame, type RowSummary } from '../../src/decision/scoring.js';
import { makeDrawSet, type DrawSet } from '../../src/draws.js';
import { UserError } from '../../src/errors.js';
import { buildModel, type BuildOptions } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import { Rng } from '../../src/rng.js';
import { rankedTable } from '../../src/report/score-report.js';
import { DEFAULT_THRESHOLDS } from '../../src/decision/policy.js';

const close = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-13 + 1e-12 * Math.abs(b));

/** 12 training rows: x, a 0/1 treatment, group g with levels A, B, C, and an outcome valid for every family. */
function trainingFrame(): Frame {
  const n = 12;
  const x = Float64Array.from({ length: n }, (_, i) => (i - 5.5) / 4);
  return frameFromColumns(
    [
      numericColumn('y', Float64Array.from({ length: n }, (_, i) => 1 + (i % 4))),
      numericColumn('k', Float64Array.from({ length: n }, (_, i) => i % 2)),
      numericColumn('n', Float64Array.from({ length: n }, () => 5)),
      numericColumn('x', x),
      numericColumn('treatment', Float64Array.from({ length: n }, (_, i) => (i < 6 ? 1 : 0))),
      categoricalColumn('g', Uint32Array.from({ length: n }, (_, i) => i % 3), ['A', 'B', 'C']),
    ],
    'training rows',
  );
}

/** Rows to score: x, level of g (an unseen "D" in row 3), trials n. */
function newRows(levels: readonly string[] = ['A', 'C', 'D'], x: readonly number[] = [0.5, -1, 2]): Frame {
  const names = [...new Set(levels)];
  return frameFromColumns(
    [
      numericColumn('x', Float64Array.from(x)),
      numericColumn('n', Float64Array.from(levels, (_, i) => 3 + i)),
      categoricalColumn('g', Uint32Array.from(levels, (l) => names.indexOf(l)), names),
    ],
    'new rows',
  );
}

/** Draws for every constrained variable: value(name, s), S = 2 chains × 5 draws. */
function drawsFor(names: readonly string[], value: (name: string, s: number) => number, chains = 2, perChain = 5): DrawSet {
  const ds = makeDrawSet(names, chains, perChain);
  const S = chains * perChain;
  names.forEach((name, v) => {
    for (let s = 0; s < S; s++) ds.values[v * S + s] = value(name, s);
  });
  return ds;
}

/** Illustrative draws: b_Intercept, b_x, sd, r per level, sigma/shape, all varying by draw. */
function value(name: string, s: number): number {
  if (name === 'b_Intercept') return 0.3 + 0.1 * s;
  if (name === 'b_x') return -0.2 + 0.05 * s;
  if (name === 'b_treatment') return 0.4 - 0.03 * s;
  if (name.startsWith('sd_')) return 0.5 + 0.02 * s;
  if (name === 'sigma') return 0.4 + 0.1 * s;
  if (name === 'shape') return 2 + s;
  const level = /\[(\d+)\]$/.exec(name);
  if (level) return 0.1 * Number(level[1]) - 0.25 + 0.01 * s;
  throw new Error(`no value for ${name}`);
}

/** Mean and type-7 quantiles of the draws, by sorting (R's quantile). */
function summary(draws: Float64Array, interval: readonly [number, number] = [0.1, 0.9]): { mean: number; low: number; high: number } {
  const sorted = Float64Array.from(draws).sort();
  return { mean: draws.reduce((a, b) => a + b, 0) / draws.length, low: quantileSorted(sorted, interval[0]), high: quantileSorted(sorted, interval[1]) };
}

function expectRow(got: RowSummary, i: number, want: { mean: number; low: number; high: number }): void {
  close(got.mean[i], want.mean);
  close(got.low[i], want.low);
  close(got.high[i], want.high);
}

const sigmoid = (h: number): number => 1 / (1 + Math.exp(-h));

interface FamilyCase {
  readonly name: string;
  readonly formula: string;
  readonly options: BuildOptions;
  /** E[y] per draw from η and the draw index, written out by hand. */
  readonly expected: (eta: number, s: number, row: number) => number;
  readonly measure: 'probability' | 'expected';
}

const CASES: FamilyCase[] = [
  { name: 'bernoulli', formula: 'k ~ x + (1 | g)', options: {}, expected: (h) => sigmoid(h), measure: 'probability' },
  { name: 'gaussian', formula: 'y ~ x + (1 | g)', options: { family: 'gaussian' }, expected: (h) => h, measure: 'expected' },
  { name: 'poisson', formula: 'y ~ x + (1 | g)', options: { family: 'poisson' }, expected: (h) => Math.exp(h), measure: 'expected' },
  { name: 'negbinomial', formula: 'y ~ x + (1 | g)', options: { family: 'negbinomial' }, expected: (h) => Math.exp(h), measure: 'expected' },
  { name: 'gamma', formula: 'y ~ x + (1 | g)', options: { family: 'gamma' }, expected: (h) => Math.exp(h), measure: 'expected' },
  // the mean of a log-normal: E[y] = exp(μ + σ²/2), σ = sigma's draw
  { name: 'lognormal', formula: 'y ~ x + (1 | g)', options: { family: 'lognormal' }, expected: (h, s) => Math.exp(h + (0.4 + 0.1 * s) ** 2 / 2), measure: 'expected' },
];

describe('expected values per family', () => {
  const frame = trainingFrame();
  const rows = newRows(['A', 'C', 'B'], [0.5, -1, 2]);
  const level = [1, 3, 2];
  for (const c of CASES) {
    it(`${c.name}: each row's draws are the family's E[y | η] of the closed form`, () => {
      const model = buildModel(frame, c.formula, c.options);
      const draws = drawsFor(constrainedNames(model.spec), value);
      const S = draws.nChains * draws.nDraws;
      const result = scoreFrame(prepareScoring({ recipe: model.recipe, draws }), rows, { interval: [0.05, 0.8] });
      expect(result.measure).toBe(c.measure);
      const own = c.measure === 'probability' ? result.probability : result.expected;
      expect(own).not.toBeNull();
      if (c.measure === 'probability') expect(result.expected).toBeNull();
      else expect(result.probability).toBeNull();
      for (let i = 0; i < 3; i++) {
        const x = rows.columns.get('x');
        if (x?.kind !== 'numeric') throw new Error('x');
        const want = Float64Array.from({ length: S }, (_, s) => c.expected(value('b_Intercept', s) + value('b_x', s) * x.values[i] + value(`r_g__Intercept[${level[i]}]`, s), s, i));
        expectRow(own as RowSummary, i, summary(want, [0.05, 0.8]));
      }
    });
  }

  it('probit: Φ(η) at tabulated points (R: pnorm(c(0, 1, -1, 2, 1.96)))', () => {
    const model = buildModel(frame, 'k ~ 1', { link: 'probit' });
    const eta = [0, 1, -1, 2, 1.96];
    const phi = [0.5, 0.8413447460685429, 0.15865525393145707, 0.9772498680518208, 0.9750021048517795];
    const draws = drawsFor(['b_Intercept'], (_, s) => eta[s], 1, 5);
    const result = scoreFrame(prepareScoring({ recipe: model.recipe, draws }), newRows(), { interval: [0, 1] });
    const mean = phi.reduce((a, b) => a + b, 0) / 5;
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(result.probability!.mean[i] - mean)).toBeLessThan(1e-15);
      expect(Math.abs(result.probability!.low[i] - phi[2])).toBeLessThan(1e-15);
      expect(Math.abs(result.probability!.high[i] - phi[3])).toBeLessThan(1e-15);
    }
  });

  it('binomial: P per trial, and trials · P as expected successes when the rows carry the trials column', () => {
    const model = buildModel(frame, 'k | trials(n) ~ x');
    const draws = drawsFor(constrainedNames(model.spec), value);
    const S = draws.nChains * draws.nDraws;
    const scoring = prepareScoring({ recipe: model.recipe, draws });
    const result = scoreFrame(scoring, rows);
    const x = [0.5, -1, 2];
    for (let i = 0; i < 3; i++) {
      const p = Float64Array.from({ length: S }, (_, s) => sigmoid(value('b_Intercept', s) + value('b_x', s) * x[i]));
      expectRow(result.probability!, i, summary(p));
      expectRow(result.expected!, i, summary(p.map((v) => (3 + i) * v)));
    }
    // the ranked list: both, per-trial probability first
    const table = rankedTable(result, rows, DEFAULT_THRESHOLDS);
    expect(table.columns).toEqual(['rank', 'row', 'p_mean', 'p_10%', 'p_90%', 'expected_mean', 'expected_10%', 'expected_90%']);
    const top = table.rows[0];
    expect(top[5]).toBe(result.expected!.mean[(top[1] as number) - 1]);
    // without the trials column: probabilities only
    const noTrials = frameFromColumns([rows.columns.get('x')!, rows.columns.get('g')!], 'rows without n');
    expect(scoreFrame(scoring, noTrials).expected).toBeNull();
    const bad = frameFromColumns([rows.columns.get('x')!, numericColumn('n', Float64Array.from([3, 2.5, 1]))], 'bad.csv');
    expect(() => scoreFrame(scoring, bad)).toThrow(/^bad\.csv, row 2: trials column "n" must be a whole number ≥ 0, got 2\.5$/);
  });

  it('poisson with a treatment: uplift per draw is e^{η(1)} − e^{η(0)}, arms and P(uplift > 0) from the same draws', () => {
    const model = buildModel(frame, 'y ~ treatment + x', { family: 'poisson' });
    const draws = drawsFor(constrainedNames(model.spec), value);
    const S = draws.nChains * draws.nDraws;
    const treatedRows = frameFromColumns([rows.columns.get('x')!, numericColumn('treatment', Float64Array.from([1, 0, 1]))], 'arms');
    const result = scoreFrame(prepareScoring({ recipe: model.recipe, draws }), treatedRows);
    const x = [0.5, -1, 2];
    for (let i = 0; i < 3; i++) {
      const mu = (t: number) => Float64Array.from({ length: S }, (_, s) => Math.exp(value('b_Intercept', s) + value('b_treatment', s) * t + value('b_x', s) * x[i]));
      const [on, off] = [mu(1), mu(0)];
      const uplift = on.map((v, s) => v - off[s]);
      expectRow(result.uplift!, i, summary(uplift));
      close(result.treated![i], summary(on).mean);
      close(result.control![i], summary(off).mean);
      expect(result.probUpliftPositive![i]).toBe(uplift.filter((u) => u > 0).length / S);
      expectRow(result.expected!, i, summary(i === 1 ? off : on));
    }
  });
});

describe('new group levels', () => {
  const frame = trainingFrame();
  const model = buildModel(frame, 'y ~ x + (1 + x || g)', { family: 'gaussian' });
  const names = constrainedNames(model.spec);

  it('zero (the default): the fixed-only prediction; rows name their new groups', () => {
    const draws = drawsFor(names, value);
    const S = draws.nChains * draws.nDraws;
    const scoring = prepareScoring({ recipe: model.recipe, draws });
    const rows = newRows();
    const result = scoreFrame(scoring, rows);
    expect(result.newLevels).toBe('zero');
    const fixedOnly = Float64Array.from({ length: S }, (_, s) => value('b_Intercept', s) + value('b_x', s) * 2);
    expectRow(result.expected!, 2, summary(fixedOnly));
    expect([0, 1, 2].map((i) => rowNewLevels(result, i))).toEqual([[], [], ['g']]);
    expect(result.newLevelRows).toEqual(new Map([['g', 1]]));
    expect(scoreFrame(scoring, rows, { newLevels: 'zero' }).expected!.mean).toEqual(result.expected!.mean);
  });

  it('sample, independent terms: effect = sd[s] · z from the level\'s own stream, replayed by hand', () => {
    const draws = drawsFor(names, value);
    const S = draws.nChains * draws.nDraws;
    const scoring = prepareScoring({ recipe: model.recipe, draws });
    const result = scoreFrame(scoring, newRows(), { newLevels: 'sample', seed: 42, interval: [0.1, 0.9] });
    const rng = newLevelStream(42, 'g', 'D');
    const eta = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      // draw order: per draw, the group's terms in order (Intercept, x)
      const r0 = value('sd_g__Intercept', s) * rng.normal();
      const r1 = value('sd_g__x', s) * rng.normal();
      eta[s] = value('b_Intercept', s) + r0 + (value('b_x', s) + r1) * 2;
    }
    expectRow(result.expected!, 2, summary(eta));
    // seen rows are untouched by the mode
    expect(result.expected!.mean[0]).toBe(scoreFrame(scoring, newRows()).expected!.mean[0]);
  });

  it('sample: the new level\'s effects have the spread Normal(0, sd), independently, with 20,000 draws', () => {
    const S = 20_000;
    const draws = drawsFor(names, (name) => (name === 'sd_g__Intercept' ? 0.7 : name === 'sd_g__x' ? 2 : name.startsWith('r_') ? 5 : 0), 1, S);
    const spread = groupSpread('g', [0, 1], ['Intercept', 'x'], S, (n) => {
      const v = draws.names.indexOf(n);
      return v < 0 ? null : draws.values.subarray(v * S, (v + 1) * S);
    });
    expect(spread.cholesky).toBeNull();
    const out = new Float64Array(2 * S);
    drawNewLevel('sample', spread, [], 3, S, new Rng(9, 0), out);
    const moments = (j: number) => {
      const v = out.subarray(j * S, (j + 1) * S);
      const mean = v.reduce((a, b) => a + b, 0) / S;
      return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (S - 1)) };
    };
    const [a, b] = [moments(0), moments(1)];
    // standard errors: sd/√S for the mean, ≈ sd/√(2S) for the sd; 4 of them
    expect(Math.abs(a.mean)).toBeLessThan((4 * 0.7) / Math.sqrt(S));
    expect(Math.abs(a.sd - 0.7)).toBeLessThan((4 * 0.7) / Math.sqrt(2 * S));
    expect(Math.abs(b.sd - 2)).toBeLessThan((4 * 2) / Math.sqrt(2 * S));
    let cross = 0;
    for (let s = 0; s < S; s++) cross += out[s] * out[S + s];
    expect(Math.abs(cross / S / (0.7 * 2))).toBeLessThan(4 / Math.sqrt(S));
  });

  it('sample with correlation draws: r = diag(sd) · L · z, replayed by hand, and the sample correlation is cor', () => {
    const S = 20_000;
    const rho = (s: number) => (s % 2 === 0 ? 0.8 : -0.3);
    const withCor = [...names, 'cor_g__Intercept__x'];
    const draws = drawsFor(withCor, (name, s) => (name === 'cor_g__Intercept__x' ? rho(s) : name.startsWith('sd_') ? (name.endsWith('x') ? 2 : 0.5) : 0), 1, S);
    const scoring = prepareScoring({ recipe: model.recipe, draws });
    expect(scoring.spreads[0].cholesky).not.toBeNull();
    const out = new Float64Array(2 * S);
    drawNewLevel('sample', scoring.spreads[0], scoring.r, 3, S, newLevelStream(3, 'g', 'D'), out);
    const rng = newLevelStream(3, 'g', 'D');
    for (let s = 0; s < 50; s++) {
      const z0 = rng.normal();
      const z1 = rng.normal();
      close(out[s], 0.5 * z0);
      close(out[S + s], 2 * (rho(s) * z0 + Math.sqrt(1 - rho(s) ** 2) * z1));
    }
    // the even draws' correlation is 0.8 (se ≈ (1 − ρ²)/√n)
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let s = 0; s < S; s += 2) {
      sxy += out[s] * out[S + s];
      sxx += out[s] ** 2;
      syy += out[S + s] ** 2;
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy) - 0.8)).toBeLessThan((4 * 0.36) / Math.sqrt(S / 2));
    // scoring uses the same draws: a new row at x = 0 has η = b_Intercept + r_Intercept(new) = 0.5 z0
    const rows = newRows(['D'], [0]);
    const result = scoreFrame(scoring, rows, { newLevels: 'sample', seed: 3, interval: [0.25, 0.75] });
    expectRow(result.expected!, 0, summary(out.subarray(0, S), [0.25, 0.75]));
  });

  it('uncertainty: per draw the effects of one existing level, the same level for every term, uniformly', () => {
    const S = 6000;
    // r of level k at draw s: distinct for every (k, s), Intercept and x terms tied to the same k
    const draws = drawsFor(names, (name, s) => {
      const m = /^r_g__(Intercept|x)\[(\d)\]$/.exec(name);
      if (m) return (m[1] === 'x' ? 1000 : 0) + Number(m[2]) * 10 + s / S;
      return name.startsWith('sd_') ? 1 : 0;
    }, 1, S);
    const scoring = prepareScoring({ recipe: model.recipe, draws });
    const out = new Float64Array(2 * S);
    drawNewLevel('uncertainty', scoring.spreads[0], scoring.r, 3, S, newLevelStream(1, 'g', 'D'), out);
    const counts = [0, 0, 0];
    for (let s = 0; s < S; s++) {
      const k = Math.round((out[s] - s / S) / 10);
      expect(k).toBeGreaterThanOrEqual(1);
      expect(k).toBeLessThanOrEqual(3);
      close(out[s], k * 10 + s / S);
      close(out[S + s], 1000 + k * 10 + s / S);
      counts[k - 1]++;
    }
    // multinomial(S, 1/3): sd √(S · 1/3 · 2/3) ≈ 36.5
    for (const c of counts) expect(Math.abs(c - S / 3)).toBeLessThan(4 * Math.sqrt((S * 2) / 9));
    // scoring at x = 0: E[y] per draw is the chosen level's intercept effect
    const result = scoreFrame(scoring, newRows(['D'], [0]), { newLevels: 'uncertainty', seed: 1, interval: [0.2, 0.7] });
    expectRow(result.expected!, 0, summary(out.subarray(0, S), [0.2, 0.7]));
  });

  it('is reproducible by seed, the same for one level whatever the other rows, and different per level and seed', () => {
    const draws = drawsFor(names, value, 2, 50);
    const scoring = prepareScoring({ recipe: model.recipe, draws });
    for (const mode of ['sample', 'uncertainty'] as const) {
      const rows = newRows(['D', 'A', 'E', 'D'], [1, 1, 1, 1]);
      const a = scoreFrame(scoring, rows, { newLevels: mode, seed: 7 });
      const b = scoreFrame(scoring, rows, { newLevels: mode, seed: 7, blockValues: 100 });
      expect(b.expected).toEqual(a.expected);
      // rows 0 and 3 share level D (same x): the same draws
      expect(a.expected!.mean[3]).toBe(a.expected!.mean[0]);
      expect(a.expected!.mean[2]).not.toBe(a.expected!.mean[0]);
      // the row alone
      const alone = scoreFrame(scoring, newRows(['D'], [1]), { newLevels: mode, seed: 7 });
      expect(alone.expected!.mean[0]).toBe(a.expected!.mean[0]);
      expect(alone.expected!.low[0]).toBe(a.expected!.low[0]);
      const other = scoreFrame(scoring, rows, { newLevels: mode, seed: 8 });
      expect(other.expected!.mean[0]).not.toBe(a.expected!.mean[0]);
      expect(other.expected!.mean[1]).toBe(a.expected!.mean[1]);
      expect([0, 1, 2, 3].map((i) => rowNewLevels(a, i))).toEqual([['g'], [], ['g'], ['g']]);
    }
  });

  it('names the option in one line for a bad mode or seed, and a sample without sd draws', () => {
    const draws = drawsFor(names, value);
    const scoring = prepareScoring({ recipe: model.recipe, draws });
    const bad = (f: () => unknown, message: RegExp) => {
      let caught: unknown;
      try {
        f();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(UserError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain('\n');
    };
    bad(() => scoreFrame(scoring, newRows(), { newLevels: 'gaussian' as never }), /^newLevels must be zero, sample or uncertainty, got "gaussian"$/);
    bad(() => scoreFrame(scoring, newRows(), { newLevels: 'sample', seed: -1 }), /^seed must be a whole number from 0 to 2\^53 − 1, got -1$/);
    const noSd = drawsFor(names.filter((n) => !n.startsWith('sd_')), value);
    const without = prepareScoring({ recipe: model.recipe, draws: noSd });
    bad(() => scoreFrame(without, newRows(), { newLevels: 'sample' }), /^sampling the effects of new g levels needs the draws of sd_g__Intercept, which this run lacks$/);
    // zero and uncertainty need no sd
    expect(scoreFrame(without, newRows(), { newLevels: 'uncertainty' }).expected!.mean).toHaveLength(3);
  });
});
