/**
 * The small NUTS pieces: leapfrog (closed-form one-step map of the harmonic oscillator, second-order energy error,
 * reversibility), metric (kinetic energy, velocity, momentum covariance = M, Cholesky), the no-U-turn criterion and
 * the progressive multinomial choices.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { leapfrogClose, leapfrogOpen } from '../../src/sampler/integrator.js';
import { choleskyLower } from '../../src/numeric/cholesky.js';
import { Metric } from '../../src/sampler/metric.js';
import { logAddExp, takeBiased, takeUniform } from '../../src/sampler/proposal.js';
import { mergeNoUTurn, noUTurn } from '../../src/sampler/termination.js';

/** One leapfrog step on log π(q) = −½ qᵀ diag(k) q with unit metric. */
function step(metric: Metric, k: number[], eps: number, q: Float64Array, p: Float64Array): void {
  const g = q.map((v, i) => -k[i] * v);
  leapfrogOpen(metric, 0, eps, q, p, g, 0);
  const g2 = q.map((v, i) => -k[i] * v);
  leapfrogClose(q.length, eps, p, g2, 0);
}

describe('leapfrog', () => {
  it('matches the closed-form one-step map of the harmonic oscillator', () => {
    // H = ½q² + ½p²: q' = (1 − ε²/2) q + ε p, p' = −ε(1 − ε²/4) q + (1 − ε²/2) p
    const m = new Metric('diag', 1, 1);
    const q = new Float64Array([0.7]);
    const p = new Float64Array([-1.3]);
    const eps = 0.3;
    const [q0, p0] = [q[0], p[0]];
    step(m, [1], eps, q, p);
    expect(q[0]).toBeCloseTo((1 - eps * eps / 2) * q0 + eps * p0, 14);
    expect(p[0]).toBeCloseTo(-eps * (1 - eps * eps / 4) * q0 + (1 - eps * eps / 2) * p0, 14);
  });

  it('keeps the energy error bounded and second order in ε', () => {
    const m = new Metric('diag', 1, 2);
    const maxError = (eps: number): number => {
      const q = new Float64Array([1, -0.5]);
      const p = new Float64Array([0.3, 1.2]);
      const H = (): number => 0.5 * (q[0] ** 2 + 4 * q[1] ** 2) + m.kinetic(0, p, 0);
      const h0 = H();
      let worst = 0;
      for (let s = 0; s < Math.round(100 / eps); s++) {
        step(m, [1, 4], eps, q, p);
        worst = Math.max(worst, Math.abs(H() - h0));
      }
      return worst;
    };
    const e1 = maxError(0.1);
    const e2 = maxError(0.05);
    expect(e1).toBeLessThan(0.05);
    expect(e1 / e2).toBeGreaterThan(3.6);
    expect(e1 / e2).toBeLessThan(4.4);
  });

  it('is reversible: n steps forward then n steps with −ε return to the start', () => {
    const m = new Metric('diag', 1, 3);
    m.setInverse(0, [0.5, 2, 1]);
    const q = new Float64Array([0.2, -1, 3]);
    const p = new Float64Array([1, 0.1, -0.4]);
    const [q0, p0] = [q.slice(), p.slice()];
    for (let s = 0; s < 50; s++) step(m, [1, 3, 0.2], 0.1, q, p);
    for (let s = 0; s < 50; s++) step(m, [1, 3, 0.2], -0.1, q, p);
    for (let i = 0; i < 3; i++) {
      expect(q[i]).toBeCloseTo(q0[i], 12);
      expect(p[i]).toBeCloseTo(p0[i], 12);
    }
  });
});

