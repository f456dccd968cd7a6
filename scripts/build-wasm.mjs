#!/usr/bin/env node
// Builds the native kernels as WebAssembly (the browser's CPU path, src/backend/wasm/) with Emscripten's emcc:
// native/wasm/api.cpp (a C ABI over native/src/engine.hpp) and the engine's sources, one thread, 128-bit SIMD.
//
//   node scripts/build-wasm.mjs            build/wasm/nutmeg_kernels.wasm (-msimd128)
//   node scripts/build-wasm.mjs --scalar   build/wasm/nutmeg_kernels_scalar.wasm as well (no SIMD; for the bench)
//
// A bare module (-sSTANDALONE_WASM, no Emscripten JavaScript): src/backend/wasm/module.ts instantiates it with the
// three imports it has. C++ exceptions are WebAssembly exceptions (-fwasm-exceptions: Chrome 95+, Firefox 100+,
// Safari 15.2+, Node 17+), so a bad model is an error message, never an abort.
//
// Without emcc this script says so in one line and exits 0: the Node package does not need the wasm. The browser
// build (scripts/build-browser.mjs) does — it inlines the module — and stops with a one-line error when the module is
// missing, so a bundle without the CPU path is never written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const WASM_OUTPUT = join(ROOT, 'build', 'wasm', 'nutmeg_kernels.wasm');
const SCALAR_OUTPUT = join(ROOT, 'build', 'wasm', 'nutmeg_kernels_scalar.wasm');
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
const FLAGS = [
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
  '--no-entry',
  '-sSTANDALONE_WASM',
  '-sALLOW_MEMORY_GROWTH=1',
  '-sEXPORTED_FUNCTIONS=_malloc,_free',
];

function emccVersion() {
  const r = spawnSync(EMCC, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : null;
}

function compile(output, simd) {
  mkdirSync(dirname(output), { recursive: true });
  rmSync(output, { force: true });
  const args = [...FLAGS, ...(simd ? ['-msimd128'] : []), ...SOURCES, '-o', output];
  const r = spawnSync(EMCC, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 || !existsSync(output)) {
    process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    console.error(`wasm kernels: ${EMCC} failed (exit ${r.status}) building ${relative(ROOT, output)}`);
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = emccVersion();
  if (version === null) {
    rmSync(WASM_OUTPUT, { force: true }); // never leave a module from older sources behind
    console.log(`wasm kernels: not built (no ${EMCC}; install Debian's emscripten, scripts/install-system-deps.sh); the browser build needs them and will stop`);
    process.exit(0);
  }
  compile(WASM_OUTPUT, true);
  if (process.argv.includes('--scalar')) compile(SCALAR_OUTPUT, false);
  console.log(`wasm kernels: built ${relative(ROOT, WASM_OUTPUT)} with ${version}`);
}
