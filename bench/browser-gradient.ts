/**
 * Gradient throughput in a page (issue 18): the hierarchical Hillstrom model on 64,000 simulated rows, 4 chains per
 * call, timed in headless Chromium (Debian's /usr/bin/chromium or NUTMEG_CHROMIUM, with --enable-unsafe-webgpu) for
 * the TypeScript reference backend, the wasm backend (the native engine as WebAssembly, src/backend/wasm/) and WebGPU
 * (whatever adapter Chromium offers: SwiftShader on a machine without a GPU), and in Node for the reference, the wasm
 * (with and without SIMD: build/wasm/nutmeg_kernels_scalar.wasm, from `node scripts/build-wasm.mjs --scalar`, when
 * present), the threaded wasm build (src/backend/wasm/threaded.ts: every hardware thread; the page is cross-origin
 * isolated by the playground server's headers) and the native addon on one thread, in one run. Node's CPU time is
 * the process's, all threads together. Each is timed ROUNDS times, in turn, and its fastest round
 * kept, so that a burst of load on the shared machine hits every backend alike. Writes
 * bench/results/browser-gradient.json and prints a table and the load average. Run:
 * node --import tsx bench/browser-gradient.ts
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildBrowser } from '../scripts/build-browser.mjs';
import { startPlaygroundServer } from '../src/serve/playground-server.js';
import * as api from '../src/browser/index.js';
import { createWasmBackend } from '../src/backend/wasm/backend.js';
import { compileKernels } from '../src/backend/wasm/module.js';
import { createWrappedBackend } from '../src/backend/wrapped.js';
import type { Backend, BackendOptions } from '../src/backend/backend.js';
import type { ModelSpec } from '../src/model/spec.js';

const CHROMIUM = process.env.NUTMEG_CHROMIUM ?? '/usr/bin/chromium';
const ROWS = 64_000;
const CHAINS = 4;
const SECONDS = 2;
const ROUNDS = 4;
const SCALAR_WASM = join(import.meta.dirname, '../build/wasm/nutmeg_kernels_scalar.wasm');

/** Times gradient calls of one backend for about SECONDS; the same text runs in the page and (through eval) in Node. */
const PROBE = (backend: string, options = 'threads: 1'): string => `(async () => {
  const lib = await LIB;
  const frame = lib.addHillstromFeatures(lib.simulateHillstrom({ seed: 1, n: ${ROWS} }).frame);
  const model = lib.buildModel(frame, ${JSON.stringify(api.HILLSTROM_FORMULAS.hierarchical)}, {});
  const b = await (MAKE)(${JSON.stringify(backend)}, model.spec, { maxChains: ${CHAINS}, ${options} });
  const q = new Float64Array(${CHAINS} * b.dim).map((_, i) => (((i * 7919) % 23) - 11) / 170);
  const logp = new Float64Array(${CHAINS});
  const grad = new Float64Array(${CHAINS} * b.dim);
  await b.logDensityGradient(q, ${CHAINS}, logp, grad);
  let calls = 0;
  const cpu = () => (typeof process === 'undefined' ? NaN : (process.cpuUsage().user + process.cpuUsage().system) / 1000);
  const c0 = cpu();
  const t0 = performance.now();
  while (performance.now() - t0 < ${SECONDS * 1000}) { await b.logDensityGradient(q, ${CHAINS}, logp, grad); calls++; }
  const ms = (performance.now() - t0) / calls;
  const cpuMs = (cpu() - c0) / calls;
  const description = b.description;
  await b.dispose();
  return { description, msPerCall: ms, cpuMsPerCall: cpuMs };
})()`;

if (!existsSync(CHROMIUM)) {
  process.stdout.write(`no Chromium at ${CHROMIUM}; set NUTMEG_CHROMIUM\n`);
  process.exit(0);
}
/** The wasm backend on the module built without -msimd128 (Node only), with the same coordinate maps as createBackend. */
const scalarModule = existsSync(SCALAR_WASM) ? compileKernels(readFileSync(SCALAR_WASM)) : null;
function createScalarWasm(_choice: string, spec: ModelSpec, options: BackendOptions): Promise<Backend> {
  return createWrappedBackend((_c: string, plain, o) => createWasmBackend(plain, { ...o, module: scalarModule! }), 'wasm', spec, options, () => {});
}
(globalThis as { __createScalarWasm?: unknown }).__createScalarWasm = createScalarWasm;

