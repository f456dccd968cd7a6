/**
 * Pathfinder (src/sampler/pathfinder/): the normal approximation's algebra against closed forms, and the whole
 * multi-path run on Gaussian targets against their known moments.
 */
import { describe, expect, it } from 'vitest';
import { choleskyLower } from '../../../src/numeric/cholesky.js';
import { symmetricEigenSorted } from '../../../src/numeric/symmetric-eigen.js';
import { Rng } from '../../../src/rng.js';
import { BfgsNormal, CurvatureHistory } from '../../../src/sampler/pathfinder/bfgs-normal.js';
import { pathfinder, PathfinderAbortedError, pathfinderInits } from '../../../src/sampler/pathfinder/pathfinder.js';
import { pathfinderStart } from '../../../src/fit/pathfinder-fit.js';
import { minimizeLbfgs } from '../../../src/optimize/lbfgs.js';
import { GaussianTarget, invert } from '../helpers/targets.js';

/** A d × d covariance with condition number ~20 and strong correlations (row-major). */
function correlatedCovariance(d: number): Float64Array {
  const cov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) cov[i * d + j] = (i === j ? 1 + i : 0.6 * Math.sqrt((1 + i) * (1 + j)));
  }
  return cov;
}

/** log N(x | μ, Σ) with the dense Cholesky factor (closed form). */
function denseLogNormal(x: Float64Array, mu: Float64Array, cov: Float64Array, d: number): number {
  const L = new Float64Array(d * d);
  expect(choleskyLower(cov, d, L)).toBe(-1);
  const z = new Float64Array(d);
  let logDet = 0;
  for (let i = 0; i < d; i++) {
    let s = x[i] - mu[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * z[k];
    z[i] = s / L[i * d + i];
    logDet += 2 * Math.log(L[i * d + i]);
  }
  return -0.5 * (d * Math.log(2 * Math.PI) + logDet + z.reduce((a, b) => a + b * b, 0));
}

describe('the BFGS normal approximation (Zhang et al. 2022, Algorithms 3–4)', () => {
  const d = 6;
  const cov = correlatedCovariance(d);
  const mean = Float64Array.from({ length: d }, (_, i) => i - 2);
  const precision = invert(cov, d);
  const target = new GaussianTarget(mean, precision);

  it('is the exact Gaussian when the curvature pairs are d A-conjugate steps of a quadratic (BFGS hereditary property)', async () => {
    // s_k = eigenvectors of the precision A (orthogonal and A-conjugate), y_k = A s_k. Each BFGS update keeps
    // H y_j = s_j for the earlier pairs when s_kᵀ y_j = 0 (the hereditary property), so after d pairs H A = I:
    // H = A⁻¹ = Σ exactly, whatever the diagonal H₀
    const { vectors } = symmetricEigenSorted(precision, d);
    const h = new CurvatureHistory(d, d);
    const theta = new Float64Array(d).fill(0.3);
    const logp = new Float64Array(1);
    const g0 = new Float64Array(d);
    await target.logDensityGradient(theta, 1, logp, g0);
    let x = Float64Array.from(theta);
    let g = Float64Array.from(g0);
    for (let k = 0; k < d; k++) {
      const xNew = Float64Array.from(x, (v, i) => v + 0.7 * vectors[i * d + k]);
      const gNew = new Float64Array(d);
      await target.logDensityGradient(xNew, 1, logp, gNew);
      expect(h.offer(x, g, xNew, gNew)).toBe(true);
      x = xNew;
      g = gNew;
    }
    const q = BfgsNormal.at(x, g, h) as BfgsNormal;
    expect(q).not.toBeNull();
    for (let i = 0; i < d; i++) expect(q.mu[i]).toBeCloseTo(mean[i], 9);
    const v = q.variances();
    for (let i = 0; i < d; i++) expect(v[i]).toBeCloseTo(cov[i * d + i], 9);
    // log det Σ and log q against the dense density; log p − log q is then the constant log Z = ½ log det(2πΣ)
    const rng = new Rng(4);
    const phi = new Float64Array(d);
    const u = new Float64Array(d);
    const logZ = denseLogNormal(mean, mean, cov, d) * -1;
    for (let s = 0; s < 5; s++) {
      const lq = q.draw(rng, phi, 0, u);
      expect(lq).toBeCloseTo(denseLogNormal(phi, mean, cov, d), 9);
      await target.logDensityGradient(phi, 1, logp, g);
      expect(logp[0] - lq).toBeCloseTo(logZ, 9);
    }
  });

  it('μ − θ is the L-BFGS two-loop product H ∇log p with H₀ = diag(α) (Nocedal & Wright Algorithm 7.4)', async () => {
    const rng = new Rng(9);
    const h = new CurvatureHistory(d, 4);
    const logp = new Float64Array(1);
    let x = Float64Array.from({ length: d }, () => rng.uniformRange(-2, 2));
    let g = new Float64Array(d);
    await target.logDensityGradient(x, 1, logp, g);
    for (let k = 0; k < 7; k++) {
      const xNew = Float64Array.from(x, (v) => v + rng.uniformRange(-0.5, 0.5));
      const gNew = new Float64Array(d);
      await target.logDensityGradient(xNew, 1, logp, gNew);
      h.offer(x, g, xNew, gNew);
      x = xNew;
      g = gNew;
    }
    expect(h.count).toBe(4);
    const q = BfgsNormal.at(x, g, h) as BfgsNormal;
    // two-loop recursion on v = ∇log p with the stored pairs (oldest first) and H₀ = diag(α)
    const m = h.count;
    const v = Float64Array.from(g);
    const a = new Float64Array(m);
    const dot = (p: Float64Array, po: number, r: Float64Array): number => r.reduce((s, ri, i) => s + p[po + i] * ri, 0);
    const rho = Float64Array.from({ length: m }, (_, k) => 1 / dot(h.s, k * d, h.y.subarray(k * d, (k + 1) * d)));
    for (let k = m - 1; k >= 0; k--) {
      a[k] = rho[k] * dot(h.s, k * d, v);
      for (let i = 0; i < d; i++) v[i] -= a[k] * h.y[k * d + i];
    }
    for (let i = 0; i < d; i++) v[i] *= h.alpha[i];
    for (let k = 0; k < m; k++) {
      const b = rho[k] * dot(h.y, k * d, v);
      for (let i = 0; i < d; i++) v[i] += (a[k] - b) * h.s[k * d + i];
    }
    for (let i = 0; i < d; i++) expect(q.mu[i] - x[i]).toBeCloseTo(v[i], 9);
    // draws: their covariance is Σ, whose diagonal variances() gives (simulation, 200,000 draws)
    const n = 200_000;
    const phi = new Float64Array(d);
    const u = new Float64Array(d);
    const s1 = new Float64Array(d);
    const s2 = new Float64Array(d);
    const r2 = new Rng(10);
    for (let s = 0; s < n; s++) {
      q.draw(r2, phi, 0, u);
      for (let i = 0; i < d; i++) {
        s1[i] += phi[i] - q.mu[i];
        s2[i] += (phi[i] - q.mu[i]) ** 2;
      }
    }
    const variances = q.variances();
    for (let i = 0; i < d; i++) {
      expect(Math.abs(s1[i] / n) / Math.sqrt(variances[i] / n)).toBeLessThan(4.5);
      expect(s2[i] / n / variances[i]).toBeGreaterThan(0.98);
      expect(s2[i] / n / variances[i]).toBeLessThan(1.02);
    }
  });

  it('L-BFGS reports every iterate to onIterate, ending at the minimiser of a quadratic (closed form A⁻¹b)', async () => {
    const seen: number[][] = [];
    const r = await minimizeLbfgs(
      async (x, g) => {
        // f = ½ xᵀ A x − bᵀ x with A = precision, b = A·mean: minimiser = mean
        let f = 0;
        for (let i = 0; i < d; i++) {
          let row = 0;
          for (let j = 0; j < d; j++) row += precision[i * d + j] * (x[j] - mean[j]);
          g[i] = row;
          f += 0.5 * (x[i] - mean[i]) * row;
        }
        return f;
      },
      new Float64Array(d),
      { gradTolerance: 1e-10, onIterate: (x) => void seen.push(Array.from(x)) },
    );
    expect(seen.length).toBe(r.iterations + 1);
    expect(seen[0]).toEqual(new Array(d).fill(0));
    for (let i = 0; i < d; i++) expect(seen[seen.length - 1][i]).toBeCloseTo(mean[i], 8);
  });
});

describe('multi-path Pathfinder with PSIS resampling', () => {
  it('recovers the mean and variances of a correlated Gaussian, with Pareto k below 0.7', async () => {
    const d = 8;
    const cov = correlatedCovariance(d);
    const mean = Float64Array.from({ length: d }, (_, i) => 3 * Math.sin(i));
    const target = GaussianTarget.withCovariance(mean, cov);
    const r = await pathfinder(target, { seed: 21, draws: 4000 });
    expect(r.paretoK).toBeLessThan(0.7);
    expect(r.paths).toHaveLength(4);
    for (const p of r.paths) expect(Number.isFinite(p.elbo)).toBe(true);
    const n = r.draws.length / d;
    for (let i = 0; i < d; i++) {
      let m = 0;
      for (let s = 0; s < n; s++) m += r.draws[s * d + i] / n;
      let v = 0;
      for (let s = 0; s < n; s++) v += (r.draws[s * d + i] - m) ** 2 / (n - 1);
      const sd = Math.sqrt(cov[i * d + i]);
      expect(Math.abs(m - mean[i]) / sd).toBeLessThan(0.1);
      expect(v / cov[i * d + i]).toBeGreaterThan(0.8);
      expect(v / cov[i * d + i]).toBeLessThan(1.25);
      expect(r.variances[i] / cov[i * d + i]).toBeGreaterThan(0.7);
      expect(r.variances[i] / cov[i * d + i]).toBeLessThan(1.4);
    }
    // initial values: distinct pooled draws
    const inits = pathfinderInits(r, 4, new Rng(1));
    const rows = new Set(Array.from({ length: 4 }, (_, c) => Array.from(inits.subarray(c * d, (c + 1) * d)).join(',')));
    expect(rows.size).toBe(4);
  });

  it('reports a Pareto k above 0.7 when the normal approximation misses heavy tails (Student-t with 2 d.f.)', async () => {
    const d = 4;
    const nu = 2;
    const target = {
      dim: d,
      async logDensityGradient(x: Float64Array, n: number, logp: Float64Array, grad: Float64Array): Promise<void> {
        for (let c = 0; c < n; c++) {
          let lp = 0;
          for (let i = 0; i < d; i++) {
            const v = x[c * d + i];
            lp += -0.5 * (nu + 1) * Math.log1p((v * v) / nu);
            grad[c * d + i] = (-(nu + 1) * v) / (nu + v * v);
          }
          logp[c] = lp;
        }
      },
    };
    const r = await pathfinder(target, { seed: 5 });
    expect(r.paretoK).toBeGreaterThan(0.7);
  });

  it('patience ends a path that many iterations after its best ELBO, with the same best approximation (--init pathfinder)', async () => {
    // an ill-conditioned Gaussian (variances 10⁻² … 10²) makes paths of many iterations
    const d = 30;
    const variances = Array.from({ length: d }, (_, i) => 10 ** (-2 + (4 * i) / (d - 1)));
    const cov = new Float64Array(d * d);
    variances.forEach((v, i) => (cov[i * d + i] = v));
    const target = GaussianTarget.withCovariance(new Array(d).fill(1), cov);
    const full = await pathfinder(target, { seed: 8, drawsPerPath: 50, draws: 50 });
    const short = await pathfinder(target, { seed: 8, drawsPerPath: 50, draws: 50, patience: 3 });
    let stopped = 0;
    full.paths.forEach((f, i) => {
      const s = short.paths[i];
      expect(s.iterations).toBeLessThanOrEqual(s.bestIterate + 3);
      if (s.iterations < f.iterations) stopped++;
      // the same iterates and ELBO draws up to the stop: the same best one when the full path found it by then
      if (f.bestIterate <= s.iterations) {
        expect(s.bestIterate).toBe(f.bestIterate);
        expect(s.elbo).toBe(f.elbo);
      }
    });
    expect(stopped).toBeGreaterThan(0);
    expect(short.gradients).toBeLessThan(full.gradients);
  });

  it('an ELBO tolerance ends a path on a noisy plateau no later than without it, with the same iterates up to there', async () => {
    const d = 30;
    const variances = Array.from({ length: d }, (_, i) => 10 ** (-2 + (4 * i) / (d - 1)));
    const cov = new Float64Array(d * d);
    variances.forEach((v, i) => (cov[i * d + i] = v));
    const target = GaussianTarget.withCovariance(new Array(d).fill(1), cov);
    const plain = await pathfinder(target, { seed: 8, drawsPerPath: 50, draws: 50, elboDraws: 5, patience: 5 });
    const tolerant = await pathfinder(target, { seed: 8, drawsPerPath: 50, draws: 50, elboDraws: 5, patience: 5, elboTolerance: 1 });
    let shorter = 0;
    plain.paths.forEach((p, i) => {
      const t = tolerant.paths[i];
      // the same iterates and ELBO draws up to the earlier stop; the tolerance only ends a path sooner
      expect(t.iterations).toBeLessThanOrEqual(p.iterations);
      if (t.iterations < p.iterations) shorter++;
      if (p.bestIterate <= t.iterations) expect(t.bestIterate).toBe(p.bestIterate);
    });
    expect(shorter).toBeGreaterThan(0);
    expect(tolerant.gradients).toBeLessThan(plain.gradients);
  });

  it('reuseElboDraws pools each path\'s K ELBO draws of its best iterate: the same paths, I·M gradients fewer, the same best approximation', async () => {
    const target = GaussianTarget.withCovariance([1, -2, 3], new Float64Array([4, 1, 0, 1, 2, 0.5, 0, 0.5, 1]));
    const fresh = await pathfinder(target, { seed: 4, drawsPerPath: 200, draws: 100, elboDraws: 10 });
    const reused = await pathfinder(target, { seed: 4, drawsPerPath: 200, draws: 100, elboDraws: 10, reuseElboDraws: true });
    expect(reused.paths.map((p) => [p.iterations, p.bestIterate, p.elbo])).toEqual(fresh.paths.map((p) => [p.iterations, p.bestIterate, p.elbo]));
    expect(fresh.gradients - reused.gradients).toBe(4 * 200);
    expect(reused.pooled.length).toBe(4 * 10 * 3);
    expect(Array.from(reused.variances)).toEqual(Array.from(fresh.variances));
    // the pool's log p are the target's at the pooled draws (the ELBO's evaluations, kept with their draws)
    const logp = new Float64Array(1);
    const grad = new Float64Array(3);
    for (let k = 0; k < 40; k++) {
      await target.logDensityGradient(reused.pooled.subarray(k * 3, k * 3 + 3), 1, logp, grad);
      expect(reused.pooledLogDensity[k]).toBeCloseTo(logp[0], 10);
    }
    const w = reused.pooledWeights.reduce((a, b) => a + b, 0);
    expect(w).toBeCloseTo(1, 12);
  });

  it('an aborted signal ends the current path at its next iterate and starts no other; before any approximation it throws', async () => {
    const d = 30;
    const variances = Array.from({ length: d }, (_, i) => 10 ** (-2 + (4 * i) / (d - 1)));
    const cov = new Float64Array(d * d);
    variances.forEach((v, i) => (cov[i * d + i] = v));
    const inner = GaussianTarget.withCovariance(new Array(d).fill(1), cov);
    const full = await pathfinder(inner, { seed: 8, drawsPerPath: 50, draws: 50 });
    expect(full.paths).toHaveLength(4);
    /** The same target, aborting the controller once it has been called `after` times. */
    const aborting = (after: number) => {
      const controller = new AbortController();
      let calls = 0;
      const target = {
        dim: d,
        async logDensityGradient(x: Float64Array, n: number, logp: Float64Array, grad: Float64Array): Promise<void> {
          if (++calls === after) controller.abort();
          await inner.logDensityGradient(x, n, logp, grad);
        },
      };
      return { target, signal: controller.signal };
    };
    // aborted a few iterations into the first path (its iterates and ELBO draws are those of the full run's first path)
    const midFirst = aborting(60);
    const r = await pathfinder(midFirst.target, { seed: 8, drawsPerPath: 50, draws: 50, signal: midFirst.signal });
    expect(r.paths).toHaveLength(1);
    expect(r.paths[0].iterations).toBeLessThan(full.paths[0].iterations);
    expect(r.gradients).toBeLessThan(full.paths[0].gradients);
    // aborted at the first call: the path still takes its first L-BFGS step (stop is asked after each step)
    const atOnce = aborting(1);
    const first = await pathfinder(atOnce.target, { seed: 8, drawsPerPath: 50, draws: 50, signal: atOnce.signal });
    expect(first.paths.map((p) => p.iterations)).toEqual([1]);
    // aborted before the run: no path, so no approximation
    const before = aborting(Infinity);
    const controller = new AbortController();
    controller.abort();
    await expect(pathfinder(before.target, { seed: 8, drawsPerPath: 50, draws: 50, signal: controller.signal })).rejects.toBeInstanceOf(PathfinderAbortedError);
    // --init pathfinder then hands the sampler no start (fitModel passes it the same aborted signal)
    const start = { target: before.target, signal: controller.signal };
    expect(await pathfinderStart(start.target, 4, 8, 4, start.signal)).toBeNull();
  });
});

describe('the initial metric handed to warm-up (SampleOptions.initialInverseMetric)', () => {
  it('is the metric the sampler uses when there is no warm-up to change it, for diag, dense and lowrank', async () => {
    const { sample } = await import('../../../src/sampler/run.js');
    const target = GaussianTarget.standard(3);
    const given = Float64Array.from([0.5, 2, 4]);
    for (const metric of ['diag', 'dense', 'lowrank'] as const) {
      const r = await sample(target, { chains: 2, warmup: 0, draws: 5, seed: 1, metric, initialInverseMetric: given });
      const inv = r.inverseMetric[1];
      if (metric !== 'dense') expect(Array.from(inv)).toEqual([0.5, 2, 4]);
      else expect(Array.from(inv)).toEqual([0.5, 0, 0, 0, 2, 0, 0, 0, 4]);
    }
  });
});
