#!/usr/bin/env node
/**
 * The CLI bundle (npm run build runs it after tsc and the native addon), in dist/node/ (issue 16 item 6; bench/README.md
 * "Small models, fourth step" and "sixth step"):
 *
 * - `cli.cjs`: src/cli/main.ts and everything it reaches, one CommonJS file, which bin/nutmeg.js compiles with V8's
 *   code cache (bin/cli-bundle.js). Modules reached by dynamic imports are still evaluated only when imported (each
 *   command its own code), but no module is resolved, read or linked on its own.
 * - `cli.cache`: that code cache, written by scripts/cli-code-cache.mjs in a fresh process under the CLI's V8 flags
 *   after it ran a few small fits through the bundle (so it holds the bytecode of what a fit runs, not only of the
 *   top level).
 * - `probe-child.js` and `summary-worker.js`, ES modules (with shared chunks): the WebGPU probe's child process and
 *   the summary's worker threads, which the CLI starts by their URLs beside its own (NUTMEG_NODE_BUNDLE).
 *
 * Kept as they are:
 * - the small pure-JavaScript packages on every command's path (commander, csv-parse, hyparquet) are bundled; every
 *   other dependency stays external and loads on first use (fastify and zod by require, apache-arrow and
 *   parquet-wasm through createRequire; the ES-module packages vega, vega-lite, h5wasm and webgpu by dynamic import,
 *   which in cli.cjs is rewritten to call bin/cli-bundle.js's importer, since code compiled by node:vm cannot import());
 * - dist/node/ is two levels below the package root, as dist/<dir>/ is for tsc's modules: files read at run time are
 *   found from src/platform/package-root.ts, which resolves the same in both (`import.meta.url` is the bundle's file).
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_NAME, IMPORT_PACKAGE_NAME } from '../bin/cli-bundle.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_OUT_DIR = join(ROOT, 'dist', 'node');

/** Dependencies bundled into the CLI; every other one stays external. */
export const BUNDLED_PACKAGES = ['commander', 'csv-parse', 'hyparquet'];

function externalPackages() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]
    .filter((name) => !BUNDLED_PACKAGES.includes(name))
    .flatMap((name) => [name, `${name}/*`]);
}

const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  define: { NUTMEG_NODE_BUNDLE: 'true' },
  logLevel: 'warning',
  metafile: true,
};

/**
 * `import("pkg")` of each external package that the bundle imports dynamically, as `__nutmegImport("pkg")`; fails when
 * one of them is not found in the text as esbuild writes it.
 */
function rewriteDynamicImports(file, meta) {
  const output = meta.outputs[Object.keys(meta.outputs).find((f) => resolve(f) === file)];
  const packages = output.imports.filter((i) => i.kind === 'dynamic-import' && i.external).map((i) => i.path);
  let text = readFileSync(file, 'utf8');
  for (const name of new Set(packages)) {
    const call = `import(${JSON.stringify(name)})`;
    if (!text.includes(call)) throw new Error(`${file}: the dynamic import of ${name} is not written as ${call}`);
    text = text.replaceAll(call, `${IMPORT_PACKAGE_NAME}(${JSON.stringify(name)})`);
  }
  writeFileSync(file, text);
}

export async function buildNode({ outDir = NODE_OUT_DIR, codeCache = true } = {}) {
  const external = externalPackages();
  // chunks of an earlier build carry a content hash in their names: a new build would leave them beside its own
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) rmSync(join(outDir, f), { recursive: true });
  const workers = await build({
    ...COMMON,
    entryPoints: {
      'probe-child': join(ROOT, 'src/backend/webgpu/probe-child.ts'),
      'summary-worker': join(ROOT, 'src/diagnostics/summary-parallel.ts'),
    },
    outdir: outDir,
    splitting: true,
    format: 'esm',
    chunkNames: 'chunk-[hash]',
    external,
    banner: { js: "import { createRequire as __nutmegCreateRequire } from 'node:module'; const require = __nutmegCreateRequire(import.meta.url);" },
    sourcemap: true,
  });
  const cliFile = join(outDir, BUNDLE_NAME);
  const cli = await build({
    ...COMMON,
    entryPoints: [join(ROOT, 'src/cli/main.ts')],
    outfile: cliFile,
    format: 'cjs',
    charset: 'ascii',
    external,
    define: { ...COMMON.define, 'import.meta.url': '__nutmegModuleUrl' },
    banner: { js: "var __nutmegModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    sourcemap: true,
  });
  rewriteDynamicImports(cliFile, cli.metafile);
  if (codeCache) {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/cli-code-cache.mjs'), outDir], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the CLI's code cache: ${r.stderr.trim().split('\n').slice(-1)[0] || `exit ${r.status}`}`);
  }
  return { inputs: { ...workers.metafile.inputs, ...cli.metafile.inputs }, outputs: { ...workers.metafile.outputs, ...cli.metafile.outputs } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const meta = await buildNode();
    const files = Object.keys(meta.outputs).filter((f) => f.endsWith('.js') || f.endsWith('.cjs'));
    process.stdout.write(`node build: ${NODE_OUT_DIR} (${files.length} files and the CLI's code cache)\n`);
  } catch (e) {
    console.error(e instanceof Error ? e.message.split('\n')[0] : String(e));
    process.exit(1);
  }
}
