/**
 * The lockstep NUTS kernel against a recursive transcription of Stan's base_nuts (helpers/stan-nuts-reference.ts):
 * same random stream, so the same draws, tree depths, leapfrog counts, acceptance statistics and energies, exactly.
 * Also: one target call per leapfrog round for all chains still building, depth limit and divergence as Stan.
 */
import { describe, expect, it } from 'vitest';
import { stream } from '../../src/rng.js';
import { Metric } from '../../src/sampler/metric.js';
import { NutsKernel, type LogDensityTarget } from '../../src/sampler/nuts.js';
import { stanTransition, type LogDensityFn } from './helpers/stan-nuts-reference.js';
import { RecordingTarget } from './helpers/targets.js';

/** A skewed, heavy-tailed 3-d density (banana × Cauchy), so that trees of many depths and U-turns occur. */
const banana: LogDensityFn = (q) => {
  const u = q[1] - 0.3 * q[0] * q[0];
  const lp = -0.25 * q[0] * q[0] - 0.5 * u * u - Math.log1p(q[2] * q[2]);
  const grad = new Float64Array([-0.5 * q[0] + 0.6 * q[0] * u, -u, (-2 * q[2]) / (1 + q[2] * q[2])]);
  return { lp, grad };
};

function batched(f: LogDensityFn, dim: number): LogDensityTarget {
  return {
    dim,
    async logDensityGradient(positions, nChains, logp, grad, active) {
      for (let c = 0; c < nChains; c++) {
        if (active && !active[c]) continue;
        const r = f(positions.slice(c * dim, (c + 1) * dim));
        logp[c] = Number.isFinite(r.lp) ? r.lp : -Infinity;
        grad.set(r.grad, c * dim);
      }
    },
  };
}

describe('NUTS kernel', () => {
  it('reproduces a recursive transcription of Stan base_nuts draw for draw (3 chains, 300 transitions)', async () => {
    const C = 3;
    const d = 3;
    const stepSize = new Float64Array([0.9, 0.35, 1.6]);
    const invMetric = [new Float64Array([1, 1, 1]), new Float64Array([2, 0.5, 3]), new Float64Array([0.7, 1.3, 4])];
    const metric = new Metric('diag', C, d);
    invMetric.forEach((m, c) => metric.setInverse(c, m));
    const kernel = new NutsKernel(batched(banana, d), C, metric, stepSize, { maxTreeDepth: 4, maxDeltaH: 1000 });
    const rngs = Array.from({ length: C }, (_, c) => stream(42, c));
    const refRngs = Array.from({ length: C }, (_, c) => stream(42, c));
    const ref: { q: Float64Array; lp: number; grad: Float64Array }[] = Array.from({ length: C }, (_, c) => {
      const q = new Float64Array([0.5 - c, 0.2, 1 + c]);
      const { lp, grad } = banana(q);
      kernel.tree.current.q.set(q, c * d);
      kernel.tree.current.grad.set(grad, c * d);
      kernel.tree.current.logp[c] = lp;
      return { q, lp, grad };
    });
    const depthsSeen = new Set<number>();
    let maxDiff = 0;
    for (let it = 0; it < 300; it++) {
      await kernel.transition(rngs);
      for (let c = 0; c < C; c++) {
        const r = stanTransition(banana, ref[c], invMetric[c], stepSize[c], 4, refRngs[c]);
        ref[c] = r;
        const t = kernel.tree;
        expect(t.treeDepth[c]).toBe(r.depth);
        expect(t.nLeapfrog[c]).toBe(r.nLeapfrog);
        expect(t.divergent[c]).toBe(r.divergent ? 1 : 0);
        expect(t.acceptStat[c]).toBe(r.acceptStat);
        expect(t.energy[c]).toBe(r.energy);
        expect(t.current.logp[c]).toBe(r.lp);
        for (let i = 0; i < d; i++) maxDiff = Math.max(maxDiff, Math.abs(t.current.q[c * d + i] - r.q[i]));
        depthsSeen.add(r.depth);
      }
    }
    expect(maxDiff).toBe(0);
    // the comparison covered short and long trajectories, including the depth limit
    expect(Math.min(...depthsSeen)).toBeLessThanOrEqual(1);
    expect(Math.max(...depthsSeen)).toBe(4);
  });

  it('makes one target call per leapfrog round, covering exactly the chains still building', async () => {
    const C = 16;
    const d = 3;
    const target = new RecordingTarget(batched(banana, d));
    const stepSize = new Float64Array(C).map((_, c) => 0.2 + 0.1 * c);
    const kernel = new NutsKernel(target, C, new Metric('diag', C, d), stepSize);
    for (let c = 0; c < C; c++) {
      const { lp, grad } = banana(new Float64Array(d));
      kernel.tree.current.grad.set(grad, c * d);
      kernel.tree.current.logp[c] = lp;
    }
    const rngs = Array.from({ length: C }, (_, c) => stream(7, c));
    for (let it = 0; it < 50; it++) {
      const before = target.activeCounts.length;
      await kernel.transition(rngs);
      const counts = target.activeCounts.slice(before);
      const n = Array.from(kernel.tree.nLeapfrog);
      // calls = longest trajectory; call k is asked for every chain whose trajectory has more than k steps
      expect(counts.length).toBe(Math.max(...n));
      counts.forEach((active, k) => expect(active).toBe(n.filter((x) => x > k).length));
    }
  });

  it('stops at the maximum tree depth with 2^depth − 1 leapfrog steps, as Stan reports treedepth__', async () => {
    // a very flat target and a tiny step: no U-turn within 2^5 steps
    const flat: LogDensityFn = (q) => ({ lp: -1e-6 * q[0] * q[0], grad: new Float64Array([-2e-6 * q[0]]) });
    const kernel = new NutsKernel(batched(flat, 1), 1, new Metric('diag', 1, 1), new Float64Array([1e-3]), {
      maxTreeDepth: 5,
      maxDeltaH: 1000,
    });
    kernel.tree.current.logp[0] = 0;
    const rngs = [stream(1, 0)];
    for (let it = 0; it < 5; it++) {
      await kernel.transition(rngs);
      expect(kernel.tree.treeDepth[0]).toBe(5);
      expect(kernel.tree.nLeapfrog[0]).toBe(31);
    }
  });

  it('flags a divergence when the energy error exceeds 1000 and keeps the chain where it was', async () => {
    // a cliff: log density −1e6 beyond |q| > 1
    const cliff: LogDensityFn = (q) => ({ lp: Math.abs(q[0]) > 1 ? -1e6 : -0.5 * q[0] * q[0], grad: new Float64Array([-q[0]]) });
    const kernel = new NutsKernel(batched(cliff, 1), 1, new Metric('diag', 1, 1), new Float64Array([5]));
    kernel.tree.current.q[0] = 0.5;
    kernel.tree.current.logp[0] = -0.125;
    kernel.tree.current.grad[0] = -0.5;
    await kernel.transition([stream(3, 0)]);
    expect(kernel.tree.divergent[0]).toBe(1);
    expect(kernel.tree.treeDepth[0]).toBe(0);
    expect(kernel.tree.nLeapfrog[0]).toBe(1);
    expect(kernel.tree.acceptStat[0]).toBe(0);
    expect(kernel.tree.current.q[0]).toBe(0.5);
  });
});
