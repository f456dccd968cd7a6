#!/usr/bin/env node
/**
 * The CLI bundle (npm run build runs it after tsc): src/cli/main.ts and what it imports, bundled by esbuild into
 * dist/node/ as ES modules split at every dynamic import, so `nutmeg fit` loads main.js, the fit command's chunk and
 * the chunks it shares, a handful of files instead of ~200 modules one by one (issue 16 item 6: about 0.1 s of CPU
 * less per command; bench/README.md "Small models, fourth step"). bin/nutmeg.js runs this bundle when it is at least
 * as new as dist/cli/main.js, else tsc's modules (a `tsc` run after the bundle leaves the bundle stale).
 *
 * Kept as they are:
 * - the small pure-JavaScript packages on every command's path (commander, csv-parse, hyparquet) are bundled; every
 *   other dependency stays an external import (the heavy ones — vega, fastify, h5wasm, apache-arrow, parquet-wasm,
 *   webgpu — load on first use through dynamic imports or createRequire, as in tsc's build);
 * - dist/node/ is two levels below the package root, as dist/<dir>/ is for tsc's modules: files read at run time are
 *   found from src/platform/package-root.ts, which resolves the same in both;
 * - separate entries for the files that are loaded by URL: `probe-child.js` (the WebGPU probe's child process, found
 *   beside probe.ts's code) and `summary-worker.js` (summary-parallel.ts's worker threads, NUTMEG_NODE_BUNDLE).
 * CommonJS inside the bundle (commander) gets `require` from a createRequire banner.
 */
import { build } from 'esbuild';
import { readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_OUT_DIR = join(ROOT, 'dist', 'node');

/** Dependencies bundled into the CLI; every other one stays external. */
export const BUNDLED_PACKAGES = ['commander', 'csv-parse', 'hyparquet'];

export async function buildNode({ outDir = NODE_OUT_DIR } = {}) {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]
    .filter((name) => !BUNDLED_PACKAGES.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
  // chunks of an earlier build carry a content hash in their names: a new build would leave them beside its own
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) rmSync(join(outDir, f), { recursive: true });
  const result = await build({
    entryPoints: {
      main: join(ROOT, 'src/cli/main.ts'),
      'probe-child': join(ROOT, 'src/backend/webgpu/probe-child.ts'),
      'summary-worker': join(ROOT, 'src/diagnostics/summary-parallel.ts'),
    },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    chunkNames: 'chunk-[hash]',
    external,
    define: { NUTMEG_NODE_BUNDLE: 'true' },
    banner: { js: "import { createRequire as __nutmegCreateRequire } from 'node:module'; const require = __nutmegCreateRequire(import.meta.url);" },
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const meta = await buildNode();
    const files = Object.keys(meta.outputs).filter((f) => f.endsWith('.js'));
    process.stdout.write(`node build: ${NODE_OUT_DIR} (${files.length} files)\n`);
  } catch (e) {
    console.error(e instanceof Error ? e.message.split('\n')[0] : String(e));
    process.exit(1);
  }
}
