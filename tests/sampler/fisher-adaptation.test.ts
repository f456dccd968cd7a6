// The Fisher-divergence warm-up (src/sampler/adaptation/fisher-metric.ts, fisher-adaptation.ts) and the Jacobi
// eigen-decomposition it uses. References: Gaussians, whose gradient is −S⁻¹(q − μ) exactly, so the diagonal estimate
// sqrt(var q / var g) is σ² and the dense one (geometric mean of cov q and (cov g)⁻¹) is S, from a few draws, drifting
// or not (Seyboldt, Carlson & Carpenter, § "Motivation: example with normal posterior"); eigenvalues of 2 × 2 and
// 3 × 3 matrices in closed form / reconstruction; sampler runs on badly scaled and correlated Gaussians whose moments
// are known.
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/numeric/symmetric-eigen.js';
import { FISHER_DEFAULTS, FisherAdaptation, fisherSchedule, LATE_WINDOW, SKIP } from '../../src/sampler/adaptation/fisher-adaptation.js';
import { DenseScratch, DrawGradientWindows, fisherDense, fisherDiagonal, gradientInitialDiagonal } from '../../src/sampler/adaptation/fisher-metric.js';
import { Metric } from '../../src/sampler/metric.js';
import { sample } from '../../src/sampler/run.js';
import { Rng } from '../../src/rng.js';
import { essMean } from '../../src/diagnostics/ess.js';
import { GaussianTarget, invert } from './helpers/targets.js';

describe('symmetric eigen-decomposition (Jacobi)', () => {
  it('gives 1 and 3 for [[2, 1], [1, 2]] with eigenvectors (1, ∓1)/√2', () => {
    const values = new Float64Array(2);
    const vectors = new Float64Array(4);
    symmetricEigen(new Float64Array([2, 1, 1, 2]), 2, values, vectors);
    const order = values[0] < values[1] ? [0, 1] : [1, 0];
    expect(values[order[0]]).toBeCloseTo(1, 14);
    expect(values[order[1]]).toBeCloseTo(3, 14);
    // the eigenvector of 3 is (1, 1)/√2 up to sign
    const k = order[1];
    expect(Math.abs(vectors[0 * 2 + k])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[0 * 2 + k] * vectors[1 * 2 + k]).toBeGreaterThan(0);
  });

  it('reconstructs a random symmetric 6 × 6 matrix as V diag(λ) Vᵀ with V orthogonal', () => {
    const d = 6;
    const rng = new Rng(9, 0);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = rng.normal();
    const values = new Float64Array(d);
    const vectors = new Float64Array(d * d);
    symmetricEigen(a.slice(), d, values, vectors);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let r = 0;
        let o = 0;
        for (let k = 0; k < d; k++) {
          r += vectors[i * d + k] * values[k] * vectors[j * d + k];
          o += vectors[k * d + i] * vectors[k * d + j];
        }
        expect(r).toBeCloseTo(a[i * d + j], 12);
        expect(o).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });
});

/** Draws of N(mu, S) (S = L Lᵀ) and their gradients −S⁻¹(q − mu), optionally drifting: offset shrinking with k. */
function gaussianPairs(mu: number[], L: number[][], n: number, drift: number, seed: number): { q: Float64Array[]; g: Float64Array[] } {
  const d = mu.length;
  const S = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < d; k++) S[i * d + j] += L[i][k] * L[j][k];
  const P = invert(S, d);
  const rng = new Rng(seed, 0);
  const q: Float64Array[] = [];
  const g: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const z = Array.from({ length: d }, () => rng.normal() + drift * (n - k));
    const x = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      x[i] = mu[i];
      for (let j = 0; j < d; j++) x[i] += L[i][j] * z[j];
    }
    const gr = new Float64Array(d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) gr[i] -= P[i * d + j] * (x[j] - mu[j]);
    q.push(x);
    g.push(gr);
  }
  return { q, g };
}

