// How bin/nutmeg.js starts the CLI fast (issue 16 item 6; bench/README.md "Small models, sixth step"). CommonJS
// (bin/package.json), as bin/nutmeg.js is: an ES module entry costs node's module loader another ~10 ms of CPU.
//
// - V8 flags set at run time, before any of the CLI's code is compiled (v8.setFlagsFromString: no second node start).
//   `--interrupt-budget=1000000` (V8's default: 67,584 bytes of bytecode run per function) makes V8 wait ~15 times
//   longer before it optimizes a function with TurboFan: a small fit runs most of its code a few hundred times, and
//   the optimizing compiles (on V8's own threads, ~0.25 s of CPU in a 3,000-row logistic fit) cost more than they
//   save; a long run still optimizes its hot code, a few milliseconds later.
// - The CLI as one CommonJS file, dist/node/cli.cjs (scripts/build-node.mjs), compiled with V8's code cache
//   (dist/node/cli.cache: the bytecode of every function that small fits ran when the build wrote it; vm.Script
//   cachedData, since Node 20 has no compile cache for modules). V8 checks the cache against its own version, its
//   flags and the source's length and ignores it when they differ (then the file compiles as usual); the cache is
//   offered only when it is newer than cli.cjs.
// - The bundle's dynamic imports of ES-module packages (vega, vega-lite, h5wasm, webgpu) call `importPackage` below:
//   code compiled by vm.Script can call import() only with an experimental option of node:vm.
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, resolve } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { Script } = require('node:vm');

/** V8 flags of every `nutmeg` process; the code cache is only valid under the same flags (its builder sets them). */
const CLI_V8_FLAGS = ['--interrupt-budget=1000000'];

function applyCliV8Flags() {
  for (const flag of CLI_V8_FLAGS) setFlagsFromString(flag);
}

/** The bundle and its code cache, in dist/node/. */
const BUNDLE_NAME = 'cli.cjs';
const CACHE_NAME = 'cli.cache';

/** The name the bundle calls for `import(package)` (scripts/build-node.mjs rewrites those calls to it). */
const IMPORT_PACKAGE_NAME = '__nutmegImport';

/** Modification time of a file in ms, -1 when there is none. */
function modified(file) {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
}

const importPackage = (specifier) => import(specifier);

/**
 * Compiles and runs cli.cjs of `dir` as CommonJS, with its code cache when `useCache` and the cache is newer than
 * the bundle. Returns the bundle's exports, the compiled script (for createCachedData) and whether V8 rejected the
 * cache (null when none was offered).
 */
function loadCliBundle(dir, { useCache = true } = {}) {
  const file = resolve(dir, BUNDLE_NAME);
  const cacheFile = resolve(dir, CACHE_NAME);
  // the bundle is ASCII (esbuild's charset option): latin1 makes its one-byte string without decoding UTF-8
  const source = readFileSync(file, 'latin1');
  const cachedData = useCache && modified(cacheFile) >= modified(file) ? readFileSync(cacheFile) : undefined;
  // the wrapper on the source's first line, so that line numbers in stack traces are the file's
  const wrapped = `(function (exports, require, module, __filename, __dirname, ${IMPORT_PACKAGE_NAME}) {${source}\n})`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), importPackage);
  return { exports: module.exports, script, cacheRejected: cachedData === undefined ? null : script.cachedDataRejected === true };
}

module.exports = { CLI_V8_FLAGS, applyCliV8Flags, BUNDLE_NAME, CACHE_NAME, IMPORT_PACKAGE_NAME, modified, loadCliBundle };
