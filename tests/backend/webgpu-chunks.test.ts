/**
 * The WebGPU backend with its rows in chunks (row-plan.ts; issue 16 item 2): a buffer limit forced small
 * (maxBufferBytes) splits the rows into several buffers, one dispatch per chunk in the same call; the log density,
 * gradient and pointwise log-likelihood (a block of rows spanning chunks, off the chunk edges) equal those of the
 * one-chunk backend with the same layout, and the reference backend's (src/backend/reference.ts) to webgpu.test.ts's
 * tolerance. Runs on whatever adapter acquireDevice finds (llvmpipe through Dawn's OpenGL backend without a GPU).
 */
import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../../src/backend/reference.js';
import { createWebGpuBackend, type WebGpuBackendOptions } from '../../src/backend/webgpu/backend.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { familySpec } from '../helpers/family-truth-specs.js';
import { randomPositions, randomSpec, relDiff } from '../helpers/specs.js';

const TOL = 1e-5;

interface Evaluation {
  readonly logp: Float64Array;
  readonly grad: Float64Array;
  readonly pointwise: Float64Array;
  readonly description: string;
  /** Row chunks of the WebGPU backend (0 for the reference). */
  readonly chunks: number;
}

/** Workgroups of 32 invocations × 4 rows: tiles of 128 rows. */
const LAYOUT = { workgroupSize: 32, rowsPerThread: 4, maxDraws: 3 } as const;

async function evaluate(spec: ModelSpec, chains: number, x: Float64Array, options: WebGpuBackendOptions | 'reference'): Promise<Evaluation> {
  const backend = options === 'reference' ? await createReferenceBackend(spec) : await createWebGpuBackend(spec, { maxChains: chains, ...options });
  try {
    const logp = new Float64Array(chains);
    const grad = new Float64Array(chains * spec.dim);
    await backend.logDensityGradient(x, chains, logp, grad);
    const rowStart = 101;
    const rowCount = spec.n - rowStart - 7;
    const pointwise = new Float64Array(3 * rowCount);
    await backend.pointwiseLogLik(x, 3, rowStart, rowCount, pointwise);
    return { logp, grad, pointwise, description: backend.description, chunks: (backend as { rowChunks?: number }).rowChunks ?? 0 };
  } finally {
    await backend.dispose();
  }
}

function normRelative(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / den);
}

function expectClose(got: Evaluation, want: Evaluation, dim: number): void {
  for (let c = 0; c < got.logp.length; c++) {
    expect(relDiff(got.logp[c], want.logp[c])).toBeLessThan(TOL);
    expect(normRelative(got.grad.subarray(c * dim, (c + 1) * dim), want.grad.subarray(c * dim, (c + 1) * dim))).toBeLessThan(TOL);
  }
  expect(got.pointwise.reduce((m, v, k) => Math.max(m, relDiff(v, want.pointwise[k], 1e-6)), 0)).toBeLessThan(TOL);
}

describe('webgpu backend: rows in chunks under a small buffer limit', () => {
  const cases: [string, () => ModelSpec][] = [
    ['crossed bernoulli, 3,000 rows', () => randomSpec('crossed', { n: 3000, seed: 3 })],
    ['negative binomial with a varying intercept, 2,500 rows', () => familySpec('crossed', { family: 'negbinomial', intercept: 1, aux: 2 }, 2500, 5).spec],
  ];
  for (const [what, make] of cases) {
    it(what, async () => {
      const spec = make();
      const chains = 3;
      const x = randomPositions(spec, chains, 17);
      // 16 KiB buffers: a few hundred rows per chunk, so about ten chunks
      const chunked = await evaluate(spec, chains, x, { ...LAYOUT, maxBufferBytes: 16 * 1024 });
      const whole = await evaluate(spec, chains, x, LAYOUT);
      const reference = await evaluate(spec, chains, x, 'reference');
      expect(whole.chunks).toBe(1);
      expect(chunked.chunks).toBeGreaterThanOrEqual(5);
      expectClose(chunked, whole, spec.dim);
      expectClose(chunked, reference, spec.dim);
      expectClose(whole, reference, spec.dim);
    }, 120_000);
  }

  it('refuses a limit under one tile of rows, naming the limit', async () => {
    const spec = randomSpec('crossed', { n: 1000, seed: 3 });
    await expect(createWebGpuBackend(spec, { ...LAYOUT, maxBufferBytes: 1024 })).rejects.toThrow(/one tile of 128 rows .* buffer limit \(1024 bytes\)/);
  });
});
