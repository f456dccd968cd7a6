/**
 * The threaded build of the wasm backend (src/backend/wasm/threaded.ts: the engine's thread pool on Emscripten
 * pthreads, worker_threads here) against the single-threaded build and the reference backend, on the random specs of
 * wasm.test.ts. What is exact and what is not:
 * - on any number of threads the threaded build gives the single-threaded build's bits: logp, gradient and pointwise
 *   values equal bit for bit. The engine cuts the rows into slices fixed by the model (native/src/engine.cpp
 *   slice_rows_: 2,048 rows or more, at most 64), never by the thread count; each slice's partial sums start from
 *   zero and are added in slice order, so 1, 2 or 4 threads (a pool of 3 workers started here) and the build without
 *   threads add the same numbers in the same order. The specs have 3,001 to 30,000 rows (2 to 15 slices) and a
 *   row count that is no multiple of the slice.
 * - against the reference backend, the tolerance of wasm.test.ts (1e-10).
 * Skips with a notice when the threaded module is not built.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend/backend.js';
import { createWasmBackend } from '../../src/backend/wasm/backend.js';
import { hardwareThreads } from '../../src/platform/host.js';
import type { ModelSpec } from '../../src/model/spec.js';
import { randomSpec, type SpecKind } from '../helpers/specs.js';
import { addGradientErrors, addPointwiseErrors, expectWithin, referenceValues, type ParityErrors } from '../helpers/parity.js';
import { familySpec } from '../helpers/family-specs.js';
import { startThreadedKernels, type ThreadedKernels } from '../../src/backend/wasm/threaded.js';
import { THREADED_KERNELS_RELATIVE_PATH, threadedKernelFactory } from '../../src/backend/wasm/module-bytes.js';

const built = existsSync(resolve(THREADED_KERNELS_RELATIVE_PATH));
if (!built) console.warn(`NOTICE: threaded wasm tests skipped: no ${THREADED_KERNELS_RELATIVE_PATH} (install emscripten and run npm run build:wasm)`);

interface Values {
  readonly logp: Float64Array;
  readonly grad: Float64Array;
  readonly pointwise: Float64Array;
}

async function values(backend: Backend, positions: Float64Array, nChains: number, rowStart: number, rowCount: number): Promise<Values> {
  const logp = new Float64Array(nChains);
  const grad = new Float64Array(nChains * backend.dim);
  backend.logDensityGradientSync!(positions, nChains, logp, grad);
  const pointwise = new Float64Array(nChains * rowCount);
  await backend.pointwiseLogLik(positions, nChains, rowStart, rowCount, pointwise);
  return { logp, grad, pointwise };
}

function bitsDiffer(a: Float64Array, b: Float64Array): number {
  let n = 0;
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) n++;
  return n;
}

/** Threaded (1 and `threads` threads, from `pool` when given) vs single vs reference on `spec` with `nChains` chains. */
async function check(spec: ModelSpec, nChains: number, threads: number, pool?: Promise<ThreadedKernels>): Promise<void> {
  const ref = await referenceValues(spec, nChains);
  const opts = { maxChains: nChains, maxDraws: nChains, pool };
  const single = await createWasmBackend(spec, { ...opts, variant: 'single' });
  const one = await createWasmBackend(spec, { ...opts, variant: 'threaded', threads: 1 });
  const many = await createWasmBackend(spec, { ...opts, variant: 'threaded', threads });
  try {
    expect(single.description).toMatch(/^wasm \(1 thread, wasm simd128,/);
    expect(one.description).toMatch(/^wasm \(1 thread, wasm simd128 \+ pthreads,/);
    expect(many.description).toMatch(new RegExp(`^wasm \\(${threads} threads, wasm simd128 \\+ pthreads,`));
    const at = (b: Backend): Promise<Values> => values(b, ref.positions, nChains, ref.rowStart, ref.rowCount);
    const s = await at(single);
    const o = await at(one);
    const m = await at(many);
    const again = await at(many);
    // one thread and T threads: the single-threaded build's bits, on every call
    expect(bitsDiffer(o.logp, s.logp) + bitsDiffer(o.grad, s.grad) + bitsDiffer(o.pointwise, s.pointwise)).toBe(0);
    expect(bitsDiffer(m.logp, s.logp) + bitsDiffer(m.grad, s.grad) + bitsDiffer(m.pointwise, s.pointwise)).toBe(0);
    expect(bitsDiffer(again.logp, m.logp) + bitsDiffer(again.grad, m.grad)).toBe(0);
    const vsReference: ParityErrors = { logp: 0, grad: 0, pointwise: 0 };
    addGradientErrors(vsReference, nChains, spec.dim, m.logp, m.grad, ref.logp, ref.grad);
    addPointwiseErrors(vsReference, m.pointwise, ref.pointwise);
    expectWithin(vsReference, 1e-10);
  } finally {
    for (const b of [single, one, many]) await b.dispose();
  }
}

/** Every thread of the pool (hardware threads − 1 workers, at least one) and the calling thread. */
const ALL = Math.max(2, hardwareThreads());

describe.skipIf(!built)('wasm backend, threaded build: single-threaded build and reference parity', () => {
  const kinds: SpecKind[] = ['pooled', 'hierarchical', 'crossed', 'binomial', 'manylevels'];
  for (const kind of kinds) {
    it(`${kind}: 1 and ${ALL} threads, 1 and 4 chains`, async () => {
      const spec = kind === 'manylevels' ? randomSpec(kind, { levels: 1500, n: 4000, seed: 5 }) : randomSpec(kind, { n: 3001, seed: 5 });
      for (const nChains of [1, 4]) await check(spec, nChains, ALL);
    }, 60_000);
  }

  // a module of its own with 3 pool workers, so that 4 threads run whatever the machine's core count
  const pool = built ? threadedKernelFactory().then((factory) => startThreadedKernels(factory, 3)) : undefined;
  const sliced: [string, () => ModelSpec][] = [
    ['hierarchical, 20,001 rows', () => randomSpec('hierarchical', { n: 20_001, seed: 7 })],
    ['crossed gaussian (an aux sum), 30,000 rows', () => familySpec(randomSpec('crossed', { n: 30_000, seed: 8 }), { family: 'gaussian' })],
    ['1,500 levels, 30,000 rows', () => randomSpec('manylevels', { levels: 1500, n: 30_000, seed: 9 })],
  ];
  for (const [name, make] of sliced) {
    it(`${name}: 2 and 4 threads give the single-threaded build's bits, 1 and 4 chains`, async () => {
      const spec = make();
      for (const nChains of [1, 4]) for (const threads of [2, 4]) await check(spec, nChains, threads, pool);
    }, 120_000);
  }

  it('a Node process that started the threaded module exits by itself (the idle pool workers are unref\'d)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-wasm-exit-'));
    const script = join(dir, 'start.mts'); // an ES module outside the package (top-level await)
    writeFileSync(
      script,
      [
        `import { createWasmBackend } from ${JSON.stringify(resolve('src/backend/wasm/backend.ts'))};`,
        `import { randomSpec } from ${JSON.stringify(resolve('tests/helpers/specs.ts'))};`,
        "const b = await createWasmBackend(randomSpec('pooled', { n: 100000, seed: 5 }), { maxChains: 4, variant: 'threaded' });",
        'console.log(b.description);',
      ].join('\n'),
    );
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
      expect(r.signal, 'still running after 60 s').toBeNull();
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^wasm \(\d+ threads?, wasm simd128 \+ pthreads,/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a model takes only the idle workers of the pool, and gives them back on dispose()', async () => {
    const spec = randomSpec('pooled', { n: 500, seed: 1 });
    const a = await createWasmBackend(spec, { variant: 'threaded', threads: ALL + 5 });
    const b = await createWasmBackend(spec, { variant: 'threaded', threads: 2 });
    expect(a.description).toMatch(new RegExp(`^wasm \\(${ALL} threads,`));
    expect(b.description).toMatch(/^wasm \(1 thread,/);
    await a.dispose();
    const c = await createWasmBackend(spec, { variant: 'threaded', threads: 2 });
    expect(c.description).toMatch(/^wasm \(2 threads,/);
    await b.dispose();
    await c.dispose();
  }, 60_000);
});
