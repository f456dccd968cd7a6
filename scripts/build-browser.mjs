#!/usr/bin/env node
/**
 * The browser build (npm run build runs it; no install scripts needed: esbuild's JavaScript API finds its platform
 * binary through its optional dependency). Writes dist/web/:
 *   nutmeg.js      the library, `nutmeg/browser` (src/browser/index.ts), an ES module with no Node built-ins
 *   worker.js      the fit's Web Worker (src/browser/worker.ts)
 *   playground.js  the playground page's script (src/browser/page/playground.ts)
 *   plots-*.js     Vega and Vega-Lite, split off the page's script: src/report/plots/render.ts imports them on the
 *                  first plot, so the page fetches them (from its own origin) only when it draws
 *   columnar.js    Parquet and Arrow IPC reading (src/browser/columnar-chunk.ts: apache-arrow, parquet-wasm's glue),
 *                  a bundle of its own that nutmeg.js and worker.js import from beside themselves on the first such
 *                  file (src/browser/data.ts), with parquet_wasm_bg.wasm (parquet-wasm's WebAssembly, copied as it
 *                  is) fetched by it only for a Parquet file with a codec the JavaScript reader lacks in a page
 *   index.html     the playground page (src/browser/page/index.html)
 * The core imports Node-only modules by their Node names; PLATFORM_SWAPS replaces each by its browser twin (same
 * exports) in this build. The bundles inline the WebAssembly engine (build/wasm/nutmeg_kernels.wasm, and the threaded
 * build web/nutmeg_kernels_mt.{wasm,js,worker.js}, from scripts/build-wasm.mjs); without it the build stops with one line rather than write a bundle with no CPU path. esbuild fails on any node: import left, so a Node built-in cannot slip into the bundle.
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { THREADED_WEB_FILES } from './build-wasm.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(ROOT, 'dist', 'web');

/** Node module → its browser twin (paths from the repository root). */
export const PLATFORM_SWAPS = {
  'src/platform/host.ts': 'src/platform/host.browser.ts',
  'src/data/csv.ts': 'src/data/csv.browser.ts',
  'src/backend/select.ts': 'src/backend/select.browser.ts',
  'src/backend/native.ts': 'src/backend/native.browser.ts',
  'src/backend/webgpu/device.ts': 'src/backend/webgpu/device.browser.ts',
  'src/backend/webgpu/shader-files.ts': 'src/backend/webgpu/shader-files.browser.ts',
  'src/backend/wasm/module-bytes.ts': 'src/backend/wasm/module-bytes.browser.ts',
};

/**
 * Packages whose default entry is for Node, → their own browser build. csv-parse's ESM entry uses Node's Buffer;
 * its dist/esm build carries the polyfill it needs.
 */
export const PACKAGE_SWAPS = {
  'csv-parse/sync': 'node_modules/csv-parse/dist/esm/sync.js',
};

const swaps = new Map(Object.entries(PLATFORM_SWAPS).map(([from, to]) => [join(ROOT, from), join(ROOT, to)]));

/** Swaps listed packages, and relative imports (written with .js, as NodeNext wants) of listed modules. */
const platformSwaps = {
  name: 'nutmeg-platform-swaps',
  setup(b) {
    for (const [name, path] of Object.entries(PACKAGE_SWAPS)) {
      const filter = new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`);
      b.onResolve({ filter }, () => ({ path: join(ROOT, path) }));
    }
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (!args.importer.startsWith(join(ROOT, 'src'))) return undefined;
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      const swapped = swaps.get(target);
      return swapped === undefined ? undefined : { path: swapped };
    });
  },
};

function version() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
}

/** `import text from 'nutmeg-text:<path from the root>'`: the file's text (the threaded wasm build's glue). */
const inlineText = {
  name: 'nutmeg-inline-text',
  setup(b) {
    b.onResolve({ filter: /^nutmeg-text:/ }, (args) => ({ path: join(ROOT, args.path.slice('nutmeg-text:'.length)), namespace: 'nutmeg-text' }));
    b.onLoad({ filter: /.*/, namespace: 'nutmeg-text' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

/** Options shared by every bundle. */
function common(minify) {
  return {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome113', 'firefox121', 'safari17'],
    minify,
    sourcemap: false,
    legalComments: 'none',
    loader: { '.wgsl': 'text', '.wasm': 'binary' },
    define: { NUTMEG_VERSION: JSON.stringify(version()) },
    plugins: [platformSwaps, inlineText],
    logLevel: 'warning',
    metafile: true,
  };
}

/** The WebAssembly engines the bundles inline (scripts/build-wasm.mjs; src/backend/wasm/module-bytes.browser.ts). */
const WASM_KERNELS = [join(ROOT, 'build', 'wasm', 'nutmeg_kernels.wasm'), ...THREADED_WEB_FILES];

/** parquet-wasm's WebAssembly for the page (its esm build, which columnar.js loads from beside itself). */
const PARQUET_WASM = join(ROOT, 'node_modules', 'parquet-wasm', 'esm', 'parquet_wasm_bg.wasm');

/** Bundles split at their dynamic imports into chunks beside them. */
const SPLIT = new Set(['playground']);

/** Builds dist/web; returns esbuild's metafiles by output name. Throws when the wasm engine is not built. */
export async function buildBrowser({ minify = true, outDir = OUT_DIR } = {}) {
  const missing = WASM_KERNELS.find((f) => !existsSync(f));
  if (missing !== undefined) {
    throw new Error(`browser build: no ${missing}, the page's CPU path; install emscripten (scripts/install-system-deps.sh) and run npm run build:wasm`);
  }
  mkdirSync(outDir, { recursive: true });
  // chunks of an earlier build (their names carry a content hash, so a new build would leave them beside its own)
  for (const f of readdirSync(outDir)) if (/^plots-[\w-]+\.js$/.test(f)) rmSync(join(outDir, f));
  const entries = {
    nutmeg: 'src/browser/index.ts',
    worker: 'src/browser/worker.ts',
    playground: 'src/browser/page/playground.ts',
    columnar: 'src/browser/columnar-chunk.ts',
  };
  const metafiles = {};
  for (const [name, entry] of Object.entries(entries)) {
    // the page's script is split at its dynamic imports (the plotting libraries); the others are one file each
    const output = SPLIT.has(name) ? { entryPoints: { [name]: join(ROOT, entry) }, outdir: outDir, splitting: true, chunkNames: 'plots-[hash]' } : { entryPoints: [join(ROOT, entry)], outfile: join(outDir, `${name}.js`) };
    const result = await build({ ...common(minify), ...output });
    metafiles[name] = result.metafile;
  }
  copyFileSync(join(ROOT, 'src/browser/page/index.html'), join(outDir, 'index.html'));
  copyFileSync(PARQUET_WASM, join(outDir, 'parquet_wasm_bg.wasm'));
  return metafiles;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await buildBrowser({ minify: !process.argv.includes('--no-minify') });
  } catch (e) {
    console.error(e instanceof Error ? e.message.split('\n')[0] : String(e));
    process.exit(1);
  }
  process.stdout.write(`browser build: ${OUT_DIR}\n`);
}
