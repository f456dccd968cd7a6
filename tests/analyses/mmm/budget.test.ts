import { describe, expect, it } from 'vitest';
import { horizonContribution, horizonResponse, optimiseBudget } from '../../../src/analyses/mmm/budget.js';
import { buildMmmDesign, type MmmSettings } from '../../../src/model/mmm/design.js';
import type { MmmDraws } from '../../../src/analyses/mmm/derived.js';
import { adstock, adstockWeights, hillSaturation, logisticSaturation } from '../../../src/model/mmm/media.js';
import { mmmParameters, type MmmLayout } from '../../../src/model/mmm/model.js';
import { projectOntoBudget } from '../../../src/optimize/budget-simplex.js';
import { Rng } from '../../../src/rng.js';

/** A 2-channel design over 30 weeks of made-up spend, and 6 hand-made posterior draws. */
function twoChannelCase(settings: MmmSettings) {
  const T = 30;
  const rng = new Rng(4);
  const spendA = Float64Array.from({ length: T }, () => 1000 + 4000 * rng.uniform());
  const spendB = Float64Array.from({ length: T }, () => 500 + 1500 * rng.uniform());
  const design = buildMmmDesign(
    {
      days: Float64Array.from({ length: T }, (_, t) => 19000 + 7 * t),
      outcome: Float64Array.from({ length: T }, () => 20000 + 1000 * rng.normal()),
      channels: ['a', 'b'],
      spend: [spendA, spendB],
      controls: [],
      controlValues: [],
    },
    settings,
  );
  const { layout } = mmmParameters(design);
  const D = 6;
  const theta = new Float64Array(D * layout.size);
  for (let d = 0; d < D; d++) {
    const base = d * layout.size;
    theta[base + layout.beta] = 0.3 + 0.05 * d;
    theta[base + layout.beta + 1] = 0.2 + 0.03 * (D - d);
    theta[base + layout.decay] = 0.5 + 0.05 * d;
    theta[base + layout.decay + 1] = 0.2;
    theta[base + layout.sat1] = settings.saturation === 'hill' ? 0.4 + 0.02 * d : 1.5 + 0.2 * d;
    theta[base + layout.sat1 + 1] = settings.saturation === 'hill' ? 0.3 : 3 - 0.1 * d;
    if (layout.sat2 >= 0) {
      theta[base + layout.sat2] = 1.2;
      theta[base + layout.sat2 + 1] = 0.9 + 0.1 * d;
    }
    theta[base + layout.sigma] = 0.05;
  }
  return { design, layout, draws: { count: D, size: layout.size, theta } as MmmDraws };
}

/** Expected contribution of split (b0, b1) by spending it week by week and adstocking the padded series directly. */
function bruteForce(design: ReturnType<typeof buildMmmDesign>, layout: MmmLayout, draws: MmmDraws, b: number[], H: number): number {
  const L = design.settings.maxLag;
  const n = H + L - 1;
  const w = new Float64Array(L);
  const x = new Float64Array(n);
  const a = new Float64Array(n);
  let total = 0;
  for (let d = 0; d < draws.count; d++) {
    const th = draws.theta.subarray(d * draws.size, (d + 1) * draws.size);
    for (let c = 0; c < 2; c++) {
      for (let t = 0; t < n; t++) x[t] = t < H ? b[c] / H / design.spendScale[c] : 0;
      adstockWeights(th[layout.decay + c], w);
      adstock(x, 0, n, w, a, 0);
      let sum = 0;
      for (let t = 0; t < n; t++) {
        sum += design.settings.saturation === 'hill'
          ? hillSaturation(a[t], th[layout.sat1 + c], th[layout.sat2 + c])
          : logisticSaturation(a[t], th[layout.sat1 + c]);
      }
      total += design.yScale * th[layout.beta + c] * sum;
    }
  }
  return total / draws.count;
}

