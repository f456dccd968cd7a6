/**
 * Sorting (against Array.prototype.sort) and the HDI against a brute-force search over all intervals of sorted draws
 * (property test on seeded random draws). The quantiles, median and MAD: tests/numeric/quantile.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { hdi } from '../../src/diagnostics/hdi.js';
import { sortDraws } from '../../src/diagnostics/sort.js';
import { Rng } from '../../src/rng.js';

describe('sortDraws', () => {
  const rng = new Rng(2024);
  const generators: [string, () => number][] = [
    ['normal', () => rng.normal()],
    ['values sharing their high 32 bits (long runs)', () => 1000 + 1e-9 * rng.normal()],
    ['heavy ties', () => rng.int(5) - 2],
    ['signed zeros and subnormals', () => [0, -0, 5e-324, -5e-324, rng.normal() * 1e-300][rng.int(5)]],
    ['huge and tiny magnitudes', () => rng.normal() * 10 ** (rng.int(600) - 300)],
  ];
  it.each(generators)('%s: sorted values ascending, order a permutation pointing at them', (_, gen) => {
    const n = 20_000;
    const v = Float64Array.from({ length: n }, gen);
    const { order, sorted } = sortDraws(v);
    const want = Array.from(v).sort((a, b) => a - b);
    let wrong = 0;
    for (let k = 0; k < n; k++) {
      if (sorted[k] !== want[k]) wrong++; // -0 === 0
      if (!Object.is(sorted[k], v[order[k]])) wrong++;
    }
    expect(wrong).toBe(0);
    const seen = new Uint8Array(n);
    for (const i of order) seen[i]++;
    expect(seen.every((c) => c === 1)).toBe(true);
  });
  it('is stable (tied draws keep their index order), also with long runs of one high word', () => {
    const n = 20_000;
    for (const gen of [() => rng.int(5) - 2, () => -1000 - 1e-9 * rng.int(40), () => 1000 + 1e-9 * rng.int(40)]) {
      const v = Float64Array.from({ length: n }, gen);
      const { order, sorted } = sortDraws(v);
      let wrong = 0;
      for (let k = 1; k < n; k++) if (sorted[k] === sorted[k - 1] && order[k] < order[k - 1]) wrong++;
      expect(wrong).toBe(0);
      expect(Array.from(sorted)).toEqual(Array.from(v).sort((a, b) => a - b));
    }
  });
  it('writes into `out` when given, with the same result as fresh arrays', () => {
    const v = Float64Array.from({ length: 5000 }, () => rng.normal());
    const fresh = sortDraws(v);
    const out = { order: new Uint32Array(5000), sorted: new Float64Array(5000) };
    expect(sortDraws(v, out)).toBe(out);
    expect(out.order).toEqual(fresh.order);
    expect(out.sorted).toEqual(fresh.sorted);
    expect(() => sortDraws(v, { order: new Uint32Array(4), sorted: new Float64Array(4) })).toThrow(RangeError);
  });
});

/** The shortest [x₍ᵢ₎, x₍ᵢ₊ₖ₎] by trying every i, with ArviZ's k = ⌊prob·n⌋, ties to the first. */
function bruteForceHdi(sorted: Float64Array, prob: number): [number, number] {
  const n = sorted.length;
  const k = Math.floor(prob * n);
  let best: [number, number] = [sorted[0], sorted[k]];
  for (let i = 0; i + k < n; i++) {
    if (sorted[i + k] - sorted[i] < best[1] - best[0]) best = [sorted[i], sorted[i + k]];
  }
  return best;
}

/** How many draws lie in [lo, hi]. */
function inside(sorted: Float64Array, lo: number, hi: number): number {
  return sorted.filter((v) => v >= lo && v <= hi).length;
}

describe('hdi (property test against a brute-force search)', () => {
  const rng = new Rng(94);
  const shapes: (() => number)[] = [
    () => rng.normal(),
    () => rng.exponential(),
    () => Math.exp(rng.normal()),
    () => (rng.uniform() < 0.3 ? rng.normal() - 4 : rng.normal() + 2),
    () => rng.int(6),
  ];
  it('200 random cases: same interval, at least ⌈prob·n⌉ draws inside, and no narrower interval holds as many', () => {
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(400);
      const prob = 0.05 + 0.9 * rng.uniform();
      const draws = Float64Array.from({ length: n }, shapes[trial % shapes.length]).sort();
      const { low, high } = hdi(draws, prob);
      const [bl, bh] = bruteForceHdi(draws, prob);
      expect([low, high]).toEqual([bl, bh]);
      expect(inside(draws, low, high)).toBeGreaterThanOrEqual(Math.ceil(prob * n));
      // exhaustive: every interval of sorted draws holding ⌊prob·n⌋ + 1 draws is at least as wide
      const k = Math.floor(prob * n);
      let narrower = 0;
      for (let i = 0; i + k < n; i++) if (draws[i + k] - draws[i] < high - low) narrower++;
      expect(narrower).toBe(0);
    }
  });
  it('default 94%, and a probability outside (0, 1) is refused', () => {
    const draws = Float64Array.from({ length: 100 }, (_, i) => i);
    expect(hdi(draws)).toEqual({ low: 0, high: 94 });
    expect(() => hdi(draws, 1)).toThrow(RangeError);
  });
});
