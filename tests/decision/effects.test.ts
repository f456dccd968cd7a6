/**
 * Segment effects and uplift against hand computation on a small model (the closed form of the definitions):
 * effect_k = b_treatment + r_g__treatment[k], uplift_k = σ(η_k(1)) − σ(η_k(0)) with η_k(t) = b_Intercept
 * + t · effect_k + b_x · mean of x over segment k. Also the draw summaries (quantiles as R's type 7, P(> 0)) and
 * the policy rules on known draws.
 */
import { describe, expect, it } from 'vitest';
import { sigmoid } from '../../src/numeric/logistic.js';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { summarizeQuantity } from '../../src/decision/draw-summary.js';
import { segmentEffectDraws, summarizeSegmentEffects } from '../../src/decision/effects.js';
import { checkThresholds, expectedValueDecision, probabilityAction } from '../../src/decision/policy.js';
import { makeDrawSet } from '../../src/draws.js';
import { buildModel } from '../../src/model/build.js';
import { constrainedNames } from '../../src/model/layout.js';
import { userErrorOf } from '../helpers/user-error.js';

const frame = frameFromColumns(
  [
    numericColumn('y', Float64Array.from([0, 1, 0, 1, 0, 0])),
    numericColumn('treatment', Float64Array.from([0, 1, 1, 0, 1, 0])),
    numericColumn('x', Float64Array.from([1, 2, 3, 10, 20, 30])),
    categoricalColumn('seg', Uint32Array.from([0, 0, 0, 1, 1, 1]), ['a', 'b']),
  ],
  'small',
);
const segments = { name: 'seg', codes: Uint32Array.from([0, 0, 0, 1, 1, 1]), levels: ['a', 'b'] };

/** Two draws (one chain) of the model, with chosen values. */
function drawsOf(formula: string, values: Record<string, readonly number[]>) {
  const { spec } = buildModel(frame, formula);
  const names = constrainedNames(spec);
  const ds = makeDrawSet(names, 1, 2);
  names.forEach((name, v) => {
    const given = values[name] ?? [0, 0];
    ds.values[v * 2] = given[0];
    ds.values[v * 2 + 1] = given[1];
  });
  return { spec, ds };
}

describe('segmentEffectDraws', () => {
  it('hierarchical: effect = b_treatment + r[k]; uplift at the segment means of x', () => {
    const { spec, ds } = drawsOf('y ~ treatment + x + (0 + treatment | seg)', {
      b_Intercept: [-3, -2],
      b_treatment: [0.5, 0.1],
      b_x: [0.01, -0.02],
      'r_seg__treatment[1]': [0.2, -0.3],
      'r_seg__treatment[2]': [-0.1, 0.4],
    });
    const out = segmentEffectDraws(spec, ds, 'treatment', segments);
    const xMean = [2, 20];
    const b0 = [-3, -2];
    const bt = [0.5, 0.1];
    const bx = [0.01, -0.02];
    const r = [
      [0.2, -0.3],
      [-0.1, 0.4],
    ];
    out.forEach((seg, k) => {
      for (let s = 0; s < 2; s++) {
        const effect = bt[s] + r[k][s];
        const eta0 = b0[s] + bx[s] * xMean[k];
        expect(seg.effect[s]).toBeCloseTo(effect, 14);
        expect(seg.uplift[s]).toBeCloseTo(sigmoid(eta0 + effect) - sigmoid(eta0), 14);
      }
    });
    const summary = summarizeSegmentEffects(out, [3, 3], 1, 2);
    expect(summary[0].n).toBe(3);
    expect(summary[0].effect.mean).toBeCloseTo((0.7 + -0.2) / 2, 14);
    expect(summary[0].effect.probPositive).toBe(0.5);
  });

  it('pooled: every segment has effect b_treatment; varying intercepts enter η by the segment\'s level shares', () => {
    const { spec, ds } = drawsOf('y ~ treatment + (1 | seg)', {
      b_Intercept: [-1, -1],
      b_treatment: [0.3, 0.3],
      'r_seg__Intercept[1]': [0.5, 0.5],
      'r_seg__Intercept[2]': [-0.5, -0.5],
    });
    const out = segmentEffectDraws(spec, ds, 'treatment', segments);
    expect(out[0].effect[0]).toBeCloseTo(0.3, 14);
    expect(out[1].effect[1]).toBeCloseTo(0.3, 14);
    expect(out[0].pControl[0]).toBeCloseTo(sigmoid(-0.5), 14);
    expect(out[1].pTreated[0]).toBeCloseTo(sigmoid(-1.2), 14);
  });

  it('refuses a model without the treatment and one where the treatment interacts', () => {
    const { spec, ds } = drawsOf('y ~ x', {});
    expect(userErrorOf(() => segmentEffectDraws(spec, ds, 'treatment', segments))).toMatch(/no fixed effect "treatment"/);
    const inter = drawsOf('y ~ treatment + x + treatment:x', {});
    expect(userErrorOf(() => segmentEffectDraws(inter.spec, inter.ds, 'treatment', segments))).toMatch(/interacts with the treatment/);
  });
});

describe('summarizeQuantity', () => {
  it('mean, type-7 quantiles and P(> 0) of 1 … 10 − 3', () => {
    const x = Float64Array.from({ length: 10 }, (_, i) => i + 1 - 3);
    const s = summarizeQuantity(x, 2, 5);
    expect(s.mean).toBeCloseTo(2.5, 14);
    // R: quantile(-2:7, c(.1, .9)) = -1.1, 6.1
    expect(s.p10).toBeCloseTo(-1.1, 14);
    expect(s.p90).toBeCloseTo(6.1, 14);
    expect(s.probPositive).toBe(0.7);
  });
});

describe('policy', () => {
  it('probability rule: boundaries belong to the upper band', () => {
    expect(probabilityAction(0.9)).toBe('target');
    expect(probabilityAction(0.8999)).toBe('test more');
    expect(probabilityAction(0.7)).toBe('test more');
    expect(probabilityAction(0.69)).toBe('deprioritise');
    expect(probabilityAction(0.6, { target: 0.6, test: 0.5 })).toBe('target');
  });

  it('expected-value rule: E[uplift]·value − cost and P(uplift·value > cost)', () => {
    const uplift = Float64Array.from([0.001, 0.002, 0.003, 0.006]);
    const d = expectedValueDecision(uplift, { valuePerConversion: 100, costPerContact: 0.25 });
    expect(d.expectedNetValue).toBeCloseTo(0.003 * 100 - 0.25, 14);
    expect(d.probPays).toBe(0.5);
    expect(d.breakEvenUplift).toBeCloseTo(0.0025, 14);
    expect(d.action).toBe('target');
    expect(expectedValueDecision(uplift, { valuePerConversion: 10, costPerContact: 0.25 }).action).toBe('do not target');
  });

  it('refuses crossed thresholds', () => {
    expect(userErrorOf(() => checkThresholds({ target: 0.6, test: 0.8 }))).toMatch(/--test-prob 0.8 is above --target-prob 0.6/);
    expect(userErrorOf(() => checkThresholds({ target: 1.2, test: 0.8 }))).toMatch(/between 0 and 1/);
  });
});
