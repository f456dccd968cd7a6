/**
 * The y-against-y_rep plot specs: count shares per count (the tail pooled at the cap) and their replicated mean and
 * 5%–95% range, computed by hand for tiny data; the density histogram integrates to the share of values inside its
 * range, and log binning for positive outcomes.
 */
import { describe, expect, it } from 'vitest';
import { countsOverlaySpec, densityOverlaySpec } from '../../src/report/plots/predictive-distribution.js';

type Layer = { data: { values: Record<string, number | string>[] } };
const layers = (spec: unknown): Layer[] => (spec as { layer: Layer[] }).layer;

describe('countsOverlaySpec', () => {
  it('observed shares per count and the replicated mean share, tail pooled at the cap', () => {
    const y = [0, 0, 1, 3, 50];
    // the cap is the 99th percentile of all values (here ≈ 5.4, so 6), at most 40
    const reps = [
      [0, 1, 1, 2, 2],
      [0, 0, 0, 1, 5],
    ];
    const [bars, , points] = layers(countsOverlaySpec(y, reps));
    const byCount = new Map(bars.data.values.map((d) => [d.count, d.share]));
    expect(byCount.get('0')).toBeCloseTo(0.4, 14);
    expect(byCount.get('1')).toBeCloseTo(0.2, 14);
    expect(byCount.get('3')).toBeCloseTo(0.2, 14);
    const last = bars.data.values[bars.data.values.length - 1];
    expect(String(last.count)).toMatch(/^≥\d+$/);
    expect(last.share).toBeCloseTo(0.2, 14);
    const zero = points.data.values.find((d) => d.count === '0')!;
    expect(zero.mean).toBeCloseTo((0.2 + 0.6) / 2, 14);
    expect(zero.low).toBeGreaterThanOrEqual(0.2);
    expect(zero.high).toBeLessThanOrEqual(0.6);
  });
  it('refuses an empty list of replicates', () => {
    expect(() => countsOverlaySpec([1], [])).toThrow(/no replicated/);
  });
});

describe('densityOverlaySpec', () => {
  it('the observed histogram is a density: Σ density × width = share of values inside the range', () => {
    const y = Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 1000);
    const [bars, lines] = layers(densityOverlaySpec(y, [y, y.map((v) => v * 0.9)], { bins: 20 }));
    let mass = 0;
    for (const b of bars.data.values) mass += Number(b.density) * (Number(b.end) - Number(b.start));
    // the range is the 0.5%–99.5% quantiles of all 3000 values: about 99% of y inside
    expect(mass).toBeGreaterThan(0.97);
    expect(mass).toBeLessThanOrEqual(1);
    expect(lines.data.values).toHaveLength(40);
  });
  it('log binning of a positive outcome bins log y', () => {
    const y = [1, Math.E, Math.E ** 2];
    const [bars] = layers(densityOverlaySpec(y, [y], { logScale: true, bins: 2 }));
    expect(Number(bars.data.values[0].start)).toBeGreaterThanOrEqual(0);
    expect(Number(bars.data.values[1].end)).toBeLessThanOrEqual(2);
  });
});
