/**
 * Stan's warm-up adaptation pieces: the window schedule (values from Stan's windowed_adaptation logic as documented in
 * the Stan Reference Manual, "HMC algorithm parameters / automatic parameter tuning"), dual averaging against its closed
 * form for a constant acceptance statistic, Welford against two-pass estimates, and the regularisation formula.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { DualAveraging, STAN_DUAL_AVERAGING } from '../../src/sampler/adaptation/dual-averaging.js';
import { WelfordEstimator } from '../../src/sampler/adaptation/welford.js';
import { adaptationWindows, inSlowWindow } from '../../src/sampler/adaptation/windows.js';
import { regularizeMetric } from '../../src/sampler/adaptation/window-adaptation.js';

describe('adaptation windows', () => {
  it('1000 warm-up iterations: 75 + 25, +50, +100, +200, +500 (stretched), terminal 50', () => {
    const w = adaptationWindows(1000);
    // 0-based iterations after which the metric is updated: 100, 150, 250, 450, 950 in 1-based counting
    expect(w.ends).toEqual([99, 149, 249, 449, 949]);
    expect(inSlowWindow(w, 74)).toBe(false);
    expect(inSlowWindow(w, 75)).toBe(true);
    expect(inSlowWindow(w, 949)).toBe(true);
    expect(inSlowWindow(w, 950)).toBe(false);
  });

  it('2000 warm-up iterations: the last window is stretched to the terminal buffer', () => {
    // 75+25=100, 150, 250, 450, 850, then 850+800=1650 and its successor would overrun 1950: stretched to 1950
    expect(adaptationWindows(2000).ends).toEqual([99, 149, 249, 449, 849, 1949]);
  });

  it('short warm-ups are split 15% / 75% / 10%', () => {
    const w = adaptationWindows(100);
    expect([w.initBuffer, w.baseWindow, w.termBuffer]).toEqual([15, 75, 10]);
    expect(w.ends).toEqual([89]);
    const w149 = adaptationWindows(149);
    expect([w149.initBuffer, w149.baseWindow, w149.termBuffer]).toEqual([22, 113, 14]);
    expect(w149.ends).toEqual([134]);
    // exactly 150 fits the default stages: one window 75 … 99
    expect(adaptationWindows(150).ends).toEqual([99]);
  });

  it('no metric adaptation below 20 warm-up iterations', () => {
    const w = adaptationWindows(19);
    expect(w.ends).toEqual([]);
    expect(inSlowWindow(w, 5)).toBe(false);
  });
});

describe('dual averaging', () => {
  it('follows the closed form for a constant acceptance statistic', () => {
    // with a constant a: s̄_n = (δ − a)·n/(n + t0), x_n = μ − s̄_n √n / γ (Hoffman & Gelman 2014, eq. 6 unrolled)
    const { targetAccept: delta, gamma, t0, kappa } = STAN_DUAL_AVERAGING;
    const da = new DualAveraging(1);
    const mu = Math.log(10 * 0.5);
    da.setMu(0, mu);
    da.restart(0);
    const a = 0.6;
    let xBar = 0;
    for (let n = 1; n <= 50; n++) {
      const eps = da.learn(0, a);
      const x = mu - ((delta - a) * n) / (n + t0) * (Math.sqrt(n) / gamma);
      expect(Math.log(eps)).toBeCloseTo(x, 12);
      xBar = (1 - n ** -kappa) * xBar + n ** -kappa * x;
      if (n === 1) expect(da.xBar[0]).toBeCloseTo(x, 14); // x̄_1 = x_1 since 1^−κ = 1
    }
    expect(Math.log(da.final(0))).toBeCloseTo(xBar, 12);
  });

  it('caps the acceptance statistic at 1 and keeps ε at exp(μ) when the acceptance equals the target', () => {
    const da = new DualAveraging(2);
    da.setMu(0, 0.3);
    da.setMu(1, 0.3);
    for (let n = 0; n < 10; n++) {
      expect(da.learn(0, 0.8)).toBeCloseTo(Math.exp(0.3), 14);
      da.learn(1, 1.7);
    }
    const capped = new DualAveraging(1);
    capped.setMu(0, 0.3);
    for (let n = 0; n < 10; n++) capped.learn(0, 1);
    expect(da.xBar[1]).toBe(capped.xBar[0]);
  });
});

describe('Welford estimator', () => {
  it('matches two-pass variance and covariance', () => {
    const rng = new Rng(9);
    const d = 3;
    const n = 200;
    const xs = new Float64Array(n * d);
    for (let s = 0; s < n; s++) {
      const z = rng.normal();
      xs[s * d] = 5 + z;
      xs[s * d + 1] = -3 + 0.5 * z + rng.normal();
      xs[s * d + 2] = 1e3 + 100 * rng.normal();
    }
    const v = new WelfordEstimator(2, d, false);
    const cv = new WelfordEstimator(1, d, true);
    for (let s = 0; s < n; s++) {
      v.add(1, xs, s * d);
      cv.add(0, xs, s * d);
    }
    const mean = [0, 1, 2].map((i) => xs.filter((_, k) => k % d === i).reduce((a, b) => a + b, 0) / n);
    const cov = (i: number, j: number): number => {
      let s = 0;
      for (let k = 0; k < n; k++) s += (xs[k * d + i] - mean[i]) * (xs[k * d + j] - mean[j]);
      return s / (n - 1);
    };
    const var1 = new Float64Array(d);
    expect(v.sample(0, var1)).toBe(false); // chain 0 saw nothing
    expect(v.sample(1, var1)).toBe(true);
    const cov1 = new Float64Array(d * d);
    cv.sample(0, cov1);
    for (let i = 0; i < d; i++) {
      expect(var1[i] / cov(i, i)).toBeCloseTo(1, 12);
      for (let j = 0; j < d; j++) expect(cov1[i * d + j] - cov(i, j)).toBeCloseTo(0, 9);
    }
  });

  it("regularises as Stan: (n/(n+5))·Σ + 1e-3·(5/(n+5))·I", () => {
    const diag = new Float64Array([2, 4]);
    regularizeMetric(diag, 45, 2, false);
    expect(diag[0]).toBeCloseTo(0.9 * 2 + 1e-4, 15);
    expect(diag[1]).toBeCloseTo(0.9 * 4 + 1e-4, 15);
    const dense = new Float64Array([2, 1, 1, 4]);
    regularizeMetric(dense, 45, 2, true);
    expect(Array.from(dense)).toEqual([0.9 * 2 + 1e-4, 0.9, 0.9, 0.9 * 4 + 1e-4]);
  });
});
