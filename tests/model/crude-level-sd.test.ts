/**
 * The levels' crude sd (src/model/crude-level-sd.ts): the joint one-step estimate for several terms of one grouping
 * factor against closed forms, and against simulated truth (gaussian data with known level sds), where the one-term
 * estimate of a slope carries the intercepts' spread.
 */
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { buildModel } from '../../src/model/build.js';
import { crudeLevelSd, jointCrudeLevelSds } from '../../src/model/crude-level-sd.js';
import { Rng } from '../../src/rng.js';

describe('jointCrudeLevelSds against closed forms', () => {
  it('one term: the same number as crudeLevelSd', () => {
    const index = Uint32Array.from([0, 0, 1, 1, 1, 2, 3, 3]);
    const x = Float64Array.from([1, 2, 0.5, -1, 3, 2, 1, 1]);
    const scores = Float64Array.from([0.4, 0.9, -1.2, 0.3, 0.8, -0.5, 2.0, 1.1]);
    const w = 0.7;
    const info = new Float64Array(4);
    for (let i = 0; i < 8; i++) info[index[i]] += w * x[i] * x[i];
    const alone = crudeLevelSd({ levels: 4, index, x }, info, scores);
    const joint = jointCrudeLevelSds(4, index, [x], () => w, scores);
    expect(alone).toBeGreaterThan(0);
    expect(joint[0]).toBeCloseTo(alone, 12);
  });

  it('intercept and a 0/1 slope: effects are the x = 0 mean score and the difference of means, variances 1/(w n0) and (1/n1 + 1/n0)/w', () => {
    // level k: n0 rows with x = 0 and scores s0, n1 rows with x = 1 and scores s1 (all alike within a group of rows)
    const design = [
      { n0: 2, s0: 0.3, n1: 1, s1: 1.0 },
      { n0: 3, s0: -0.2, n1: 2, s1: -0.1 },
      { n0: 1, s0: 0.5, n1: 3, s1: 0.2 },
      { n0: 4, s0: -0.6, n1: 1, s1: 0.9 },
    ];
    const w = 2.5;
    const index: number[] = [];
    const x: number[] = [];
    const s: number[] = [];
    design.forEach((d, k) => {
      for (let i = 0; i < d.n0; i++) (index.push(k), x.push(0), s.push(d.s0));
      for (let i = 0; i < d.n1; i++) (index.push(k), x.push(1), s.push(d.s1));
    });
    const sds = jointCrudeLevelSds(4, Uint32Array.from(index), [null, Float64Array.from(x)], () => w, Float64Array.from(s));
    // A_k = w [[n0 + n1, n1], [n1, n1]], g_k = [n0 s0 + n1 s1, n1 s1] → intercept s0/w, slope (s1 − s0)/w
    const a = design.map((d) => d.s0 / w);
    const b = design.map((d) => (d.s1 - d.s0) / w);
    const va = design.map((d) => 1 / (w * d.n0));
    const vb = design.map((d) => (1 / d.n1 + 1 / d.n0) / w);
    const moments = (e: number[], v: number[]) => {
      const m = e.reduce((p, q) => p + q, 0) / e.length;
      const spread = e.reduce((p, q) => p + (q - m) ** 2, 0);
      const noise = v.reduce((p, q) => p + q, 0);
      return Math.sqrt(Math.max(0, (spread - noise) / e.length));
    };
    expect(sds[0]).toBeCloseTo(moments(a, va), 12);
    expect(sds[1]).toBeCloseTo(moments(b, vb), 12);
  });

  it('a level whose slope is not identified (x = 0 on all its rows) is left out of both terms; fewer than two usable levels → NaN', () => {
    const index = Uint32Array.from([0, 0, 1, 1, 2, 2]);
    const x = Float64Array.from([0, 1, 0, 1, 0, 0]);
    const s = Float64Array.from([0.1, 0.5, -0.3, 0.2, 9, 9]);
    const three = jointCrudeLevelSds(3, index, [null, x], () => 1, s);
    const two = jointCrudeLevelSds(2, index.subarray(0, 4), [null, x.subarray(0, 4)], () => 1, s.subarray(0, 4));
    expect(three[0]).toBe(two[0]);
    expect(three[1]).toBe(two[1]);
    const one = jointCrudeLevelSds(3, Uint32Array.from([0, 0, 2, 2]), [null, Float64Array.from([0, 1, 0, 0])], () => 1, Float64Array.from([0.1, 0.2, 0.3, 0.4]));
    expect(Number.isNaN(one[0]) && Number.isNaN(one[1])).toBe(true);
  });
});

