#!/usr/bin/env node
// Builds the native kernels as WebAssembly (the browser's CPU path, src/backend/wasm/) with Emscripten's emcc:
// native/wasm/api.cpp (a C ABI over native/src/engine.hpp) and the engine's sources, one thread, 128-bit SIMD.
//
//   node scripts/build-wasm.mjs            build/wasm/nutmeg_kernels.wasm (-msimd128)
//   node scripts/build-wasm.mjs --scalar   build/wasm/nutmeg_kernels_scalar.wasm as well (no SIMD; for the bench)
//
// and the threaded build, for pages that are cross-origin isolated (SharedArrayBuffer) and for Node when asked:
// build/wasm/nutmeg_kernels_mt.{js,worker.js,wasm} for Node and build/wasm/web/ the same for the browser bundles
// (no Node code in its glue), the same sources with -pthread, so the engine's thread pool
// (native/src/thread_pool.cpp) runs on Emscripten's pthreads (Web Workers; worker_threads in Node). This one needs
// Emscripten's JavaScript runtime: a factory (MODULARIZE) that starts the module's memory, its wasm and a pool of
// Module.nutmegPoolSize workers (PTHREAD_POOL_SIZE, so creating the engine's threads never waits on a worker to
// start; a thread beyond the pool is an error, never a deadlock: PTHREAD_POOL_SIZE_STRICT=2). A package.json there
// marks the glue as CommonJS, which Node's worker_threads need inside this ESM package.
//
// A bare module (-sSTANDALONE_WASM, no Emscripten JavaScript): src/backend/wasm/module.ts instantiates it with the
// three imports it has. C++ exceptions are WebAssembly exceptions (-fwasm-exceptions: Chrome 95+, Firefox 100+,
// Safari 15.2+, Node 17+), so a bad model is an error message, never an abort.
//
// Without emcc this script says so in one line and exits 0: the Node package does not need the wasm. The browser
// build (scripts/build-browser.mjs) does — it inlines the module — and stops with a one-line error when the module is
// missing, so a bundle without the CPU path is never written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_OUTPUT = join(ROOT, 'build', 'wasm', 'nutmeg_kernels.wasm');
const SCALAR_OUTPUT = join(ROOT, 'build', 'wasm', 'nutmeg_kernels_scalar.wasm');
// the threaded build twice: for Node (worker_threads) and, with no Node code in it, for the browser bundles
export const THREADED_OUTPUT = join(ROOT, 'build', 'wasm', 'nutmeg_kernels_mt.js');
export const THREADED_WEB_OUTPUT = join(ROOT, 'build', 'wasm', 'web', 'nutmeg_kernels_mt.js');
const threadedFiles = (output) => ['.js', '.worker.js', '.wasm'].map((ext) => output.replace(/\.js$/, ext));
export const THREADED_FILES = threadedFiles(THREADED_OUTPUT);
export const THREADED_WEB_FILES = threadedFiles(THREADED_WEB_OUTPUT);
const EMCC = process.env.EMCC ?? 'emcc';

const SOURCES = [
  'native/wasm/api.cpp',
  'native/wasm/kernel_wasm.cpp',
  'native/src/engine.cpp',
  'native/src/model.cpp',
  'native/src/families_host.cpp',
  'native/src/thread_pool.cpp',
  'native/src/kernel_select.cpp',
];

// -flto and the post-MVP features every SIMD-capable engine has (bulk memory, sign extension, non-trapping
// float-to-int) measured 10-15 % faster per gradient than -O3 alone (64,000 rows, 4 chains; bench/README.md).
const COMPILE_FLAGS = [
  '-std=c++17',
  '-O3',
  '-flto',
  '-mbulk-memory',
  '-msign-ext',
  '-mnontrapping-fptoint',
  '-fwasm-exceptions',
  '-fopenmp-simd',
  '-fno-math-errno',
  '-fno-trapping-math',
  '-Wno-pass-failed',
  '-msimd128',
  '--no-entry',
  '-sALLOW_MEMORY_GROWTH=1',
  '-sEXPORTED_FUNCTIONS=_malloc,_free',
];
const SINGLE_FLAGS = ['-sSTANDALONE_WASM'];
// INITIAL_MEMORY: src/backend/wasm/threaded.ts makes the shared memory with this many bytes (512 pages).
const THREADED_FLAGS = [
  '-pthread',
  '-sMODULARIZE=1',
  '-sEXPORT_NAME=createNutmegKernels',
  "-sPTHREAD_POOL_SIZE=(Module['nutmegPoolSize']||0)",
  '-sPTHREAD_POOL_SIZE_STRICT=2',
  '-sINITIAL_MEMORY=33554432',
  // in Node, leave the process's uncaughtException and unhandledRejection handling to the application
  '-sNODEJS_CATCH_EXIT=0',
  '-sNODEJS_CATCH_REJECTION=0',
  '-Wno-pthreads-mem-growth',
];

function emccVersion() {
  const r = spawnSync(EMCC, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : null;
}

// Debian's emcc runs its JavaScript optimizer (the threaded build's glue) with `node`, which must find Debian's acorn
const DEBIAN_NODE_MODULES = '/usr/share/nodejs';
function emccEnv() {
  if (!existsSync(DEBIAN_NODE_MODULES)) return process.env;
  const path = process.env.NODE_PATH ? `${process.env.NODE_PATH}:${DEBIAN_NODE_MODULES}` : DEBIAN_NODE_MODULES;
  return { ...process.env, NODE_PATH: path };
}

function compile(output, flags) {
  mkdirSync(dirname(output), { recursive: true });
  rmSync(output, { force: true });
  const args = [...COMPILE_FLAGS, ...flags, ...SOURCES, '-o', output];
  const r = spawnSync(EMCC, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: emccEnv() });
  if (r.status !== 0 || !existsSync(output)) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    console.error(`wasm kernels: ${EMCC} failed (exit ${r.status}) building ${relative(ROOT, output)}`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = emccVersion();
  if (version === null) {
    for (const f of [WASM_OUTPUT, ...THREADED_FILES, ...THREADED_WEB_FILES]) rmSync(f, { force: true }); // never leave a module from older sources behind
    console.log(`wasm kernels: not built (no ${EMCC}; install Debian's emscripten, scripts/install-system-deps.sh); the browser build needs them and will stop`);
    process.exit(0);
  }
  compile(WASM_OUTPUT, SINGLE_FLAGS);
  for (const f of [...THREADED_FILES, ...THREADED_WEB_FILES]) rmSync(f, { force: true });
  compile(THREADED_OUTPUT, [...THREADED_FLAGS, '-sENVIRONMENT=node']);
  compile(THREADED_WEB_OUTPUT, [...THREADED_FLAGS, '-sENVIRONMENT=web,worker']);
  for (const f of [...THREADED_FILES, ...THREADED_WEB_FILES]) {
    if (!existsSync(f)) {
      console.error(`wasm kernels: ${EMCC} wrote no ${relative(ROOT, f)}`);
      process.exit(1);
    }
  }
  writeFileSync(join(dirname(THREADED_OUTPUT), 'package.json'), '{ "type": "commonjs" }\n');
  if (process.argv.includes('--scalar')) compile(SCALAR_OUTPUT, [...SINGLE_FLAGS, '-mno-simd128']);
  console.log(`wasm kernels: built ${relative(ROOT, WASM_OUTPUT)} and the threaded ${relative(ROOT, THREADED_OUTPUT)} with ${version}`);
}
