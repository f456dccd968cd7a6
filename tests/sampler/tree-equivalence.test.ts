/**
 * The tree builder (src/sampler/trajectory.ts, which keeps states by pool id and fuses its passes) against the plain
 * form it replaced (helpers/plain-tree.ts, which copies every piece): the same streams must give the same draws,
 * log densities, gradients, tree depths, leapfrog counts, acceptance statistics, energies and divergences, bit for
 * bit, for the diagonal, dense and low-rank metrics. The targets and step sizes are chosen so that the comparison
 * covers divergences (also on a transition's first leaf, before any merge), the depth limit, U-turns found inside a
 * subtree and at the top level, and both directions.
 */
import { describe, expect, it } from 'vitest';
import { stream, type Rng } from '../../src/rng.js';
import { Metric, type MetricKind } from '../../src/sampler/metric.js';
import { TreeBuilder } from '../../src/sampler/trajectory.js';
import { PlainTreeBuilder } from './helpers/plain-tree.js';

type Builder = Pick<TreeBuilder, 'work' | 'current' | 'building' | 'treeDepth' | 'nLeapfrog' | 'acceptStat' | 'divergent' | 'energy' | 'begin' | 'advance'>;

/**
 * A d-dimensional density with scales 0.3 … 3, a banana twist between the first two coordinates, and a cliff
 * (log density −10⁶) beyond |q₀| > 4 that makes long steps diverge.
 */
function logDensity(q: Float64Array, o: number, d: number, grad: Float64Array): number {
  let lp = 0;
  for (let i = 0; i < d; i++) {
    const s = 0.3 + (2.7 * i) / Math.max(1, d - 1);
    lp -= (0.5 * q[o + i] * q[o + i]) / (s * s);
    grad[o + i] = -q[o + i] / (s * s);
  }
  const u = q[o + 1] - 0.2 * q[o] * q[o];
  lp -= 0.5 * u * u;
  grad[o] += 0.4 * q[o] * u;
  grad[o + 1] -= u;
  if (Math.abs(q[o]) > 4) lp -= 1e6;
  return lp;
}

/** Runs T transitions of C chains on both builders in lockstep rounds; compares every statistic after each one. */
function compare(kind: MetricKind, d: number, C: number, T: number, setMetric: (m: Metric, c: number) => void): { depths: Set<number>; divergences: number; firstLeafDivergences: number } {
  const stepSize = Float64Array.from({ length: C }, (_, c) => [0.05, 0.4, 0.9, 1.6, 3.5][c % 5]);
  const settings = { maxTreeDepth: 6, maxDeltaH: 1000 };
  const mA = new Metric(kind, C, d);
  const mB = new Metric(kind, C, d);
  for (let c = 0; c < C; c++) {
    setMetric(mA, c);
    setMetric(mB, c);
  }
  const a: Builder = new TreeBuilder(C, d, mA, stepSize, settings);
  const b: Builder = new PlainTreeBuilder(C, d, mB, stepSize, settings);
  const rA: Rng[] = Array.from({ length: C }, (_, c) => stream(11, c));
  const rB: Rng[] = Array.from({ length: C }, (_, c) => stream(11, c));
  for (const t of [a, b]) {
    for (let c = 0; c < C; c++) {
      for (let i = 0; i < d; i++) t.current.q[c * d + i] = 0.5 * Math.sin(1 + c + 3 * i);
      t.current.logp[c] = logDensity(t.current.q, c * d, d, t.current.grad);
    }
  }
  const run = (t: Builder, rngs: Rng[]): void => {
    for (let c = 0; c < C; c++) t.begin(c, rngs[c]);
    for (;;) {
      let building = 0;
      for (let c = 0; c < C; c++) if (t.building[c]) t.work.logp[c] = logDensity(t.work.q, c * d, d, t.work.grad);
      for (let c = 0; c < C; c++) {
        if (!t.building[c]) continue;
        t.advance(c, rngs[c]);
        building += t.building[c];
      }
      if (building === 0) return;
    }
  };
  const depths = new Set<number>();
  let divergences = 0;
  let firstLeafDivergences = 0;
  for (let it = 0; it < T; it++) {
    run(a, rA);
    run(b, rB);
    for (let c = 0; c < C; c++) {
      expect(a.treeDepth[c]).toBe(b.treeDepth[c]);
      expect(a.nLeapfrog[c]).toBe(b.nLeapfrog[c]);
      expect(a.divergent[c]).toBe(b.divergent[c]);
      expect(Object.is(a.acceptStat[c], b.acceptStat[c])).toBe(true);
      expect(Object.is(a.energy[c], b.energy[c])).toBe(true);
      expect(Object.is(a.current.logp[c], b.current.logp[c])).toBe(true);
      depths.add(a.treeDepth[c]);
      divergences += a.divergent[c];
      if (a.divergent[c] && a.nLeapfrog[c] === 1) firstLeafDivergences++;
    }
    // positions and gradients, bit for bit
    expect(Buffer.from(a.current.q.buffer).equals(Buffer.from(b.current.q.buffer))).toBe(true);
    expect(Buffer.from(a.current.grad.buffer).equals(Buffer.from(b.current.grad.buffer))).toBe(true);
  }
  return { depths, divergences, firstLeafDivergences };
}

describe('the tree builder keeps the plain builder’s draws bit for bit', () => {
  it('diagonal metric (d = 9, 10 chains, 150 transitions)', () => {
    const d = 9;
    const r = compare('diag', d, 10, 150, (m, c) => m.setInverse(c, Float64Array.from({ length: d }, (_, i) => 0.5 + ((i + c) % 4) * 0.6)));
    expect(Math.min(...r.depths)).toBe(0);
    expect(Math.max(...r.depths)).toBe(6); // the depth limit
    expect(r.depths.size).toBeGreaterThanOrEqual(5);
    expect(r.divergences).toBeGreaterThan(0);
    expect(r.firstLeafDivergences).toBeGreaterThan(0);
  });

  it('dense metric (d = 5, 10 chains, 120 transitions)', () => {
    const d = 5;
    const r = compare('dense', d, 10, 120, (m, c) => {
      const M = new Float64Array(d * d);
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) M[i * d + j] = i === j ? 1 + 0.3 * ((i + c) % 3) : 0.2 / (1 + Math.abs(i - j));
      expect(m.setInverse(c, M)).toBe(true);
    });
    expect(Math.max(...r.depths)).toBeGreaterThanOrEqual(4);
    expect(r.divergences).toBeGreaterThan(0);
  });

  it('low-rank metric (d = 12, rank 2, 10 chains, 120 transitions)', () => {
    const d = 12;
    const r = compare('lowrank', d, 10, 120, (m, c) => {
      const diag = Float64Array.from({ length: d }, (_, i) => 0.6 + 0.1 * ((i + c) % 5));
      // two orthonormal columns: e₀ ± e₁ over √2
      const u = new Float64Array(2 * d);
      u[0] = u[1] = Math.SQRT1_2;
      u[d + 0] = Math.SQRT1_2;
      u[d + 1] = -Math.SQRT1_2;
      m.setLowRank(c, diag, u, [2.5, 0.4]);
    });
    expect(Math.max(...r.depths)).toBeGreaterThanOrEqual(4);
    expect(r.divergences).toBeGreaterThan(0);
  });
});