const out = mkdtempSync(join(tmpdir(), 'nutmeg-web-grad-'));
/** Wall time per call, and in Node the process's CPU time per call (less sensitive to other processes' load). */
type Timing = { description: string; msPerCall: number; cpuMsPerCall: number | null };
const results: { where: string; backend: string; description: string; msPerCall: number; cpuMsPerCall: number | null; rowChainsPerSecond: number }[] = [];
const loadBefore = loadavg()[0];
try {
  await buildBrowser({ outDir: out });
  const served = await startPlaygroundServer(0, '127.0.0.1', out);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-webgpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(served.url);
    (globalThis as { __nutmegBrowserApi?: unknown }).__nutmegBrowserApi = api;
    const inNode = (backend: string, make = 'lib.createBackend', options?: string) => (): Promise<Timing> =>
      (0, eval)(PROBE(backend, options).replace('LIB', 'Promise.resolve(globalThis.__nutmegBrowserApi)').replace('MAKE', make)) as Promise<Timing>;
    const inPage = (backend: string, options?: string) => (): Promise<Timing> =>
      page.evaluate(PROBE(backend, options).replace('LIB', "import('./nutmeg.js')").replace('MAKE', 'lib.createBackend')) as Promise<Timing>;
    const SINGLE = "threads: 1, variant: 'single'";
    const THREADED = "variant: 'threaded'";
    const runs: { where: string; backend: string; run: () => Promise<Timing> }[] = [
      { where: 'node', backend: 'reference', run: inNode('reference') },
      { where: 'node', backend: 'wasm', run: inNode('wasm', undefined, SINGLE) },
      { where: 'node', backend: 'wasm (threaded)', run: inNode('wasm', undefined, THREADED) },
      ...(scalarModule ? [{ where: 'node', backend: 'wasm (no SIMD)', run: inNode('wasm', 'globalThis.__createScalarWasm') }] : []),
      { where: 'node', backend: 'native (1 thread)', run: inNode('native') },
      { where: 'chromium', backend: 'reference', run: inPage('reference') },
      { where: 'chromium', backend: 'wasm', run: inPage('wasm', SINGLE) },
      { where: 'chromium', backend: 'wasm (threaded)', run: inPage('wasm', THREADED) },
      { where: 'chromium', backend: 'webgpu', run: inPage('webgpu') },
    ];
    const best = new Map<number, Timing>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, r] of runs.entries()) {
        try {
          const t = await r.run();
          const cpuMsPerCall = Number.isFinite(t.cpuMsPerCall) ? t.cpuMsPerCall : null;
          const prior = best.get(k);
          best.set(k, {
            description: t.description,
            msPerCall: Math.min(t.msPerCall, prior?.msPerCall ?? Infinity),
            cpuMsPerCall: cpuMsPerCall === null ? null : Math.min(cpuMsPerCall, prior?.cpuMsPerCall ?? Infinity),
          });
        } catch (e) {
          if (round === 0) process.stdout.write(`${r.backend} in ${r.where}: ${(e as Error).message.split('\n')[0]}\n`);
        }
      }
    }
    for (const [k, r] of runs.entries()) {
      const t = best.get(k);
      if (t) results.push({ where: r.where, backend: r.backend, ...t, rowChainsPerSecond: (ROWS * CHAINS) / (t.msPerCall / 1000) });
    }
  } finally {
    await browser.close();
    await served.close();
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const load = { before: loadBefore, after: loadavg()[0] };
writeFileSync(
  join(import.meta.dirname, 'results/browser-gradient.json'),
  JSON.stringify({ date: new Date().toISOString(), rows: ROWS, chains: CHAINS, rounds: ROUNDS, load, results }, null, 2) + '\n',
);
const reference = (where: string) => results.find((r) => r.where === where && r.backend === 'reference');
process.stdout.write(`load average (1 min) ${load.before.toFixed(1)} before, ${load.after.toFixed(1)} after; fastest of ${ROUNDS} rounds of ${SECONDS} s\n`);
process.stdout.write(
  `| where | backend | wall ms per call (${CHAINS} chains, ${ROWS} rows) | M row·chains/s | vs reference in the same place | CPU ms per call (Node) | CPU vs reference |\n|---|---|---:|---:|---:|---:|---:|\n`,
);
for (const r of results) {
  const base = reference(r.where);
  const cpu = r.cpuMsPerCall === null ? '—' : r.cpuMsPerCall.toFixed(2);
  const cpuRatio = r.cpuMsPerCall !== null && base?.cpuMsPerCall ? `${(base.cpuMsPerCall / r.cpuMsPerCall).toFixed(2)}×` : '—';
  process.stdout.write(
    `| ${r.where} | ${r.description} | ${r.msPerCall.toFixed(2)} | ${(r.rowChainsPerSecond / 1e6).toFixed(1)} | ${base ? (base.msPerCall / r.msPerCall).toFixed(2) : '—'}× | ${cpu} | ${cpuRatio} |\n`,
  );
}
