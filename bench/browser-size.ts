/**
 * Size of the browser build (issue 18: ≤ 400 KB gzipped without the plotting libraries): builds dist/web into a
 * temporary folder with scripts/build-browser.mjs, gzips each output (level 9, as a static host would serve it) and
 * lists the largest inputs of the library bundle. The Parquet/Arrow bundle (columnar.js, parquet_wasm_bg.wasm), fetched on
 * the first such file (the wasm only for a Parquet file compressed with another codec than snappy), is reported apart and is not part of the budget. Writes bench/results/browser-size.json and prints a table.
 * Run: node --import tsx bench/browser-size.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildBrowser } from '../scripts/build-browser.mjs';

const BUDGET_GZIP = 400 * 1024;
const root = join(import.meta.dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'nutmeg-web-size-'));

interface Metafile {
  readonly outputs: Record<string, { readonly bytes: number; readonly inputs: Record<string, { readonly bytesInOutput: number }> }>;
}

try {
  const started = performance.now();
  const metafiles = (await buildBrowser({ outDir: out })) as unknown as Record<string, Metafile>;
  const buildSeconds = (performance.now() - started) / 1000;
  // plots-*.js: Vega and Vega-Lite, split off playground.js and fetched on the page's first plot
  const chunks = readdirSync(out).filter((f) => /^plots-[\w-]+\.js$/.test(f)).sort();
  // columnar.js and parquet_wasm_bg.wasm: Parquet/Arrow reading, fetched on the first such file (src/browser/data.ts;
  // the wasm only for a Parquet file whose codec the JavaScript reader lacks in a page)
  const files = ['nutmeg.js', 'worker.js', 'playground.js', 'index.html', ...chunks, 'columnar.js', 'parquet_wasm_bg.wasm'].map((name) => {
    const bytes = readFileSync(join(out, name));
    return { name, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  const gz = (names: readonly string[]): number => files.filter((f) => names.includes(f.name)).reduce((n, f) => n + f.gzipBytes, 0);
  const pageGzip = gz(['index.html', 'playground.js', 'worker.js']);
  const plotsGzip = gz(chunks);
  const columnarGzip = gz(['columnar.js']);
  const parquetGzip = gz(['columnar.js', 'parquet_wasm_bg.wasm']);
  const library = Object.values(metafiles.nutmeg.outputs)[0];
  const byPackage = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(library.inputs)) {
    const key = input.includes('node_modules/') ? `npm: ${input.split('node_modules/')[1].split('/').slice(0, input.includes('/@') ? 2 : 1).join('/')}` : relative(root, join(root, input)).split('/').slice(0, 2).join('/');
    byPackage.set(key, (byPackage.get(key) ?? 0) + bytesInOutput);
  }
  const largest = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([input, bytes]) => ({ input, bytes }));
  const report = {
    date: new Date().toISOString(),
    budgetGzipBytes: BUDGET_GZIP,
    withinBudget: files.filter((f) => f.name === 'nutmeg.js' || f.name === 'worker.js').every((f) => f.gzipBytes <= BUDGET_GZIP) && pageGzip <= BUDGET_GZIP,
    /** What the page loads before its first plot: index.html, playground.js and worker.js. */
    pageGzipBytes: pageGzip,
    /** The plotting libraries' chunks, loaded on the first plot. */
    plotsGzipBytes: plotsGzip,
    /** Parquet and Arrow IPC reading: columnar.js (fetched on the first such file), and with the Parquet decoder's wasm. */
    columnarGzipBytes: columnarGzip,
    parquetGzipBytes: parquetGzip,
    buildSeconds,
    files,
    libraryInputsMinified: largest,
  };
  writeFileSync(join(root, 'bench/results/browser-size.json'), JSON.stringify(report, null, 2) + '\n');
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
  process.stdout.write('| file | minified | gzip -9 |\n|---|---:|---:|\n');
  for (const f of files) process.stdout.write(`| ${f.name} | ${kb(f.bytes)} | ${kb(f.gzipBytes)} |\n`);
  process.stdout.write(`\nthe page before its first plot (index.html, playground.js, worker.js): ${kb(pageGzip)} gzipped; Vega and Vega-Lite (plots-*.js, fetched on the first plot): ${kb(plotsGzip)}\n`);
  process.stdout.write(`Parquet/Arrow reading, fetched on the first such file: columnar.js ${kb(columnarGzip)} gzipped (an Arrow IPC file needs only it); with parquet_wasm_bg.wasm (a Parquet file compressed with another codec than snappy) ${kb(parquetGzip)}\n`);
  process.stdout.write(`budget ${kb(BUDGET_GZIP)} gzipped for nutmeg.js, worker.js and the page without the plotting libraries: ${report.withinBudget ? 'within' : 'OVER'}\n`);
  process.stdout.write(`largest parts of nutmeg.js (minified): ${largest.slice(0, 6).map((l) => `${l.input} ${kb(l.bytes)}`).join(', ')}\n`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
