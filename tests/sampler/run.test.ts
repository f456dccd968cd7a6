/**
 * The runner: reproducibility per seed, independent chain streams, lockstep for 4096 chains, thinning, abort,
 * initial values (random with retries, given, errors).
 */
import { describe, expect, it } from 'vitest';
import { chainDraws, variableIndex } from '../../src/draws.js';
import { UserError } from '../../src/errors.js';
import type { LogDensityTarget } from '../../src/sampler/nuts.js';
import { SAMPLER_STAT_NAMES, sample } from '../../src/sampler/run.js';
import { GaussianTarget, RecordingTarget } from './helpers/targets.js';

describe('sample()', () => {
  it('reproduces a run exactly from its seed, and another seed gives other draws', async () => {
    const opts = { chains: 3, warmup: 150, draws: 100, seed: 123 };
    const a = await sample(GaussianTarget.standard(4), opts);
    const b = await sample(GaussianTarget.standard(4), opts);
    const c = await sample(GaussianTarget.standard(4), { ...opts, seed: 124 });
    expect(a.stats.names).toEqual([...SAMPLER_STAT_NAMES]);
    for (let k = 0; k < 3; k++) expect(Array.from(a.draws[k])).toEqual(Array.from(b.draws[k]));
    expect(Array.from(a.stats.values)).toEqual(Array.from(b.stats.values));
    expect(Array.from(a.stepSize)).toEqual(Array.from(b.stepSize));
    expect(a.draws[0][0]).not.toBe(c.draws[0][0]);
    // each chain has its own stream: chains differ
    expect(a.draws[0][0]).not.toBe(a.draws[1][0]);
  });

  it('gives a chain the same draws whether it runs alone or with others (independent per-chain streams)', async () => {
    const one = await sample(GaussianTarget.standard(3), { chains: 1, warmup: 100, draws: 50, seed: 8 });
    const four = await sample(GaussianTarget.standard(3), { chains: 4, warmup: 100, draws: 50, seed: 8 });
    expect(Array.from(four.draws[0])).toEqual(Array.from(one.draws[0]));
  });

  it('runs 4096 chains in lockstep on a 2-d Gaussian, with one target call per leapfrog round', async () => {
    const target = new RecordingTarget(GaussianTarget.independent([1, -1], [1, 2]));
    const result = await sample(target, { chains: 4096, warmup: 100, draws: 50, seed: 1 });
    // every call covers many chains: calls are far fewer than gradient evaluations
    let grads = 0;
    for (const g of result.gradientEvaluations) grads += g;
    const asked = target.activeCounts.reduce((s, n) => s + n, 0);
    expect(asked).toBe(grads);
    expect(result.targetCalls).toBe(target.activeCounts.length);
    expect(result.targetCalls).toBeLessThan(grads / 100);
    // pooled over 4096 × 50 draws the moments are tight: sd of the mean ≈ 2/√(204800 / 3) ≈ 0.008
    const x0 = new Float64Array(4096 * 50);
    const x1 = new Float64Array(4096 * 50);
    result.draws.forEach((dr, c) => {
      for (let s = 0; s < 50; s++) {
        x0[c * 50 + s] = dr[2 * s];
        x1[c * 50 + s] = dr[2 * s + 1];
      }
    });
    const mean = (x: Float64Array): number => x.reduce((a, b) => a + b, 0) / x.length;
    const sd = (x: Float64Array): number => {
      const m = mean(x);
      return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
    };
    expect(Math.abs(mean(x0) - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean(x1) + 1)).toBeLessThan(0.06);
    expect(Math.abs(sd(x0) - 1)).toBeLessThan(0.03);
    expect(Math.abs(sd(x1) - 2)).toBeLessThan(0.06);
  });

  it('keeps every thin-th draw, with Stan-style integer statistics', async () => {
    const r = await sample(GaussianTarget.standard(2), { chains: 2, warmup: 50, draws: 25, thin: 4, seed: 3 });
    expect(r.nDraws).toBe(7);
    expect(r.draws[1].length).toBe(14);
    const depth = chainDraws(r.stats, variableIndex(r.stats, 'treedepth__'), 1);
    const n = chainDraws(r.stats, variableIndex(r.stats, 'n_leapfrog__'), 1);
    for (let s = 0; s < 7; s++) {
      expect(Number.isInteger(depth[s]) && depth[s] >= 1).toBe(true);
      // the accepted tree has 2^depth − 1 steps; a rejected last subtree adds up to 2^depth more (Stan counts them)
      expect(n[s]).toBeGreaterThanOrEqual(2 ** depth[s] - 1);
      expect(n[s]).toBeLessThanOrEqual(2 ** (depth[s] + 1) - 1);
    }
  });

  it('does not make chains wait for each other: every call covers all chains until the first chain is done', async () => {
    // a 5-d Gaussian with scales 1 … 30: tree depths differ between chains and iterations
    const target = new RecordingTarget(GaussianTarget.independent([0, 1, 2, 3, 4], [1, 3, 10, 20, 30]));
    const C = 4;
    const r = await sample(target, { chains: C, warmup: 150, draws: 100, seed: 5 });
    const counts = target.activeCounts;
    // after the initial values, the number of chains per call never goes up again: no call has an idle slot while
    // some chain still has iterations to do (in lockstep it would drop every iteration and climb back to C)
    const firstShort = counts.findIndex((n) => n < C);
    expect(firstShort).toBeGreaterThan(0);
    for (let k = firstShort + 1; k < counts.length; k++) expect(counts[k]).toBeLessThanOrEqual(counts[k - 1]);
    const grads = r.gradientEvaluations.reduce((a, b) => a + b, 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(grads);
    // the fill of the calls is close to 1 (waiting for the longest tree every iteration gives 0.53 here)
    expect(grads / (r.targetCalls * C)).toBeGreaterThan(0.9);
    // the tree sizes did differ between chains within an iteration (otherwise the test shows nothing)
    const nl = variableIndex(r.stats, 'n_leapfrog__');
    let differing = 0;
    for (let s = 0; s < r.nDraws; s++) {
      const at = (c: number): number => r.stats.values[(nl * C + c) * r.nDraws + s];
      if (at(0) !== at(1) || at(1) !== at(2) || at(2) !== at(3)) differing++;
    }
    expect(differing).toBeGreaterThan(20);
  });

  it("gives a chain the same draws, step size and metric whatever the other chains' schedules", async () => {
    const target = GaussianTarget.withCovariance([1, -2], new Float64Array([4, 1.8, 1.8, 1]));
    const same = new Float64Array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    const other = new Float64Array([0.5, 0.5, 9, -9, -30, 20]);
    for (const metric of ['diag', 'dense'] as const) {
      const opts = { chains: 3, warmup: 200, draws: 60, seed: 11, thin: 2, metric };
      const a = await sample(target, { ...opts, init: same });
      const b = await sample(target, { ...opts, init: other });
      expect(Array.from(b.draws[0])).toEqual(Array.from(a.draws[0]));
      expect(b.stepSize[0]).toBe(a.stepSize[0]);
      expect(Array.from(b.inverseMetric[0])).toEqual(Array.from(a.inverseMetric[0]));
      expect(b.gradientEvaluations[0]).toBe(a.gradientEvaluations[0]);
      expect(b.draws[1][0]).not.toBe(a.draws[1][0]);
    }
  });

  it('calls a target\'s calling-thread form instead of its promise, with the same draws and statistics', async () => {
    // the same Gaussian with a synchronous method beside the asynchronous one (Backend.logDensityGradientSync)
    const plain = GaussianTarget.withCovariance([1, -2], new Float64Array([4, 1.8, 1.8, 1]));
    const inner = GaussianTarget.withCovariance([1, -2], new Float64Array([4, 1.8, 1.8, 1]));
    let syncCalls = 0;
    const withSync: LogDensityTarget = {
      dim: inner.dim,
      logDensityGradient: (q, n, lp, g, active) => inner.logDensityGradient(q, n, lp, g, active),
      logDensityGradientSync: (q, n, lp, g, active) => {
        syncCalls++;
        void inner.logDensityGradient(q, n, lp, g, active); // computes before it returns its promise
      },
    };
    for (const metric of ['diag', 'dense'] as const) {
      const opts = { chains: 3, warmup: 150, draws: 80, seed: 5, thin: 2, metric };
      const a = await sample(plain, opts);
      syncCalls = 0;
      inner.calls = 0;
      const b = await sample(withSync, opts);
      for (let c = 0; c < 3; c++) expect(Array.from(b.draws[c])).toEqual(Array.from(a.draws[c]));
      expect(Array.from(b.stats.values)).toEqual(Array.from(a.stats.values));
      expect(Array.from(b.stepSize)).toEqual(Array.from(a.stepSize));
      expect(b.targetCalls).toBe(a.targetCalls);
      // every call of the run loop went through the synchronous form; only initialisation awaited the promise
      expect(syncCalls).toBeGreaterThan(0.95 * b.targetCalls);
      expect(inner.calls - syncCalls).toBeLessThan(10);
    }
  });

  it('still stops on abort when the target answers on the calling thread', async () => {
    const inner = GaussianTarget.standard(2);
    const target: LogDensityTarget = {
      dim: 2,
      logDensityGradient: (q, n, lp, g, active) => inner.logDensityGradient(q, n, lp, g, active),
      logDensityGradientSync: (q, n, lp, g, active) => void inner.logDensityGradient(q, n, lp, g, active),
    };
    const controller = new AbortController();
    const r = await sample(target, {
      chains: 2,
      warmup: 100,
      draws: 100,
      seed: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.iteration === 130) controller.abort();
      },
    });
    expect(r.incomplete).toBe(true);
    expect(r.samplingDone).toBe(30);
  });

  it('stops after the current iteration when aborted and marks the result incomplete', async () => {
    const controller = new AbortController();
    const r = await sample(GaussianTarget.standard(2), {
      chains: 2,
      warmup: 100,
      draws: 100,
      seed: 4,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.iteration === 130) controller.abort();
      },
    });
    expect(r.incomplete).toBe(true);
    expect(r.warmupDone).toBe(100);
    expect(r.samplingDone).toBe(30);
    expect(r.nDraws).toBe(30);
    expect(r.stats.nDraws).toBe(30);
    expect(r.draws[0].length).toBe(60);
    const lp = chainDraws(r.stats, 0, 1);
    expect(lp.every((v) => Number.isFinite(v) && v !== 0)).toBe(true);
  });

  it('redraws random initial values where the log density is not finite', async () => {
    // finite only for x > 1.5 in every coordinate (a 1-in-64 chance per draw in 2 dimensions)
    const base = GaussianTarget.independent([2, 2], [1, 1]);
    const half: LogDensityTarget = {
      dim: 2,
      async logDensityGradient(positions, nChains, logp, grad, active) {
        await base.logDensityGradient(positions, nChains, logp, grad, active);
        for (let c = 0; c < nChains; c++) {
          if (active && !active[c]) continue;
          if (positions[2 * c] < 1.5 || positions[2 * c + 1] < 1.5) logp[c] = -Infinity;
        }
      },
    };
    const r = await sample(half, { chains: 4, warmup: 0, draws: 1, seed: 5, stepSize: 0.01 });
    expect(r.gradientEvaluations[0]).toBeGreaterThan(2);
    const never: LogDensityTarget = {
      dim: 1,
      async logDensityGradient(_p, n, logp) {
        for (let c = 0; c < n; c++) logp[c] = -Infinity;
      },
    };
    await expect(sample(never, { chains: 2, warmup: 10, draws: 10, seed: 1 })).rejects.toThrow(UserError);
    await expect(sample(never, { chains: 2, warmup: 10, draws: 10, seed: 1 })).rejects.toThrow(/after 100 random initial values/);
  });

  it('starts from given initial values and rejects ones of the wrong size', async () => {
    const init = new Float64Array([5, 5, -5, -5]);
    const target = GaussianTarget.standard(2);
    const r = await sample(target, { chains: 2, warmup: 0, draws: 1, seed: 2, init, stepSize: 1e-4 });
    // one tiny-step transition stays next to the initial values
    expect(Math.abs(r.draws[0][0] - 5)).toBeLessThan(0.1);
    expect(Math.abs(r.draws[1][1] + 5)).toBeLessThan(0.1);
    await expect(sample(target, { chains: 2, warmup: 0, draws: 1, seed: 2, init: new Float64Array(3) })).rejects.toThrow(
      /3 numbers but 2 chains × 2 parameters/,
    );
    await expect(sample(target, { chains: 0, warmup: 1, draws: 1, seed: 2 })).rejects.toThrow(/--chains/);
    await expect(sample(target, { chains: 1, warmup: 1, draws: 1, seed: 2, targetAccept: 1 })).rejects.toThrow(/target-accept/);
  });
});