describe('budget optimiser on 2 channels against a brute-force grid of 4001 splits', () => {
  for (const saturation of ['logistic', 'hill'] as const) {
    it(`${saturation}: the optimised split is within one grid step of the grid's best and at least as good`, () => {
      const { design, layout, draws } = twoChannelCase({ saturation, maxLag: 6, fourierOrder: 0, trend: false });
      const H = 8;
      const total = 40_000;
      const lower = Float64Array.of(5_000, 2_000);
      const upper = Float64Array.of(35_000, 30_000);
      const answer = optimiseBudget(design, layout, draws, { total, horizon: H, lower, upper });
      const steps = 4000;
      let bestValue = -Infinity;
      let bestA = NaN;
      const lo = Math.max(lower[0], total - upper[1]);
      const hi = Math.min(upper[0], total - lower[1]);
      for (let i = 0; i <= steps; i++) {
        const bA = lo + ((hi - lo) * i) / steps;
        const v = bruteForce(design, layout, draws, [bA, total - bA], H);
        if (v > bestValue) {
          bestValue = v;
          bestA = bA;
        }
      }
      const step = (hi - lo) / steps;
      // An interior optimum (not a bound), so the test exercises the search, not only the projection.
      expect(bestA).toBeGreaterThan(lo + 10 * step);
      expect(bestA).toBeLessThan(hi - 10 * step);
      expect(answer.optimised[0] + answer.optimised[1]).toBeCloseTo(total, 6);
      expect(Math.abs(answer.optimised[0] - bestA)).toBeLessThanOrEqual(step);
      const atAnswer = bruteForce(design, layout, draws, [answer.optimised[0], answer.optimised[1]], H);
      expect(atAnswer).toBeGreaterThanOrEqual(bestValue - 1e-9 * Math.abs(bestValue));
      expect(answer.outcomeOptimised.mean).toBeCloseTo(atAnswer, 6);
      expect(answer.outcomeOptimised.mean).toBeGreaterThanOrEqual(answer.outcomeCurrent.mean);
    });
  }

  it('horizon gradient matches central finite differences', () => {
    const { design, layout, draws } = twoChannelCase({ saturation: 'hill', maxLag: 6, fourierOrder: 0, trend: false });
    const r = horizonResponse(design, layout, draws, 8);
    const b = Float64Array.of(12_000, 7_000);
    const grad = new Float64Array(2);
    horizonContribution(r, 2, b, grad);
    for (let c = 0; c < 2; c++) {
      const up = Float64Array.from(b);
      const down = Float64Array.from(b);
      up[c] += 1;
      down[c] -= 1;
      const fd = (horizonContribution(r, 2, up) - horizonContribution(r, 2, down)) / 2;
      expect(grad[c]).toBeCloseTo(fd, 6);
    }
  });
});

describe('projection onto the budget set', () => {
  it('lands on Σ = total inside the bounds, and is the nearest such point (checked against 2,000 random feasible points)', () => {
    const set = { total: 10, lower: Float64Array.of(0, 1, 2), upper: Float64Array.of(5, 6, 4) };
    const v = Float64Array.of(8, -3, 3.5);
    const p = new Float64Array(3);
    projectOntoBudget(v, set, p);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(10, 12);
    const dist = (x: Float64Array): number => x.reduce((s, xi, i) => s + (xi - v[i]) ** 2, 0);
    const rng = new Rng(9);
    const q = new Float64Array(3);
    let checked = 0;
    for (let k = 0; k < 20_000 && checked < 2000; k++) {
      q[0] = 5 * rng.uniform();
      q[1] = 1 + 5 * rng.uniform();
      q[2] = 10 - q[0] - q[1];
      if (q[2] < 2 || q[2] > 4) continue;
      checked++;
      expect(dist(q)).toBeGreaterThanOrEqual(dist(p) - 1e-12);
    }
    expect(checked).toBe(2000);
  });
});
