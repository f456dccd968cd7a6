/**
 * Sampler overhead per lockstep leapfrog round: NUTS transitions of C chains on a trivial target (standard normal,
 * d = 2 and d = 100), timing the whole transition loop and, separately, the time spent inside the target. What is
 * left is the sampler's own cost (integrator halves, tree bookkeeping, U-turn checks, proposal choice) — reported
 * per target call and per chain-step (one chain advanced by one leapfrog step).
 *
 * Run alone: npx tsx bench/sampler.bench.ts
 *
 * `npx tsx bench/sampler.bench.ts --compare [rounds]`: the tree builder against the plain form it replaced in session
 * 12 (tests/sampler/helpers/plain-tree.ts, which copies every piece), interleaved round by round in one process, on a
 * standard normal with d = 10², 10³, 10⁴, 10⁵ (4 chains, unit metric, step size 0.2): CPU time of the process
 * (process.cpuUsage, user + system, so GC included) minus the target's, per chain-step. Both builders draw the same
 * trajectories (the same draws bit for bit), so the work compared is the same.
 */
import { stream } from '../src/rng.js';
import { Metric } from '../src/sampler/metric.js';
import { NutsKernel, type LogDensityTarget } from '../src/sampler/nuts.js';
import { TreeBuilder } from '../src/sampler/trajectory.js';
import { PlainTreeBuilder } from '../tests/sampler/helpers/plain-tree.js';

export interface SamplerOverhead {
  readonly chains: number;
  readonly dim: number;
  readonly transitions: number;
  readonly targetCalls: number;
  readonly chainSteps: number;
  readonly totalMs: number;
  readonly targetMs: number;
  /** Sampler time per target call (all chains of that round), in microseconds. */
  readonly overheadPerCallUs: number;
  /** Sampler time per chain per leapfrog step, in nanoseconds. */
  readonly overheadPerChainStepNs: number;
}

class TimedStandardNormal implements LogDensityTarget {
  targetMs = 0;
  chainSteps = 0;
  constructor(readonly dim: number) {}
  async logDensityGradient(positions: Float64Array, nChains: number, logp: Float64Array, grad: Float64Array, active?: Uint8Array): Promise<void> {
    const t0 = performance.now();
    const d = this.dim;
    for (let c = 0; c < nChains; c++) {
      if (active && !active[c]) continue;
      this.chainSteps++;
      let lp = 0;
      for (let i = c * d; i < (c + 1) * d; i++) {
        lp -= 0.5 * positions[i] * positions[i];
        grad[i] = -positions[i];
      }
      logp[c] = lp;
    }
    this.targetMs += performance.now() - t0;
  }
}

export async function measureOverhead(chains: number, dim: number, transitions: number): Promise<SamplerOverhead> {
  const target = new TimedStandardNormal(dim);
  // a step size typical of adapted NUTS on a standard normal in this dimension (trees of ~3-4 doublings)
  const stepSize = new Float64Array(chains).fill(dim <= 2 ? 0.9 : 0.45);
  const kernel = new NutsKernel(target, chains, new Metric('diag', chains, dim), stepSize);
  const rngs = Array.from({ length: chains }, (_, c) => stream(1, c));
  await kernel.transition(rngs); // warm the JIT and allocate the level slots
  target.targetMs = 0;
  target.chainSteps = 0;
  const calls0 = kernel.targetCalls;
  const t0 = performance.now();
  for (let t = 0; t < transitions; t++) await kernel.transition(rngs);
  const totalMs = performance.now() - t0;
  const targetCalls = kernel.targetCalls - calls0;
  const overheadMs = totalMs - target.targetMs;
  return {
    chains,
    dim,
    transitions,
    targetCalls,
    chainSteps: target.chainSteps,
    totalMs,
    targetMs: target.targetMs,
    overheadPerCallUs: (1000 * overheadMs) / targetCalls,
    overheadPerChainStepNs: (1e6 * overheadMs) / target.chainSteps,
  };
}

export async function run(options: { quick?: boolean } = {}): Promise<SamplerOverhead[]> {
  const transitions = options.quick ? 2 : 20;
  const out: SamplerOverhead[] = [];
  for (const [chains, dim] of [
    [4, 2],
    [4096, 2],
    [4, 100],
    [4096, 100],
    [4, 10_000],
    [4, 100_000],
  ] as const) {
    out.push(await measureOverhead(chains, dim, options.quick ? 2 : chains * dim >= 400_000 ? 5 : transitions));
  }
  return out;
}

type Builder = Pick<TreeBuilder, 'work' | 'current' | 'building' | 'treeDepth' | 'nLeapfrog' | 'begin' | 'advance'>;

export interface BuilderCost {
  readonly builder: 'plain' | 'pooled';
  readonly dim: number;
  readonly chainSteps: number;
  /** Process CPU (user + system) per chain-step, target excluded, in nanoseconds; and the same per coordinate. */
  readonly cpuNsPerChainStep: number;
  readonly cpuNsPerCoordinate: number;
  readonly meanTreeDepth: number;
}