describe('metric', () => {
  it('computes kinetic energy and velocity for diag and dense metrics', () => {
    const diag = new Metric('diag', 2, 2);
    diag.setInverse(1, [2, 0.5]);
    const p = new Float64Array([0, 0, 1, 2]);
    expect(diag.kinetic(1, p, 2)).toBeCloseTo(0.5 * (2 * 1 + 0.5 * 4), 15);
    const v = new Float64Array(2);
    diag.velocity(1, p, 2, v, 0);
    expect(Array.from(v)).toEqual([2, 1]);
    const dense = new Metric('dense', 1, 2);
    expect(dense.setInverse(0, [2, 0.5, 0.5, 1])).toBe(true);
    dense.velocity(0, p, 2, v, 0);
    expect(Array.from(v)).toEqual([3, 2.5]);
    expect(dense.kinetic(0, p, 2)).toBeCloseTo(0.5 * (1 * 3 + 2 * 2.5), 15);
    expect(dense.setInverse(0, [1, 2, 2, 1])).toBe(false); // not positive definite: unchanged
    expect(Array.from(dense.inverseOf(0))).toEqual([2, 0.5, 0.5, 1]);
  });

  it('Cholesky factor reproduces the matrix', () => {
    const a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
    const L = new Float64Array(9);
    expect(choleskyLower(a, 3, L)).toBe(-1);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += L[i * 3 + k] * L[j * 3 + k];
        expect(s).toBeCloseTo(a[i * 3 + j], 13);
      }
    }
  });

  it('draws momenta with covariance M = (M⁻¹)⁻¹ (dense)', () => {
    // M⁻¹ = [[2, 0.5], [0.5, 1]] → M = [[1, −0.5], [−0.5, 2]] / 1.75
    const m = new Metric('dense', 1, 2);
    m.setInverse(0, [2, 0.5, 0.5, 1]);
    const rng = new Rng(4);
    const p = new Float64Array(2);
    const n = 200_000;
    let s00 = 0;
    let s01 = 0;
    let s11 = 0;
    for (let k = 0; k < n; k++) {
      m.sampleMomentum(0, rng, p, 0);
      s00 += p[0] * p[0];
      s01 += p[0] * p[1];
      s11 += p[1] * p[1];
    }
    // standard error of a variance estimate ≈ √(2/n)·σ² ≈ 0.003·σ²: 0.02 is > 6 SE
    expect(Math.abs(s00 / n - 1 / 1.75)).toBeLessThan(0.02);
    expect(Math.abs(s01 / n + 0.5 / 1.75)).toBeLessThan(0.02);
    expect(Math.abs(s11 / n - 2 / 1.75)).toBeLessThan(0.03);
  });
});

describe('no-U-turn criterion', () => {
  const a = (...x: number[]): Float64Array => Float64Array.from(x);
  it('continues while both end velocities point along ρ', () => {
    expect(noUTurn(2, a(1, 0), 0, a(1, 1), 0, a(2, 0.5), 0)).toBe(true);
    expect(noUTurn(2, a(1, 0), 0, a(-1, 0), 0, a(2, 0.5), 0)).toBe(false);
  });

  it('catches a U-turn across the seam that the whole-trajectory check misses', () => {
    // A: ρA = (1, 0), outer p♯ (1, 0), inner p = p♯ = (1, 0). B: ρB = (1, 0), outer p♯ (1, 0), inner p = p♯ = (−3, 0.1).
    // whole: ρ = (2, 0): both outer velocities agree → passes; but A + B's first point: ρ = (−2, 0.1), p♯(A outer)·ρ < 0.
    const ok = mergeNoUTurn(2, 0, a(1, 0), a(1, 0), a(1, 0), a(1, 0), a(1, 0), a(-3, 0.1), a(1, 0), a(-3, 0.1));
    expect(noUTurn(2, a(1, 0), 0, a(1, 0), 0, a(2, 0), 0)).toBe(true);
    expect(ok).toBe(false);
    // with a well-behaved seam the merge continues
    expect(mergeNoUTurn(2, 0, a(1, 0), a(1, 0), a(1, 0), a(1, 0), a(1, 0), a(1, 0), a(1, 0), a(1, 0))).toBe(true);
  });
});

describe('progressive sampling', () => {
  it('logAddExp is exact for infinities and stable for large arguments', () => {
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
  });

  it('takes the new piece with probability w_new/(w_old + w_new) (uniform) and min(1, w_new/w_old) (biased)', () => {
    const rng = new Rng(2);
    const n = 100_000;
    let uniform = 0;
    let biased = 0;
    for (let k = 0; k < n; k++) {
      uniform += takeUniform(Math.log(3), Math.log(1), rng) ? 1 : 0;
      biased += takeBiased(Math.log(3), Math.log(1), rng) ? 1 : 0;
    }
    // binomial standard errors ≈ 0.0014: 0.01 is > 7 SE
    expect(Math.abs(uniform / n - 0.25)).toBeLessThan(0.01);
    expect(Math.abs(biased / n - 1 / 3)).toBeLessThan(0.01);
    expect(takeBiased(0, 1, rng)).toBe(true);
  });
});
