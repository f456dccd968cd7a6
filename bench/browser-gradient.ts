/**
 * Gradient throughput in a page (issue 18): the hierarchical Hillstrom model on 64,000 simulated rows, 4 chains per
 * call, timed in headless Chromium (Debian's /usr/bin/chromium or NUTMEG_CHROMIUM, with --enable-unsafe-webgpu) for
 * the TypeScript reference backend and WebGPU (whatever adapter Chromium offers: SwiftShader on a machine without a
 * GPU), and in Node for the reference backend, in one run. There is no WebAssembly backend yet. Writes
 * bench/results/browser-gradient.json and prints a table. Run: node --import tsx bench/browser-gradient.ts
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildBrowser } from '../scripts/build-browser.mjs';
import { startPlaygroundServer } from '../src/serve/playground-server.js';
import * as api from '../src/browser/index.js';

const CHROMIUM = process.env.NUTMEG_CHROMIUM ?? '/usr/bin/chromium';
const ROWS = 64_000;
const CHAINS = 4;
const SECONDS = 3;

/** Times gradient calls of one backend for about SECONDS; the same text runs in the page and (through eval) in Node. */
const PROBE = (backend: string): string => `(async () => {
  const lib = await LIB;
  const frame = lib.addHillstromFeatures(lib.simulateHillstrom({ seed: 1, n: ${ROWS} }).frame);
  const model = lib.buildModel(frame, ${JSON.stringify(api.HILLSTROM_FORMULAS.hierarchical)}, {});
  const b = await lib.createBackend(${JSON.stringify(backend)}, model.spec, { maxChains: ${CHAINS} });
  const q = new Float64Array(${CHAINS} * b.dim).map((_, i) => (((i * 7919) % 23) - 11) / 170);
  const logp = new Float64Array(${CHAINS});
  const grad = new Float64Array(${CHAINS} * b.dim);
  await b.logDensityGradient(q, ${CHAINS}, logp, grad);
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ${SECONDS * 1000}) { await b.logDensityGradient(q, ${CHAINS}, logp, grad); calls++; }
  const ms = (performance.now() - t0) / calls;
  const description = b.description;
  await b.dispose();
  return { description, msPerCall: ms };
})()`;

if (!existsSync(CHROMIUM)) {
  process.stdout.write(`no Chromium at ${CHROMIUM}; set NUTMEG_CHROMIUM\n`);
  process.exit(0);
}
const out = mkdtempSync(join(tmpdir(), 'nutmeg-web-grad-'));
const results: { where: string; backend: string; description: string; msPerCall: number; rowChainsPerSecond: number }[] = [];
try {
  await buildBrowser({ outDir: out });
  const served = await startPlaygroundServer(0, '127.0.0.1', out);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--enable-unsafe-webgpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(served.url);
    const record = (where: string, backend: string, r: { description: string; msPerCall: number }): void => {
      results.push({ where, backend, ...r, rowChainsPerSecond: (ROWS * CHAINS) / (r.msPerCall / 1000) });
    };
    (globalThis as { __nutmegBrowserApi?: unknown }).__nutmegBrowserApi = api;
    record('node', 'reference', await (0, eval)(PROBE('reference').replace('LIB', 'Promise.resolve(globalThis.__nutmegBrowserApi)')));
    record('chromium', 'reference', await page.evaluate(PROBE('reference').replace('LIB', "import('./nutmeg.js')")));
    try {
      record('chromium', 'webgpu', await page.evaluate(PROBE('webgpu').replace('LIB', "import('./nutmeg.js')")));
    } catch (e) {
      process.stdout.write(`webgpu in the page: ${(e as Error).message.split('\n')[0]}\n`);
    }
  } finally {
    await browser.close();
    await served.close();
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const base = results.find((r) => r.where === 'chromium' && r.backend === 'reference');
writeFileSync(join(import.meta.dirname, 'results/browser-gradient.json'), JSON.stringify({ date: new Date().toISOString(), rows: ROWS, chains: CHAINS, results }, null, 2) + '\n');
process.stdout.write(`| where | backend | ms per call (${CHAINS} chains, ${ROWS} rows) | M row·chains/s | vs page reference |\n|---|---|---:|---:|---:|\n`);
for (const r of results) {
  process.stdout.write(`| ${r.where} | ${r.description} | ${r.msPerCall.toFixed(2)} | ${(r.rowChainsPerSecond / 1e6).toFixed(1)} | ${base ? (base.msPerCall / r.msPerCall).toFixed(2) : '—'}× |\n`);
}