describe('Fisher-divergence metric estimates', () => {
  it('diagonal: σ² per coordinate of an independent Gaussian from 10 drifting draws', () => {
    const sigma = [0.01, 1, 30];
    const { q, g } = gaussianPairs([-5, 0, 2], [[0.01, 0, 0], [0, 1, 0], [0, 0, 30]], 10, 4, 3);
    const w = new DrawGradientWindows(1, 3, false);
    for (let k = 0; k < q.length; k++) {
      const row = new Float64Array(6);
      w.add(0, q[k], g[k], 0);
      row.set(q[k]);
    }
    const inverse = new Float64Array(3).fill(1);
    expect(w.diagonal(0, inverse)).toBe(true);
    for (let i = 0; i < 3; i++) expect(inverse[i] / sigma[i] ** 2).toBeCloseTo(1, 9);
  });

  it('diagonal: a coordinate that did not move keeps its value', () => {
    const inverse = new Float64Array([7, 7]);
    expect(fisherDiagonal(new Float64Array([4, 0]), new Float64Array([1, 0.5]), inverse)).toBe(1);
    expect(Array.from(inverse)).toEqual([2, 7]);
  });

  it('dense: the covariance S of a correlated Gaussian (condition number ~10⁴) from 12 drifting draws', () => {
    const L = [
      [100, 0, 0],
      [60, 20, 0],
      [-1, 0.5, 1],
    ];
    const { q, g } = gaussianPairs([1, 2, 3], L, 12, 2, 5);
    const w = new DrawGradientWindows(1, 3, true);
    for (let k = 0; k < q.length; k++) w.add(0, q[k], g[k], 0);
    const out = new Float64Array(9);
    expect(w.denseEstimate(0, out)).toBe(true);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += L[i][k] * L[j][k];
        expect(out[i * 3 + j]).toBeCloseTo(s, 6);
      }
    }
  });

  it('dense: refuses a gradient covariance that is singular', () => {
    const q = new Float64Array([1, 0, 0, 1]);
    const g = new Float64Array([1, 1, 1, 1]); // rank 1
    expect(fisherDense(q, g, 2, new Float64Array(4), new DenseScratch(2))).toBe(false);
  });

  it('initial metric 1/g² from the starting gradient; zero gradients keep their value', () => {
    const inverse = new Float64Array([1, 1, 1]);
    gradientInitialDiagonal(new Float64Array([9, 9, 4, 0.5, 0]), 2, inverse);
    expect(Array.from(inverse)).toEqual([1 / 16, 4, 1]);
  });

  it('windows: a switch makes the background the foreground and empties the background', () => {
    const w = new DrawGradientWindows(2, 1, false);
    const x = new Float64Array([0, 0]);
    for (let k = 0; k < 5; k++) {
      x[0] = k;
      w.add(0, x, x, 0);
      if (k === 2) w.switch(0);
    }
    w.add(1, x, x, 0);
    expect([w.foregroundCount(0), w.backgroundCount(0)]).toEqual([5, 2]);
    w.switch(0);
    expect([w.foregroundCount(0), w.backgroundCount(0)]).toEqual([2, 0]);
    // slot 1 is untouched
    expect([w.foregroundCount(1), w.backgroundCount(1)]).toEqual([1, 1]);
  });
});

