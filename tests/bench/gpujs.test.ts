/**
 * The gpu.js comparison kernel (bench/micro/gpujs.ts) against the reference backend (src/backend/reference.ts, the
 * float64 oracle): log density and gradient on simulated Hillstrom pooled and hierarchical specs, in each gpu.js
 * mode that loads here. gpu.js computes in float32 and the host adds its block sums in float64, so the tolerances
 * are float32 ones: relative 1e-5 on the log density, and 1e-4 of the largest gradient component on each
 * component. A mode that cannot load is skipped with a notice (gpu.js is an optional dependency; headless-gl
 * usually is not built).
 */
import { describe, expect, it } from 'vitest';
import { hillstromSpec, positionsNearPosterior } from '../../bench/micro/hillstrom-like.js';
import { GPUJS_MODES, GpuJsLogDensity, type GpuJsMode } from '../../bench/micro/gpujs.js';
import { createReferenceBackend } from '../../src/backend/reference.js';

const probe = hillstromSpec('pooled', 50);

async function loads(mode: GpuJsMode): Promise<string | null> {
  try {
    const kernel = await GpuJsLogDensity.create(probe, mode);
    await kernel.dispose();
    return null;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).split('\n')[0];
  }
}

const why = new Map<GpuJsMode, string | null>();
for (const mode of GPUJS_MODES) {
  const notice = await loads(mode);
  why.set(mode, notice);
  if (notice !== null) console.warn(`gpu.js ${mode} kernel test skipped: ${notice}`);
}

describe.each(GPUJS_MODES)('gpu.js %s kernel', (mode) => {
  // 5,000 rows: more than one line (4,096 rows) of the kernel's output plane, and 20 blocks of 256 rows
  it.skipIf(why.get(mode) !== null).each(['pooled', 'hierarchical'] as const)('%s model matches the reference backend', async (model) => {
    const spec = hillstromSpec(model, 5000);
    const chains = 3;
    const positions = positionsNearPosterior(spec, chains);
    const reference = await createReferenceBackend(spec);
    const refLogp = new Float64Array(chains);
    const refGrad = new Float64Array(chains * spec.dim);
    await reference.logDensityGradient(positions, chains, refLogp, refGrad);

    const kernel = await GpuJsLogDensity.create(spec, mode);
    try {
      const logp = new Float64Array(chains);
      const grad = new Float64Array(chains * spec.dim);
      await kernel.logDensityGradient(positions, chains, logp, grad);
      // twice: the second call reuses the built kernels
      await kernel.logDensityGradient(positions, chains, logp, grad);
      for (let c = 0; c < chains; c++) {
        expect(Math.abs(logp[c] - refLogp[c]) / Math.abs(refLogp[c])).toBeLessThan(1e-5);
        const g = grad.subarray(c * spec.dim, (c + 1) * spec.dim);
        const r = refGrad.subarray(c * spec.dim, (c + 1) * spec.dim);
        const scale = Math.max(1, ...Array.from(r, Math.abs));
        for (let j = 0; j < spec.dim; j++) expect(Math.abs(g[j] - r[j])).toBeLessThan(1e-4 * scale);
      }
      // a kernel that ignored the chain's position would give every chain the same log density
      expect(logp[0]).not.toBeCloseTo(logp[1], 3);
    } finally {
      await kernel.dispose();
    }
  }, 60_000);

  it.skipIf(why.get(mode) !== null)('batches chains to keep the first kernel output small, with the same figures', async () => {
    const spec = hillstromSpec('hierarchical', 5000);
    const chains = 5;
    const positions = positionsNearPosterior(spec, chains, 7);
    const whole = await GpuJsLogDensity.create(spec, mode);
    // 5,000 rows × 2 values × 4 bytes = 40,000 bytes per chain: batches of 2, 2 and 1 chains
    const batched = await GpuJsLogDensity.create(spec, mode, 80_000);
    try {
      const a = { logp: new Float64Array(chains), grad: new Float64Array(chains * spec.dim) };
      const b = { logp: new Float64Array(chains), grad: new Float64Array(chains * spec.dim) };
      await whole.logDensityGradient(positions, chains, a.logp, a.grad);
      await batched.logDensityGradient(positions, chains, b.logp, b.grad);
      // the same float32 kernels on the same chains: equal up to the order of float64 block sums (none here)
      for (let c = 0; c < chains; c++) expect(b.logp[c]).toBeCloseTo(a.logp[c], 6);
      for (let k = 0; k < a.grad.length; k++) expect(b.grad[k]).toBeCloseTo(a.grad[k], 6);
    } finally {
      await whole.dispose();
      await batched.dispose();
    }
  }, 60_000);
});
