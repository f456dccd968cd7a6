// The curvature diagonal (src/sampler/adaptation/curvature-diagonal.ts): Hutchinson probes of finite differences of
// the gradient. References: closed forms — a Gaussian's curvature is its precision matrix (the estimate of an
// independent one is exact from any probe); log p = −Σ log cosh(xᵢ) has −∂²/∂xᵢ² = sech²(xᵢ) and no cross terms (so
// the only error is the forward difference's, O(δ): with δ = 0.01 of the coordinate's scale and |d log sech²(u)/du| =
// 2|tanh u| ≤ 2, at most about 2%); a Gaussian with one tightly held coordinate coupled to many
// loose ones (an intercept pinned by many rows beside non-centered level effects), whose precision diagonal is known.
import { describe, expect, it } from 'vitest';
import { curvatureInverseDiagonal } from '../../src/sampler/adaptation/curvature-diagonal.js';
import { sample } from '../../src/sampler/run.js';
import { stream } from '../../src/rng.js';
import type { LogDensityTarget } from '../../src/sampler/nuts.js';
import { GaussianTarget } from './helpers/targets.js';

async function estimate(target: LogDensityTarget, q: Float64Array, nChains: number, probes?: number): Promise<{ inverse: Float64Array; gradients: Float64Array }> {
  const d = target.dim;
  const grad = new Float64Array(nChains * d);
  const logp = new Float64Array(nChains);
  await target.logDensityGradient(q, nChains, logp, grad);
  const inverse = new Float64Array(nChains * d).fill(1);
  const gradients = new Float64Array(nChains);
  const work = { q: new Float64Array(nChains * d), grad: new Float64Array(nChains * d), logp: new Float64Array(nChains) };
  const rngs = Array.from({ length: nChains }, (_, c) => stream(3, c));
  await curvatureInverseDiagonal(target, nChains, { q, grad, logp }, rngs, inverse, work, gradients, probes);
  return { inverse, gradients };
}

/** log p = −Σ log cosh(xᵢ / sᵢ): curvature sech²(xᵢ/sᵢ)/sᵢ² per coordinate, none across. */
class LogCoshTarget implements LogDensityTarget {
  constructor(readonly scale: Float64Array) {}
  get dim(): number {
    return this.scale.length;
  }
  async logDensityGradient(q: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array): Promise<void> {
    const d = this.dim;
    for (let c = 0; c < nChains; c++) {
      if (active && !active[c]) continue;
      let lp = 0;
      for (let i = 0; i < d; i++) {
        const u = q[c * d + i] / this.scale[i];
        lp -= Math.log(Math.cosh(u));
        grad[c * d + i] = -Math.tanh(u) / this.scale[i];
      }
      logp[c] = lp;
    }
  }
}

describe('curvature diagonal from gradients', () => {
  it('is the variances of an independent Gaussian exactly, over scales from 1e-3 to 1e3, per chain', async () => {
    const sd = Float64Array.from([1e-3, 0.05, 1, 30, 1e3]);
    const target = GaussianTarget.independent([1, -2, 0, 5, 100], sd);
    const q = Float64Array.from([3, 1, -2, 0.5, 7, 0, 0, 0, 0, 0]);
    const { inverse, gradients } = await estimate(target, q, 2);
    for (let c = 0; c < 2; c++) for (let i = 0; i < 5; i++) expect(inverse[c * 5 + i] / (sd[i] * sd[i])).toBeCloseTo(1, 8);
    // two passes of two probes
    expect(Array.from(gradients)).toEqual([4, 4]);
  });

  it('is sech²(x/s)/s² for −Σ log cosh(x/s) to the forward difference error (2%)', async () => {
    const scale = Float64Array.from([0.01, 0.5, 1, 4]);
    const target = new LogCoshTarget(scale);
    const q = Float64Array.from([0.003, -0.4, 1.5, 2]);
    const { inverse } = await estimate(target, q, 1);
    for (let i = 0; i < 4; i++) {
      const sech = 1 / Math.cosh(q[i] / scale[i]);
      const h = (sech * sech) / (scale[i] * scale[i]);
      expect(Math.abs(inverse[i] * h - 1)).toBeLessThan(0.02);
    }
  });

  it('keeps loose coordinates beside a tightly held one coupled to all of them (the second pass rescales)', async () => {
    // precision: P₀₀ = 20,000 (an intercept pinned by many rows), Pⱼⱼ = 1.5 and P₀ⱼ = 1 for 800 level effects
    const K = 800;
    const d = K + 1;
    const P = new Float64Array(d * d);
    P[0] = 20_000;
    for (let j = 1; j < d; j++) {
      P[j * d + j] = 1.5;
      P[j] = P[j * d] = 1;
    }
    const target = new GaussianTarget(new Float64Array(d), P);
    const q = new Float64Array(d).map((_, i) => Math.sin(i));
    const { inverse } = await estimate(target, q, 1);
    let worst = 0;
    for (let j = 1; j < d; j++) worst = Math.max(worst, Math.abs(Math.log(inverse[j] * 1.5)));
    // one unscaled probe would be off by P₀ⱼ/Pⱼⱼ = 2/3 on every loose coordinate
    expect(worst).toBeLessThan(0.05);
    expect(Math.abs(Math.log(inverse[0] * 20_000))).toBeLessThan(Math.log(2));
  });

  it("starts the Fisher warm-up's metric (seen after a 1-iteration warm-up, before any window estimate)", async () => {
    const sd = Float64Array.from([1e-3, 1, 1e3]);
    const target = GaussianTarget.independent([0, 0, 0], sd);
    const r = await sample(target, { chains: 2, warmup: 1, draws: 1, seed: 5, fisher: { initialMetric: 'curvature' } });
    for (let c = 0; c < 2; c++) for (let i = 0; i < 3; i++) expect(r.inverseMetric[c][i] / (sd[i] * sd[i])).toBeCloseTo(1, 8);
  });
});