describe('Fisher warm-up schedule', () => {
  it('early phase of 30% (at most 100 iterations), final window of 15% (at most 100)', () => {
    expect(fisherSchedule(1000)).toEqual({ earlyEnd: 100, finalWindow: 100 });
    expect(fisherSchedule(200)).toEqual({ earlyEnd: 60, finalWindow: 30 });
    expect(fisherSchedule(10)).toEqual({ earlyEnd: 3, finalWindow: 1 });
  });

  it('after a settled start: no early phase, a final window of at most 50', () => {
    expect(fisherSchedule(1000, true)).toEqual({ earlyEnd: 0, finalWindow: 50 });
    expect(fisherSchedule(200, true)).toEqual({ earlyEnd: 0, finalWindow: 30 });
  });

  /**
   * Warm-up iterations of one chain fed draws of N(0, diag(1, 9)) with their exact gradients −q/σ² and acceptance at
   * the target (so the step size does not move), starting from `initial` as its inverse metric. The Fisher diagonal
   * of such pairs is σ² exactly (sqrt(var q / var g) = σ²), so every window's metric is the true one.
   */
  const warmupLength = (settledStart: boolean, initial: number[]): number => {
    const metric = new Metric('diag', 1, 2);
    metric.setDiagonalInverse(0, new Float64Array(initial));
    const a = new FisherAdaptation(1, metric, 1000, { targetAccept: 0.8, gamma: 0.05, t0: 10, kappa: 0.75 }, { ...FISHER_DEFAULTS, settledStart });
    const stepSize = new Float64Array([0.5]);
    a.start(stepSize);
    const rng = new Rng(11, 0);
    const q = new Float64Array(2);
    const g = new Float64Array(2);
    for (let i = 0; i < 1000; i++) {
      q[0] = rng.normal();
      q[1] = 3 * rng.normal();
      g[0] = -q[0];
      g[1] = -q[1] / 9;
      a.learnOf(0, i, new Float64Array([0.8]), q, g, stepSize);
      if (a.isLastOf(0, i)) return i + 1;
    }
    return 1000;
  };

  it('a settled start with the exact metric ends after SKIP + 2 late windows + 50 iterations (215), the normal schedule after 355', () => {
    // normal: early windows to 100, late switches at iterations 174 and 254 (stable twice), final window of 100
    expect(warmupLength(false, [1, 9])).toBe(355);
    // settled: late switches at 84 (compared with the handed-over metric) and 164, final window of 50
    expect(warmupLength(true, [1, 9])).toBe(SKIP + 2 * LATE_WINDOW + 50);
  });

  it('a settled start whose handed-over metric is wrong fails the first comparison and needs one more window (295)', () => {
    // [100, 0.09]: root mean square log ratio to the truth log 100 ≫ STABLE_METRIC at the switch of iteration 84
    expect(warmupLength(true, [100, 0.09])).toBe(SKIP + 3 * LATE_WINDOW + 50);
  });

  it('re-initialises the step size once, when the first estimate replaces the initial metric', () => {
    const metric = new Metric('diag', 1, 2);
    const a = new FisherAdaptation(1, metric, 1000, { targetAccept: 0.8, gamma: 0.05, t0: 10, kappa: 0.75 });
    const stepSize = new Float64Array([1]);
    a.start(stepSize);
    a.initOf(0, new Float64Array([2, 0.1]));
    expect(Array.from(metric.inverseOf(0))).toEqual([0.25, 100].map((x) => expect.closeTo(x, 12)));
    const rng = new Rng(1, 0);
    const q = new Float64Array(2);
    const g = new Float64Array(2);
    const reinit: number[] = [];
    for (let i = 0; i < 40; i++) {
      q[0] = rng.normal();
      q[1] = 3 * rng.normal();
      g[0] = -q[0];
      g[1] = -q[1] / 9;
      if (a.learnOf(0, i, new Float64Array([0.8]), q, g, stepSize)) reinit.push(i);
    }
    // pairs from iteration 5 on; the third gives the first estimate
    expect(reinit).toEqual([7]);
    expect(metric.inverseOf(0)[1]).toBeCloseTo(9, 8);
  });
});

