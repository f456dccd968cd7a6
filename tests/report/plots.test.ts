/**
 * Plot specs: the numbers behind them against brute force (rank histograms against ranks counted pair by pair,
 * thinning, the Pareto-k point selection, the predictive tail share against counting), and every kind rendered to
 * SVG by vega with the marks its data implies.
 */
import { describe, expect, it } from 'vitest';
import { makeDrawSet } from '../../src/draws.js';
import { rankCounts, thinningStep, traceSpec } from '../../src/report/plots/chains.js';
import { paretoKClass, paretoKPointsShown } from '../../src/report/plots/pareto-k.js';
import { ppcTailShare } from '../../src/report/plots/ppc.js';
import { renderSvg } from '../../src/report/plots/render.js';
import { everyPlotKind, normalDraws } from './plot-specs.js';

/** Mean rank (0-based) of every draw by comparing it with every other draw: #smaller + (#equal − 1)/2. */
function bruteRanks(values: Float64Array): Float64Array {
  return values.map((x) => {
    let smaller = 0;
    let equal = 0;
    for (const y of values) {
      if (y < x) smaller++;
      else if (y === x) equal++;
    }
    return smaller + (equal - 1) / 2;
  });
}

describe('rank histogram', () => {
  it('matches ranks counted pair by pair, with and without ties', () => {
    const ds = normalDraws(3);
    // variable 1 gets heavy ties: rounded to one decimal
    const size = ds.nChains * ds.nDraws;
    for (let i = size; i < 2 * size; i++) ds.values[i] = Math.round(ds.values[i] * 10) / 10;
    for (const v of [0, 1]) {
      for (const bins of [1, 7, 20]) {
        const counts = rankCounts(ds, v, bins);
        const ranks = bruteRanks(ds.values.subarray(v * size, (v + 1) * size));
        const expected = new Uint32Array(ds.nChains * bins);
        ranks.forEach((r, i) => {
          const chain = Math.floor(i / ds.nDraws);
          expected[chain * bins + Math.min(bins - 1, Math.floor((r * bins) / size))]++;
        });
        expect(Array.from(counts)).toEqual(Array.from(expected));
        for (let c = 0; c < ds.nChains; c++) {
          let total = 0;
          for (let b = 0; b < bins; b++) total += counts[c * bins + b];
          expect(total).toBe(ds.nDraws);
        }
      }
    }
  });

  it('puts a chain stuck above the others in the top bins only', () => {
    const ds = makeDrawSet(['x'], 2, 50);
    for (let d = 0; d < 50; d++) {
      ds.values[d] = d; // chain 1: 0 … 49
      ds.values[50 + d] = 100 + d; // chain 2: all larger
    }
    const counts = rankCounts(ds, 0, 4);
    // 100 ranks in 4 bins of 25: chain 1 fills bins 1–2, chain 2 bins 3–4
    expect(Array.from(counts)).toEqual([25, 25, 0, 0, 0, 0, 25, 25]);
  });

  it('rejects a bad bin count', () => {
    expect(() => rankCounts(normalDraws(), 0, 0)).toThrow(/bins/);
  });
});

describe('trace thinning', () => {
  it('keeps at most the asked number of points per chain', () => {
    expect(thinningStep(1000, 500)).toBe(2);
    expect(thinningStep(1001, 500)).toBe(3);
    expect(thinningStep(200, 500)).toBe(1);
    const ds = makeDrawSet(['a'], 3, 1001);
    const spec = traceSpec(ds, ['a'], { maxPointsPerChain: 500 }) as { data: { values: unknown[] } };
    // draws 1, 4, …, 1000: ⌈1001/3⌉ = 334 per chain
    expect(spec.data.values).toHaveLength(3 * 334);
  });

  it('names an unknown variable', () => {
    expect(() => traceSpec(normalDraws(), ['b_nope'])).toThrow(/b_nope/);
  });
});

describe('Pareto k plot data', () => {
  it('classes k with loo 2.5.1 thresholds', () => {
    expect([0.5, 0.50001, 0.7, 0.70001, 1, 1.2, NaN].map(paretoKClass)).toEqual(['good', 'ok', 'ok', 'bad', 'bad', 'very bad', 'very bad']);
  });

  it('keeps every k above 0.5 and every stride-th good one', () => {
    const k = new Float64Array(10_000).fill(0.1);
    k[17] = 0.6;
    k[9999] = 1.3;
    k[5000] = NaN;
    const { indices, stride } = paretoKPointsShown(k, 1000);
    expect(stride).toBe(10); // ⌈9997 / 1000⌉
    const kept = new Set(indices);
    for (const i of [17, 9999, 5000]) expect(kept.has(i)).toBe(true);
    expect(indices.length).toBe(3 + Math.ceil(9997 / 10));
    const all = paretoKPointsShown(k, 20_000);
    expect(all.stride).toBe(1);
    expect(all.indices.length).toBe(10_000);
  });
});

describe('posterior predictive tail share', () => {
  it('is the share of replicated rates at or above the observed one', () => {
    const reps = Float64Array.from({ length: 200 }, (_, i) => i / 1000);
    expect(ppcTailShare(reps, 0.05)).toBe(150 / 200);
    expect(ppcTailShare(reps, 1)).toBe(0);
    expect(() => ppcTailShare([], 0.1)).toThrow(/no replicated/);
  });
});

describe('rendering', () => {
  it('renders every plot kind to an SVG with its marks', async () => {
    const specs = everyPlotKind();
    for (const [name, spec] of Object.entries(specs)) {
      const svg = await renderSvg(spec);
      expect(svg.startsWith('<svg'), name).toBe(true);
      expect(svg).toMatch(/width="\d+"/);
      expect(svg).not.toMatch(/<script/);
    }
    // forest: 3 interval rules and 3 points, labels escaped by vega
    const forest = await renderSvg(specs.forest);
    expect(forest).toContain('&lt;script&gt;');
    expect((forest.match(/role="graphics-symbol"/g) ?? []).length).toBeGreaterThanOrEqual(6);
  }, 60_000);
});
