/**
 * Sampler overhead per lockstep leapfrog round: NUTS transitions of C chains on a trivial target (standard normal,
 * d = 2 and d = 100), timing the whole transition loop and, separately, the time spent inside the target. What is
 * left is the sampler's own cost (integrator halves, tree bookkeeping, U-turn checks, proposal choice) — reported
 * per target call and per chain-step (one chain advanced by one leapfrog step).
 *
 * Run alone: npx tsx bench/sampler.bench.ts
 */
import { stream } from '../src/rng.js';
import { Metric } from '../src/sampler/metric.js';
import { NutsKernel, type LogDensityTarget } from '../src/sampler/nuts.js';

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
  ] as const) {
    out.push(await measureOverhead(chains, dim, options.quick ? 2 : dim === 100 && chains === 4096 ? 5 : transitions));
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) {
    console.log(
      `C=${r.chains} d=${r.dim}: ${r.targetCalls} calls, ${r.chainSteps} chain-steps, total ${r.totalMs.toFixed(0)} ms ` +
        `(target ${r.targetMs.toFixed(0)} ms): sampler ${r.overheadPerCallUs.toFixed(1)} µs per call, ` +
        `${r.overheadPerChainStepNs.toFixed(0)} ns per chain-step`,
    );
  }
}