describe('simulated truth: levels with intercept sd 1 and slope sd 0.25', () => {
  // y = 2 + u_k + (0.5 + v_k)·x + ε, x ∈ {0, 1} (a visit indicator, half the rows), u ~ N(0, 1), v ~ N(0, 0.25²),
  // ε ~ N(0, 0.5²); 2,000 levels of 8 rows. Row scores of the gaussian log density at the pooled mean, with the true
  // noise precision w = 1/0.5² = 4: s_i = w (y_i − ȳ). The method of moments is consistent in the number of levels;
  // at 2,000 levels sd̂² of the slope has a sampling sd of about √(2/K)·(0.25² + 0.125) = 0.006, i.e. sd̂ = 0.25 ± 0.012.
  const rng = new Rng(20261203);
  const K = 2000;
  const g = new Uint32Array(8 * K);
  const x = new Float64Array(8 * K);
  const y = new Float64Array(8 * K);
  for (let k = 0; k < K; k++) {
    const u = rng.normal();
    const v = 0.25 * rng.normal();
    for (let i = 0; i < 8; i++) {
      const r = 8 * k + i;
      g[r] = k;
      x[r] = i % 2;
      y[r] = 2 + u + (0.5 + v) * x[r] + 0.5 * rng.normal();
    }
  }
  const w = 4;
  const mean = y.reduce((p, q) => p + q, 0) / y.length;
  const scores = Float64Array.from(y, (v) => w * (v - mean));

  it('jointly: intercept sd near 1 and slope sd near 0.25 (within 15%)', () => {
    const [intercept, slope] = jointCrudeLevelSds(K, g, [null, x], () => w, scores);
    expect(intercept).toBeGreaterThan(0.85);
    expect(intercept).toBeLessThan(1.15);
    expect(slope).toBeGreaterThan(0.25 * 0.85);
    expect(slope).toBeLessThan(0.25 * 1.15);
  });

  it('alone, the slope reads the level deviation on its x = 1 rows: near √(1 + 0.25²) = 1.03, not 0.25', () => {
    const info = new Float64Array(K);
    for (let i = 0; i < y.length; i++) info[g[i]] += w * x[i] * x[i];
    const alone = crudeLevelSd({ levels: K, index: g, x }, info, scores);
    expect(alone).toBeGreaterThan(0.85);
    expect(alone).toBeLessThan(1.2);
  });

  it('gaussian: the rule keeps the one-term estimates (its crude noise is the outcome\'s whole variance; JOINT_CRUDE_FAMILIES)', () => {
    const frame = frameFromColumns(
      [numericColumn('y', y), numericColumn('x', x), categoricalColumn('g', g, Array.from({ length: K }, (_, k) => `L${k}`))],
      'simulated levels',
    );
    const slopeOf = (formula: string) => buildModel(frame, formula, { family: 'gaussian' }).parameterization.find((e) => e.label === 'g__x')!.sdEstimate!;
    expect(slopeOf('y ~ x + (1 + x | g)')).toBe(slopeOf('y ~ x + (0 + x | g)'));
  });
});

describe('the rule on poisson counts: the joint estimate for the terms of one factor', () => {
  // y ~ Poisson(exp(1 + u_k + (0.3 + v_k)·x)), u ~ N(0, 0.8²), v ~ N(0, 0.15²), x ∈ {0, 1}; 1,000 levels of 10 rows
  const rng = new Rng(7);
  const K = 1000;
  const g = new Uint32Array(10 * K);
  const x = new Float64Array(10 * K);
  const y = new Float64Array(10 * K);
  for (let k = 0; k < K; k++) {
    const u = 0.8 * rng.normal();
    const v = 0.15 * rng.normal();
    for (let i = 0; i < 10; i++) {
      const r = 10 * k + i;
      g[r] = k;
      x[r] = i % 2;
      y[r] = rng.poisson(Math.exp(1 + u + (0.3 + v) * x[r]));
    }
  }
  const frame = frameFromColumns(
    [numericColumn('y', y), numericColumn('x', x), categoricalColumn('g', g, Array.from({ length: K }, (_, k) => `L${k}`))],
    'simulated counts',
  );
  const slopeOf = (formula: string) => buildModel(frame, formula, { family: 'poisson' }).parameterization.find((e) => e.label === 'g__x')!.sdEstimate!;

  it('(1 + x | g) and (1 | g) + (0 + x | g) give the same slope estimate, far below the one-term estimate of (0 + x | g), which carries the intercepts’ spread', () => {
    const corr = slopeOf('y ~ x + (1 + x | g)');
    expect(slopeOf('y ~ x + (1 | g) + (0 + x | g)')).toBe(corr);
    // jointly 0.37 against the true 0.15 (the crude information μ̄ per row ignores how μ varies between levels),
    // alone 1.06: the intercepts' 0.8 and more
    expect(corr).toBeLessThan(0.45);
    expect(slopeOf('y ~ x + (0 + x | g)')).toBeGreaterThan(0.9);
  });
});