/**
 * CPU of `transitions` NUTS transitions of 4 chains on a standard normal of dimension d with one builder, the target's
 * own CPU (timed around each call, also process.cpuUsage) subtracted. Both builders start from the same state and
 * streams, so they integrate the same trajectories.
 */
function builderCost(kind: 'plain' | 'pooled', dim: number, transitions: number): BuilderCost {
  const C = 4;
  const d = dim;
  const stepSize = new Float64Array(C).fill(0.2);
  const settings = { maxTreeDepth: 10, maxDeltaH: 1000 };
  const metric = new Metric('diag', C, d);
  const tree: Builder = kind === 'plain' ? new PlainTreeBuilder(C, d, metric, stepSize, settings) : new TreeBuilder(C, d, metric, stepSize, settings);
  const rngs = Array.from({ length: C }, (_, c) => stream(5, c));
  const evaluate = (q: Float64Array, logp: Float64Array, grad: Float64Array, active: Uint8Array): number => {
    let steps = 0;
    for (let c = 0; c < C; c++) {
      if (!active[c]) continue;
      steps++;
      let lp = 0;
      for (let i = c * d; i < (c + 1) * d; i++) {
        lp -= 0.5 * q[i] * q[i];
        grad[i] = -q[i];
      }
      logp[c] = lp;
    }
    return steps;
  };
  for (let c = 0; c < C; c++) for (let i = 0; i < d; i++) tree.current.q[c * d + i] = Math.sin(1 + c + i);
  evaluate(tree.current.q, tree.current.logp, tree.current.grad, new Uint8Array(C).fill(1));
  let chainSteps = 0;
  let targetUs = 0;
  let depthSum = 0;
  const transition = (): void => {
    for (let c = 0; c < C; c++) tree.begin(c, rngs[c]);
    for (;;) {
      const u0 = process.cpuUsage();
      chainSteps += evaluate(tree.work.q, tree.work.logp, tree.work.grad, tree.building);
      const u1 = process.cpuUsage(u0);
      targetUs += u1.user + u1.system;
      let building = 0;
      for (let c = 0; c < C; c++) {
        if (!tree.building[c]) continue;
        tree.advance(c, rngs[c]);
        building += tree.building[c];
      }
      if (building === 0) break;
    }
    for (let c = 0; c < C; c++) depthSum += tree.treeDepth[c];
  };
  transition(); // allocate the level slots
  chainSteps = 0;
  targetUs = 0;
  depthSum = 0;
  const u0 = process.cpuUsage();
  for (let t = 0; t < transitions; t++) transition();
  const u = process.cpuUsage(u0);
  const samplerNs = 1000 * (u.user + u.system - targetUs);
  return {
    builder: kind,
    dim,
    chainSteps,
    cpuNsPerChainStep: samplerNs / chainSteps,
    cpuNsPerCoordinate: samplerNs / chainSteps / d,
    meanTreeDepth: depthSum / (transitions * C),
  };
}

/** `rounds` rounds of plain then pooled (the order alternating each round) at each dimension. */
export function compareBuilders(rounds: number): BuilderCost[] {
  const out: BuilderCost[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const dim of [100, 1000, 10_000, 100_000]) {
      const transitions = Math.max(2, Math.round(2e6 / dim / 16));
      const order: ('plain' | 'pooled')[] = r % 2 === 0 ? ['plain', 'pooled'] : ['pooled', 'plain'];
      for (const kind of order) out.push(builderCost(kind, dim, transitions));
    }
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--compare') {
  const rounds = Number(process.argv[3] ?? 4);
  const all = compareBuilders(rounds);
  for (const r of all) {
    console.log(
      `${r.builder.padEnd(6)} d=${String(r.dim).padEnd(6)} ${r.chainSteps} chain-steps, mean depth ${r.meanTreeDepth.toFixed(2)}: ` +
        `${(r.cpuNsPerChainStep / 1000).toFixed(1)} µs CPU per chain-step, ${r.cpuNsPerCoordinate.toFixed(2)} ns per coordinate`,
    );
  }
  console.log('median ns per coordinate (plain → pooled, ratio):');
  const median = (x: number[]): number => x.sort((a, b) => a - b)[Math.floor(x.length / 2)];
  for (const dim of [100, 1000, 10_000, 100_000]) {
    const of = (b: string): number => median(all.filter((r) => r.dim === dim && r.builder === b).map((r) => r.cpuNsPerCoordinate));
    console.log(`  d=${dim}: ${of('plain').toFixed(2)} → ${of('pooled').toFixed(2)}  (${(of('plain') / of('pooled')).toFixed(2)}×)`);
  }
} else if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) {
    console.log(
      `C=${r.chains} d=${r.dim}: ${r.targetCalls} calls, ${r.chainSteps} chain-steps, total ${r.totalMs.toFixed(0)} ms ` +
        `(target ${r.targetMs.toFixed(0)} ms): sampler ${r.overheadPerCallUs.toFixed(1)} µs per call, ` +
        `${r.overheadPerChainStepNs.toFixed(0)} ns per chain-step`,
    );
  }
}
