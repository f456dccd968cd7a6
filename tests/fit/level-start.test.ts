/**
 * The level start (src/fit/level-start.ts): the one-step level estimates and information against their closed form
 * for a gaussian outcome (r̂_k = ȳ_k − ȳ less their mean over levels, I_k = n_k / s² with s² the outcome's sample
 * variance), the conditional draws against the normal posterior of r_k given sd (Normal(0, sd²) prior, r̂_k an
 * observation with variance 1/I_k), the whole path (estimates → draws → the term's coordinates → constrain) on
 * simulated levels, and that models without a many-level term keep the random start.
 */
import { describe, expect, it } from 'vitest';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { chooseInit } from '../../src/fit/init-choice.js';
import { drawLevelEffects, levelStart, levelStartTerms, SD_JITTER } from '../../src/fit/level-start.js';
import { buildModel } from '../../src/model/build.js';
import { constrain, constrainedDim, constrainedNames } from '../../src/model/layout.js';
import { levelInformation } from '../../src/model/parameterization.js';
import { crudeLevelSd } from '../../src/model/crude-level-sd.js';
import { stream } from '../../src/rng.js';

/** K levels with n_k = 2 + (k mod 5) rows, y = 1 + effect_k + noise (sd 0.5 and 1). */
function gaussianLevels(K: number, seed: number): { frame: ReturnType<typeof frameFromColumns>; effect: Float64Array } {
  const rng = stream(seed, 0);
  const effect = Float64Array.from({ length: K }, () => 0.5 * rng.normal());
  const g: number[] = [];
  const y: number[] = [];
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < 2 + (k % 5); i++) {
      g.push(k);
      y.push(1 + effect[k] + rng.normal());
    }
  }
  const names = Array.from({ length: K }, (_, k) => `L${String(k).padStart(5, '0')}`);
  return {
    frame: frameFromColumns([categoricalColumn('g', Uint32Array.from(g), names), numericColumn('y', Float64Array.from(y))], 'gaussian levels'),
    effect,
  };
}

describe('levelStartTerms', () => {
  it('gives the gaussian closed form: r̂_k = ȳ_k − ȳ less its mean, I_k = n_k / s²', () => {
    const { frame } = gaussianLevels(200, 3);
    const m = buildModel(frame, 'y ~ 1 + (1 | g)', { family: 'gaussian', parameterization: { g: 'noncentered' } });
    const [t] = levelStartTerms(m.spec);
    expect(t.term).toBe(0);
    const y = m.spec.y;
    const n = y.length;
    const ybar = y.reduce((a, b) => a + b, 0) / n;
    const s2 = y.reduce((a, b) => a + (b - ybar) ** 2, 0) / (n - 1);
    const K = 200;
    const sum = new Float64Array(K);
    const count = new Float64Array(K);
    m.spec.groups[0].index.forEach((k, i) => {
      sum[k] += y[i];
      count[k]++;
    });
    const raw = Float64Array.from(sum, (s, k) => s / count[k] - ybar);
    const mean = raw.reduce((a, b) => a + b, 0) / K;
    for (let k = 0; k < K; k++) {
      expect(t.information[k]).toBeCloseTo(count[k] / s2, 10);
      expect(t.estimate[k]).toBeCloseTo(raw[k] - mean, 10);
    }
    expect(t.sd).toBeCloseTo(crudeLevelSd({ levels: K, index: m.spec.groups[0].index, x: null }, levelInformation({ levels: K, index: m.spec.groups[0].index, x: null }, y, null, 1 / s2), Float64Array.from(y, (v) => (v - ybar) / s2)), 12);
  });

  it('is empty without a term of 50+ levels (Hillstrom-sized terms keep the random start)', () => {
    const { frame } = gaussianLevels(40, 1);
    const m = buildModel(frame, 'y ~ 1 + (1 | g)', { family: 'gaussian' });
    expect(levelStartTerms(m.spec)).toEqual([]);
    expect(levelStart(m.spec, 4, 1)).toBeNull();
    expect(chooseInit('auto', m.spec, false)).toEqual({ init: 'random', reason: null });
  });
});

describe('drawLevelEffects', () => {
  it('draws the normal posterior of r_k given sd: variance sd²/(1 + sd²I), mean that × I·r̂', () => {
    // closed form: prior Normal(0, sd²), observation r̂ ~ Normal(r, 1/I) → posterior precision 1/sd² + I, mean I·r̂/precision
    const sd = 0.7;
    const S = 40_000;
    const information = new Float64Array(S).fill(3);
    const estimate = new Float64Array(S).fill(-0.4);
    const r = new Float64Array(S);
    drawLevelEffects(sd, information, estimate, stream(5, 0), r);
    const precision = 1 / sd ** 2 + 3;
    const mean = (3 * -0.4) / precision;
    const variance = 1 / precision;
    const m = r.reduce((a, b) => a + b, 0) / S;
    const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / (S - 1);
    expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(variance / S));
    expect(Math.abs(v / variance - 1)).toBeLessThan(4 * Math.sqrt(2 / S));
    // no information: the prior
    drawLevelEffects(sd, new Float64Array(S), estimate, stream(6, 0), r);
    const v0 = r.reduce((a, b) => a + b * b, 0) / S;
    expect(Math.abs(v0 / sd ** 2 - 1)).toBeLessThan(4 * Math.sqrt(2 / S));
  });
});

describe('levelStart', () => {
  for (const parameterization of ['noncentered', 'split', 'centered'] as const) {
    it(`${parameterization}: the start's sd is the crude sd within the jitter, and its levels the conditional draws (simulated levels)`, () => {
      const K = 3000;
      const { frame, effect } = gaussianLevels(K, 7);
      const m = buildModel(frame, 'y ~ 1 + (1 | g)', { family: 'gaussian', parameterization: { g: parameterization } });
      const [t] = levelStartTerms(m.spec);
      const chains = 3;
      const start = levelStart(m.spec, chains, 11)!;
      const names = constrainedNames(m.spec);
      const sdAt = names.indexOf('sd_g__Intercept');
      const rAt = names.indexOf('r_g__Intercept[1]');
      const out = new Float64Array(constrainedDim(m.spec));
      const d = m.spec.dim;
      const starts: number[] = [];
      for (let c = 0; c < chains; c++) {
        constrain(m.spec, start.subarray(c * d, (c + 1) * d), out);
        const sd = out[sdAt];
        starts.push(sd);
        expect(Math.abs(Math.log(sd / t.sd))).toBeLessThanOrEqual(SD_JITTER);
        // r_k − shrink_k·r̂_k over the levels: mean 0 and variance mean_k v_k (the draws' residuals)
        let resid = 0;
        let resid2 = 0;
        let expected = 0;
        let truthCov = 0;
        for (let k = 0; k < K; k++) {
          const v = sd ** 2 / (1 + sd ** 2 * t.information[k]);
          const e = out[rAt + k] - v * t.information[k] * t.estimate[k];
          resid += e;
          resid2 += e * e;
          expected += v;
          truthCov += out[rAt + k] * effect[k];
        }
        expect(Math.abs(resid / K)).toBeLessThan(4 * Math.sqrt(expected / K / K));
        expect(Math.abs(resid2 / expected - 1)).toBeLessThan(4 * Math.sqrt(2 / K));
        // the started levels follow the simulated truth
        expect(truthCov / K).toBeGreaterThan(0.05);
      }
      expect(new Set(starts).size).toBe(chains);
      // the crude sd recovers the simulated 0.5 to within its sampling error at 3,000 levels
      expect(Math.abs(t.sd - 0.5)).toBeLessThan(0.1);
    });
  }
});
