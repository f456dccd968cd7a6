/**
 * Timing of one backend's batched log density + gradient call, shared by the per-backend benchmarks
 * (native.bench.ts, webgpu.bench.ts).
 */
import type { Backend } from '../src/backend/backend.js';
import type { ModelSpec } from '../src/model/spec.js';
import { Rng } from '../src/rng.js';

/** Positions near the Hillstrom posterior (intercept about -5, small slopes, sd about 0.1). */
export function benchPositions(spec: ModelSpec, chains: number): Float64Array {
  const rng = new Rng(17, 3);
  const out = new Float64Array(chains * spec.dim);
  for (let c = 0; c < chains; c++) {
    const theta = out.subarray(c * spec.dim, (c + 1) * spec.dim);
    for (let j = 0; j < spec.dim; j++) theta[j] = 0.2 * rng.normal();
    theta[0] = -5 + 0.1 * rng.normal();
    for (const term of spec.terms) theta[term.sdIndex] = Math.log(0.1) + 0.2 * rng.normal();
  }
  return out;
}

/** Seconds per call for `chains` chains, sorted: one untimed call, then at least `minReps` calls and `budgetMs` of calls. */
export async function timeCalls(backend: Backend, chains: number, minReps: number, budgetMs: number): Promise<number[]> {
  const pos = benchPositions(backend.spec, chains);
  const logp = new Float64Array(chains);
  const grad = new Float64Array(chains * backend.dim);
  await backend.logDensityGradient(pos, chains, logp, grad);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minReps || performance.now() - start < budgetMs) {
    const t0 = performance.now();
    await backend.logDensityGradient(pos, chains, logp, grad);
    times.push((performance.now() - t0) / 1000);
  }
  if (!Number.isFinite(logp[0])) throw new Error('benchmark position gave a non-finite log density');
  return times.sort((a, b) => a - b);
}
