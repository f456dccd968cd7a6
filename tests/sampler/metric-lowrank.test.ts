/**
 * The low-rank metric M⁻¹ = D^{1/2}(I + U(Λ − I)Uᵀ)D^{1/2} (src/sampler/metric.ts) and its estimate from draws and
 * gradients (src/sampler/metric-lowrank-estimate.ts): the kinetic energy's gradient against finite differences, the
 * momentum draws' covariance against M by simulation, the estimate against the covariance of a Gaussian, and NUTS
 * with it on a correlated Gaussian against the known moments.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { Metric } from '../../src/sampler/metric.js';
import { estimateLowRank } from '../../src/sampler/metric-lowrank-estimate.js';
import { sample } from '../../src/sampler/run.js';
import { momentReport } from './helpers/moments.js';
import { GaussianTarget, invert } from './helpers/targets.js';
import { choleskyLower } from '../../src/numeric/cholesky.js';

const d = 6;
/** Two orthonormal directions (Gram–Schmidt of fixed vectors). */
function directions(): Float64Array {
  const u = new Float64Array(2 * d);
  const a = [1, 2, -1, 0.5, 0, 1];
  const b = [0, 1, 1, -2, 1, 0.3];
  const na = Math.hypot(...a);
  for (let i = 0; i < d; i++) u[i] = a[i] / na;
  let dot = 0;
  for (let i = 0; i < d; i++) dot += b[i] * u[i];
  const r = b.map((v, i) => v - dot * u[i]);
  const nr = Math.hypot(...r);
  for (let i = 0; i < d; i++) u[d + i] = r[i] / nr;
  return u;
}
const D = Float64Array.from([0.5, 1, 2, 4, 0.25, 1.5]);
const U = directions();
const lambda = Float64Array.from([30, 0.05]);

/** Dense M⁻¹ from D, U, Λ (closed form). */
function denseInverse(): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < 2; k++) s += (lambda[k] - 1) * U[k * d + i] * U[k * d + j];
      m[i * d + j] = Math.sqrt(D[i] * D[j]) * s;
    }
  }
  return m;
}

function lowRankMetric(chains = 2): Metric {
  const metric = new Metric('lowrank', chains, d);
  for (let c = 0; c < chains; c++) metric.setLowRank(c, D, U, lambda);
  return metric;
}

describe('low-rank metric algebra', () => {
  it('velocity M⁻¹p is the gradient of the kinetic energy (central finite differences) and matches the dense M⁻¹p', () => {
    const metric = lowRankMetric();
    const dense = denseInverse();
    const p = Float64Array.from([0.3, -1.2, 0.7, 2, -0.4, 1.1]);
    const v = new Float64Array(d);
    metric.velocity(1, p, 0, v, 0);
    const h = 1e-5;
    for (let i = 0; i < d; i++) {
      const pp = Float64Array.from(p);
      pp[i] += h;
      const up = metric.kinetic(1, pp, 0);
      pp[i] -= 2 * h;
      const down = metric.kinetic(1, pp, 0);
      expect(v[i]).toBeCloseTo((up - down) / (2 * h), 6);
      let row = 0;
      for (let j = 0; j < d; j++) row += dense[i * d + j] * p[j];
      expect(v[i]).toBeCloseTo(row, 12);
    }
    // the position update adds ε M⁻¹ p
    const q = new Float64Array(d).fill(1);
    metric.addScaledVelocity(1, 0.1, p, q, 0);
    for (let i = 0; i < d; i++) expect(q[i]).toBeCloseTo(1 + 0.1 * v[i], 12);
    // the diagonal of M⁻¹
    const diag = metric.diagonalOf(0);
    for (let i = 0; i < d; i++) expect(diag[i]).toBeCloseTo(dense[i * d + i], 12);
  });

  it('momentum draws have covariance M = (M⁻¹)⁻¹ (simulation, 200,000 draws)', () => {
    const metric = lowRankMetric();
    const M = invert(denseInverse(), d);
    const rng = new Rng(3);
    const n = 200_000;
    const p = new Float64Array(d);
    const s2 = new Float64Array(d * d);
    for (let s = 0; s < n; s++) {
      metric.sampleMomentum(0, rng, p, 0);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) s2[i * d + j] += (p[i] * p[j]) / n;
    }
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        // Monte Carlo sd of a covariance entry: sqrt((M_ii M_jj + M_ij²)/n)
        const se = Math.sqrt((M[i * d + i] * M[j * d + j] + M[i * d + j] ** 2) / n);
        expect(Math.abs(s2[i * d + j] - M[i * d + j]) / se).toBeLessThan(4.5);
      }
    }
  });
});

describe('low-rank metric estimate (Fisher divergence, nutpie style)', () => {
  it('recovers the covariance of a Gaussian of the low-rank-plus-diagonal form from exact draws and gradients', () => {
    const cov = denseInverse();
    const L = new Float64Array(d * d);
    choleskyLower(cov, d, L);
    const precision = invert(cov, d);
    const n = 4000;
    const x = new Float64Array(n * d);
    const g = new Float64Array(n * d);
    const rng = new Rng(8);
    const z = new Float64Array(d);
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < d; i++) z[i] = rng.normal();
      for (let i = 0; i < d; i++) {
        let v = 0;
        for (let k = 0; k <= i; k++) v += L[i * d + k] * z[k];
        x[s * d + i] = v;
      }
      for (let i = 0; i < d; i++) {
        let v = 0;
        for (let j = 0; j < d; j++) v -= precision[i * d + j] * x[s * d + j];
        g[s * d + i] = v;
      }
    }
    const est = estimateLowRank(x, g, n, d) as NonNullable<ReturnType<typeof estimateLowRank>>;
    expect(est).not.toBeNull();
    const metric = new Metric('lowrank', 1, d);
    metric.setLowRank(0, est.diag, est.u, est.lambda);
    // M⁻¹ e_j column by column against Σ
    const e = new Float64Array(d);
    const col = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      e.fill(0);
      e[j] = 1;
      metric.velocity(0, e, 0, col, 0);
      for (let i = 0; i < d; i++) {
        const scale = Math.sqrt(cov[i * d + i] * cov[j * d + j]);
        expect(Math.abs(col[i] - cov[i * d + j]) / scale).toBeLessThan(0.1);
      }
    }
  });

  it('NUTS with the low-rank metric samples a correlated Gaussian (condition number ~600) with the right moments', async () => {
    const cov = denseInverse();
    const mean = Float64Array.from({ length: d }, (_, i) => 2 * i - 5);
    const target = GaussianTarget.withCovariance(mean, cov);
    const r = await sample(target, { chains: 4, warmup: 600, draws: 1000, seed: 12, metric: 'lowrank' });
    const rep = momentReport(r, mean, Array.from({ length: d }, (_, i) => cov[i * d + i]));
    expect(rep.worstMeanZ).toBeLessThan(4);
    expect(rep.worstVarZ).toBeLessThan(4);
    expect(rep.worstRhat).toBeLessThan(1.01);
    expect(Array.from(r.divergences).every((x) => x === 0)).toBe(true);
    // the adapted metric is close to the covariance, so few gradients per draw
    const perDraw = r.samplingGradientEvaluations[0] / r.nDraws;
    expect(perDraw).toBeLessThan(8);
  });
});
