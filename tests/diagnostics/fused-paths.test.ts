/**
 * The summary's one-pass routes against the step-by-step definitions they replace (each step of which the golden
 * tests check against R posterior 1.4): R-hat of rank-normalized split draws from the sorted order vs
 * `rhatOfChains(rankNormalizedSplit(x))`, the sorted folded draws from the sorted draws vs sorting |x − median|,
 * the centered split indicator vs centering `splitChains` of a 0/1 array, and the centering's NA flag vs
 * `constantOrNonFinite`. Agreement is to rounding (relative 1e-13), on AR(1) chains, odd draw counts, ties and
 * chains stuck in separate modes.
 */
import { describe, expect, it } from 'vitest';
import { centerChains } from '../../src/diagnostics/autocovariance.js';
import type { ChainDraws } from '../../src/diagnostics/chains.js';
import { constantOrNonFinite, splitChains, splitLength, splitSortedDraws, withValues } from '../../src/diagnostics/chains.js';
import { centeredSplitIndicator, essOfCentered, essOfChains } from '../../src/diagnostics/ess.js';
import { sortFolded } from '../../src/diagnostics/fold.js';
import { medianSorted } from '../../src/numeric/quantile.js';
import { rankNormalizedRhat, rankNormalizedSplit } from '../../src/diagnostics/rank-normalize.js';
import { rhatOfChains } from '../../src/diagnostics/rhat.js';
import { sortDraws } from '../../src/diagnostics/sort.js';
import { Rng } from '../../src/rng.js';

const rng = new Rng(77);

function ar1(nChains: number, nDraws: number, rho: number, shift: (c: number) => number = () => 0): ChainDraws {
  const values = new Float64Array(nChains * nDraws);
  for (let c = 0; c < nChains; c++) {
    let y = rng.normal();
    for (let d = 0; d < nDraws; d++) {
      y = rho * y + Math.sqrt(1 - rho * rho) * rng.normal();
      values[c * nDraws + d] = y + shift(c);
    }
  }
  return { values, nChains, nDraws };
}

const cases: [string, ChainDraws][] = [
  ['AR(1) 0.5, even draws', ar1(4, 1000, 0.5)],
  ['AR(1) 0.9, odd draws', ar1(3, 777, 0.9)],
  ['chains stuck in separate modes', ar1(4, 500, 0.3, (c) => 100 * c)],
  ['ties (rounded draws)', withValues(ar1(4, 600, 0.7), ar1(4, 600, 0.7).values.map((v) => Math.round(v * 2)))],
  ['one chain', ar1(1, 401, 0.2)],
];

function relative(a: number | null, b: number | null): number {
  if (a === null || b === null) return a === b ? 0 : Infinity;
  return Math.abs(a - b) / Math.abs(b);
}

describe('rankNormalizedRhat', () => {
  it.each(cases)('%s: bulk and folded R-hat as rhatOfChains of the rank-normalized split draws', (_, x) => {
    const sorted = sortDraws(x.values);
    const nSplit = 2 * x.nChains;
    const h = splitLength(x.nDraws);
    const z = new Float64Array(nSplit * h);
    const bulk = rankNormalizedSplit(x, sorted);
    expect(relative(rankNormalizedRhat(splitSortedDraws(x, sorted), nSplit, h, z), rhatOfChains(bulk))).toBeLessThan(1e-13);
    expect(Array.from(z)).toEqual(Array.from(bulk.values));
    const med = medianSorted(sorted.sorted);
    const folded = withValues(x, x.values.map((v) => Math.abs(v - med)));
    const want = rhatOfChains(rankNormalizedSplit(folded));
    expect(relative(rankNormalizedRhat(splitSortedDraws(x, sortFolded(sorted)), nSplit, h), want)).toBeLessThan(1e-13);
  });
  it('is null when every draw ties, and for chains each constant (W = 0)', () => {
    const x = { values: new Float64Array(40).fill(3), nChains: 2, nDraws: 20 };
    expect(rankNormalizedRhat(sortDraws(x.values), 4, 10)).toBeNull();
    const y = { values: Float64Array.from({ length: 40 }, (_, i) => Math.floor(i / 10)), nChains: 2, nDraws: 20 };
    expect(rankNormalizedRhat(sortDraws(y.values), 4, 10)).toBeNull();
    expect(rhatOfChains(rankNormalizedSplit(y))).toBeNull();
  });
});

describe('sortFolded', () => {
  it.each(cases)('%s: ascending |x − median| and the permutation giving it', (_, x) => {
    const sorted = sortDraws(x.values);
    const med = medianSorted(sorted.sorted);
    const { order, sorted: f } = sortFolded(sorted);
    const want = Array.from(x.values, (v) => Math.abs(v - med)).sort((a, b) => a - b);
    // (+ 0 turns a -0 deviation, from a -0 draw at a median of 0, into the 0 it equals)
    expect(Array.from(f, (v) => v + 0)).toEqual(want);
    let wrong = 0;
    for (let k = 0; k < f.length; k++) if (Math.abs(x.values[order[k]] - med) !== f[k]) wrong++;
    expect(wrong).toBe(0);
  });
});

describe('centeredSplitIndicator', () => {
  it.each(cases)('%s: the centered split chains of I(x ≤ q) and their ESS', (_, x) => {
    const sorted = sortDraws(x.values);
    for (const q of [sorted.sorted[Math.floor(0.05 * x.values.length)], sorted.sorted[Math.floor(0.95 * x.values.length)]]) {
      const indicator = withValues(x, x.values.map((v) => (v <= q ? 1 : 0)));
      const want = centerChains(splitChains(indicator));
      const got = centeredSplitIndicator(x, q, new Float64Array(want.centered.length));
      expect([got.nChains, got.nDraws, got.degenerate]).toEqual([want.nChains, want.nDraws, want.degenerate]);
      let worst = 0;
      for (let i = 0; i < got.centered.length; i++) worst = Math.max(worst, Math.abs(got.centered[i] - want.centered[i]));
      expect(worst).toBeLessThan(1e-15);
      expect(Array.from(got.scales)).toEqual(Array.from(want.scales));
      expect(relative(essOfCentered(got), essOfChains(splitChains(indicator)))).toBeLessThan(1e-12);
    }
  });
  it('flags an indicator that is all ones (q at the maximum) as NA', () => {
    const x = ar1(2, 100, 0.1);
    const got = centeredSplitIndicator(x, Infinity, new Float64Array(200));
    expect(got.degenerate).toBe(true);
    expect(essOfCentered(got)).toBeNull();
  });
});

describe('centerChains: the NA flag', () => {
  const base = (): Float64Array => ar1(2, 50, 0.3).values;
  const variants: [string, Float64Array][] = [
    ['ordinary draws', base()],
    ['constant', new Float64Array(100).fill(2.5)],
    ['within machine epsilon', Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? 1e-17 : 0))],
    ['a NaN', base().map((v, i) => (i === 37 ? NaN : v))],
    ['an infinity', base().map((v, i) => (i === 80 ? -Infinity : v))],
    ['finite draws whose sum overflows', Float64Array.from({ length: 100 }, (_, i) => (i < 60 ? 1.7e308 : 1e308))],
  ];
  it.each(variants)('%s: as constantOrNonFinite', (_, values) => {
    expect(centerChains({ values, nChains: 2, nDraws: 50 }).degenerate).toBe(constantOrNonFinite(values));
  });
});