describe('Fisher warm-up in a run', () => {
  const scales = [0.001, 0.1, 1, 10, 300];
  const target = GaussianTarget.independent([1, 1, 1, 1, 1], scales);

  const moments = (draws: Float64Array[], nDraws: number, d: number, i: number): { mean: number; sd: number } => {
    const xs: number[] = [];
    for (const chain of draws) for (let k = 0; k < nDraws; k++) xs.push(chain[k * d + i]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    return { mean, sd: Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) };
  };

  it('ends warm-up early once metric and step size settle, with fewer warm-up gradients than Stan, and the same posterior', async () => {
    const run = (adapt: 'fisher' | 'stan') => sample(target, { chains: 4, warmup: 1000, draws: 500, seed: 2, adapt });
    const fisher = await run('fisher');
    const stan = await run('stan');
    const warmupGradients = (r: typeof fisher): number =>
      r.gradientEvaluations.reduce((s, x) => s + x, 0) - r.samplingGradientEvaluations.reduce((s, x) => s + x, 0);
    console.log(
      `warm-up iterations ${Array.from(fisher.warmupIterations).join(', ')}; warm-up gradients fisher ${warmupGradients(fisher)}, stan ${warmupGradients(stan)}`,
    );
    expect(Array.from(stan.warmupIterations)).toEqual([1000, 1000, 1000, 1000]);
    for (const w of fisher.warmupIterations) {
      expect(w).toBeGreaterThanOrEqual(300); // 100 early + two late windows + the final window, at least
      expect(w).toBeLessThan(1000);
    }
    expect(warmupGradients(stan)).toBeGreaterThan(2 * warmupGradients(fisher));
    expect(fisher.nDraws).toBe(500);
    expect(fisher.draws.every((x) => x.length === 500 * 5)).toBe(true);
    // the adapted metric is the variance per coordinate within 35%; the draws have mean 1 and sd = scale within
    // 5 Monte Carlo errors (ESS ≥ 400 of 2000 draws) and 15%
    for (let c = 0; c < 4; c++) for (let i = 0; i < 5; i++) expect(Math.abs(Math.log(fisher.inverseMetric[c][i] / scales[i] ** 2))).toBeLessThan(0.35);
    for (let i = 0; i < 5; i++) {
      const { mean, sd } = moments(fisher.draws, fisher.nDraws, 5, i);
      expect(Math.abs(mean - 1)).toBeLessThan((5 * scales[i]) / Math.sqrt(400));
      expect(Math.abs(sd / scales[i] - 1)).toBeLessThan(0.15);
    }
  });

  it('from a settled start (draws of the target, its exact variances) ends warm-up sooner than from random starts, and samples it', async () => {
    // starts drawn from the target itself and its variances as the metric: what --init pathfinder hands over at best
    const rng = new Rng(21, 0);
    const inits = new Float64Array(4 * 5);
    for (let c = 0; c < 4; c++) for (let i = 0; i < 5; i++) inits[c * 5 + i] = 1 + scales[i] * rng.normal();
    const variances = Float64Array.from(scales, (s) => s * s);
    const settled = await sample(target, { chains: 4, warmup: 1000, draws: 1000, seed: 6, init: inits, initialInverseMetric: variances, fisher: { settledStart: true } });
    const random = await sample(target, { chains: 4, warmup: 1000, draws: 1000, seed: 6 });
    console.log(`warm-up iterations: settled ${Array.from(settled.warmupIterations).join(', ')}; random ${Array.from(random.warmupIterations).join(', ')}`);
    expect(Math.max(...settled.warmupIterations)).toBeLessThan(Math.min(...random.warmupIterations));
    for (const w of settled.warmupIterations) expect(w).toBeGreaterThanOrEqual(SKIP + 2 * LATE_WINDOW + 50);
    expect(settled.divergences.reduce((s, x) => s + x, 0)).toBe(0);
    // closed form: mean 1, variance scale²; each within 4 Monte Carlo standard errors, from the ESS of the draws
    // (ess_mean of x for the mean, of (x − 1)² for the variance, whose sd is √2 scale² for a normal)
    const n = settled.nDraws;
    for (let i = 0; i < 5; i++) {
      const x = new Float64Array(4 * n);
      const sq = new Float64Array(4 * n);
      for (let c = 0; c < 4; c++) {
        for (let k = 0; k < n; k++) {
          x[c * n + k] = settled.draws[c][k * 5 + i];
          sq[c * n + k] = (x[c * n + k] - 1) ** 2;
        }
      }
      const essX = essMean({ values: x, nChains: 4, nDraws: n }) ?? 0;
      const essVar = essMean({ values: sq, nChains: 4, nDraws: n }) ?? 0;
      expect(essX).toBeGreaterThan(400);
      expect(essVar).toBeGreaterThan(400);
      const mean = x.reduce((s, v) => s + v, 0) / x.length;
      const variance = sq.reduce((s, v) => s + v, 0) / sq.length;
      console.log(`coordinate ${i}: (mean − 1)/MCSE ${((mean - 1) / (scales[i] / Math.sqrt(essX))).toFixed(2)}, (variance − scale²)/MCSE ${((variance - scales[i] ** 2) / ((Math.SQRT2 * scales[i] ** 2) / Math.sqrt(essVar))).toFixed(2)}, ess ${essX.toFixed(0)} ${essVar.toFixed(0)}`);
      expect(Math.abs(mean - 1)).toBeLessThan((4 * scales[i]) / Math.sqrt(essX));
      expect(Math.abs(variance - scales[i] ** 2)).toBeLessThan((4 * Math.SQRT2 * scales[i] ** 2) / Math.sqrt(essVar));
    }
  });

  it('lasts the maximum without the adaptive length', async () => {
    const r = await sample(target, { chains: 2, warmup: 300, draws: 50, seed: 2, fisher: { adaptiveLength: false } });
    expect(Array.from(r.warmupIterations)).toEqual([300, 300]);
  });

  it('pools 16 chains: one shared metric, a shorter warm-up per chain than 4 chains alone, the same posterior', async () => {
    const pooled = await sample(target, { chains: 16, warmup: 1000, draws: 200, seed: 3, fisher: { poolMinChains: 16 } });
    const alone = await sample(target, { chains: 4, warmup: 1000, draws: 200, seed: 3 });
    const mean = (x: Int32Array): number => x.reduce((s, v) => s + v, 0) / x.length;
    console.log(`mean warm-up iterations: 16 pooled ${mean(pooled.warmupIterations)}, 4 alone ${mean(alone.warmupIterations)}`);
    expect(mean(pooled.warmupIterations)).toBeLessThan(mean(alone.warmupIterations));
    for (let c = 1; c < 16; c++) expect(Array.from(pooled.inverseMetric[c])).toEqual(Array.from(pooled.inverseMetric[0]));
    for (let i = 0; i < 5; i++) expect(Math.abs(Math.log(pooled.inverseMetric[0][i] / scales[i] ** 2))).toBeLessThan(0.25);
    for (let i = 0; i < 5; i++) {
      const { mean: m, sd } = moments(pooled.draws, pooled.nDraws, 5, i);
      expect(Math.abs(m - 1)).toBeLessThan((5 * scales[i]) / Math.sqrt(600));
      expect(Math.abs(sd / scales[i] - 1)).toBeLessThan(0.15);
    }
  });

  it('adapts a dense metric to a correlated Gaussian: the covariance within 20% per entry of its scale', async () => {
    const L = [
      [10, 0, 0],
      [9, 1, 0],
      [0.5, 0.2, 0.1],
    ];
    const S = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) S[i * 3 + j] += L[i][k] * L[j][k];
    const r = await sample(GaussianTarget.withCovariance([0, 0, 0], S), { chains: 2, warmup: 1000, draws: 100, seed: 4, metric: 'dense' });
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const scale = Math.sqrt(S[i * 3 + i] * S[j * 3 + j]);
          expect(Math.abs(r.inverseMetric[c][i * 3 + j] - S[i * 3 + j]) / scale).toBeLessThan(0.2);
        }
      }
    }
  });
});
