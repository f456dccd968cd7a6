import { describe, expect, it } from 'vitest';
import { buildMmmDesign, type MmmSettings } from '../../../src/model/mmm/design.js';
import { adstockWeights } from '../../../src/model/mmm/media.js';
import { createMmmModel, type MmmModel } from '../../../src/model/mmm/model.js';
import { mmmInputFromFrame } from '../../../src/model/mmm/series.js';
import { simulateMmm } from '../../../src/data/simulate/mmm.js';
import { Rng } from '../../../src/rng.js';
import { centralDifference, randomPoint } from './random-point.js';

function model(settings: MmmSettings): MmmModel {
  const sim = simulateMmm({ seed: 3, n: 60 });
  const input = mmmInputFromFrame(sim.frame, { date: 'week', outcome: 'sales', channels: ['tv', 'search', 'social'], controls: ['promo'] });
  return createMmmModel(buildMmmDesign(input, settings));
}


describe('mmm log density gradient (central finite differences, h = 1e-6)', () => {
  for (const saturation of ['logistic', 'hill'] as const) {
    it(`${saturation}: every coordinate at 5 random points within 1e-5 relative`, () => {
      const m = model({ saturation, maxLag: 8, fourierOrder: 2, trend: true });
      const rng = new Rng(11);
      const grad = new Float64Array(m.layout.size);
      const scratch = new Float64Array(m.layout.size);
      for (let p = 0; p < 5; p++) {
        const theta = randomPoint(m, rng);
        const lp = m.logDensity(theta, grad);
        expect(Number.isFinite(lp)).toBe(true);
        for (let i = 0; i < theta.length; i++) {
          const fd = centralDifference(m, theta, i, scratch);
          expect(Math.abs(grad[i] - fd)).toBeLessThan(1e-5 * Math.max(1, Math.abs(fd)));
        }
      }
    });
  }

  it('is −Infinity (not a throw) outside the support', () => {
    const m = model({ saturation: 'logistic', maxLag: 8, fourierOrder: 2, trend: true });
    const theta = randomPoint(m, new Rng(2));
    const grad = new Float64Array(theta.length);
    theta[m.layout.decay] = 1.2;
    expect(m.logDensity(theta, grad)).toBe(-Infinity);
    theta[m.layout.decay] = 0.5;
    theta[m.layout.sigma] = -0.1;
    expect(m.logDensity(theta, grad)).toBe(-Infinity);
  });

  it('pointwise log-likelihood sums to the likelihood part of the density (prior differences cancel)', () => {
    const m = model({ saturation: 'logistic', maxLag: 8, fourierOrder: 2, trend: true });
    const rng = new Rng(5);
    const a = randomPoint(m, rng);
    const b = Float64Array.from(a);
    b[m.layout.beta] += 0.3; // changes only the likelihood and beta's half-normal prior
    const grad = new Float64Array(a.length);
    const pa = new Float64Array(m.observations);
    const pb = new Float64Array(m.observations);
    m.pointwiseLogLik!(a, pa);
    m.pointwiseLogLik!(b, pb);
    const sum = (x: Float64Array): number => x.reduce((s, v) => s + v, 0);
    const priorDiff = -(b[m.layout.beta] ** 2 - a[m.layout.beta] ** 2) / (2 * 4);
    expect(m.logDensity(b, grad) - m.logDensity(a, grad)).toBeCloseTo(sum(pb) - sum(pa) + priorDiff, 8);
  });
});

describe('adstock weights', () => {
  it('are α^l normalised to sum 1, with derivative matching finite differences', () => {
    const w = new Float64Array(6);
    const dw = new Float64Array(6);
    adstockWeights(0.7, w, dw);
    const raw = Array.from({ length: 6 }, (_, l) => 0.7 ** l);
    const total = raw.reduce((s, v) => s + v, 0);
    raw.forEach((r, l) => expect(w[l]).toBeCloseTo(r / total, 14));
    const up = new Float64Array(6);
    const down = new Float64Array(6);
    adstockWeights(0.7 + 1e-7, up);
    adstockWeights(0.7 - 1e-7, down);
    for (let l = 0; l < 6; l++) expect(dw[l]).toBeCloseTo((up[l] - down[l]) / 2e-7, 7);
  });
});
