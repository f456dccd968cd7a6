#!/usr/bin/env node
// Builds the native CPU backend (build/Release/nutmeg_native.node) from native/src.
//
//   node scripts/build-native.mjs                    cmake-js (CMakeLists.txt), falling back to node-gyp (binding.gyp);
//                                                    if both fail: one line saying the native backend is unavailable,
//                                                    exit status 0 (nutmeg then runs on the reference backend)
//   node scripts/build-native.mjs --tool=cmake-js    that tool only; exit status 1 when it fails (for CI)
//   node scripts/build-native.mjs --tool=node-gyp
//
// Node's headers are taken from this machine, never downloaded when present: $npm_config_nodedir, else the prefix
// of the running node (e.g. /usr for /usr/bin/node, whose headers are /usr/include/node). The tools' output goes to
// build/native-build.log and is shown only when a requested tool fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, appendFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = join(root, 'build', 'Release', 'nutmeg_native.node');
const log = join(root, 'build', 'native-build.log');
const require = createRequire(import.meta.url);

const toolArg = process.argv.find((a) => a.startsWith('--tool='));
const tool = toolArg ? toolArg.slice('--tool='.length) : 'auto';
if (!['auto', 'cmake-js', 'node-gyp'].includes(tool)) {
  console.error(`build-native: unknown --tool=${tool} (use cmake-js, node-gyp or leave it out)`);
  process.exit(2);
}

/** A directory with include/node/node.h and node_api.h, or null. */
function nodeHeadersDir() {
  const candidates = [process.env.npm_config_nodedir, resolve(dirname(process.execPath), '..'), '/usr', '/usr/local'];
  for (const dir of candidates) {
    if (dir && existsSync(join(dir, 'include', 'node', 'node.h')) && existsSync(join(dir, 'include', 'node', 'node_api.h'))) {
      return resolve(dir);
    }
  }
  return null;
}

function record(text) {
  appendFileSync(log, text.endsWith('\n') ? text : `${text}\n`);
}

/** Runs node with args; appends its output to the log; returns true on exit status 0. */
function runNode(args, env) {
  record(`$ node ${args.join(' ')}`);
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  record(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n(exit ${r.status})`);
  return r.status === 0;
}

/** The addon loads in a fresh node process. */
function loads() {
  const ok = runNode(['-e', `require(${JSON.stringify(output)}).cpuFeatures()`], process.env);
  if (!ok) record('the built addon does not load');
  return ok;
}

function cmakeJs(nodedir) {
  let cli;
  try {
    cli = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
  } catch {
    record('cmake-js is not installed (npm install)');
    return false;
  }
  const env = { ...process.env };
  if (nodedir) env.npm_config_nodedir = nodedir;
  return runNode([cli, 'build', '--out', join('build', 'cmake')], env);
}

function nodeGypScript() {
  const candidates = [
    process.env.npm_config_node_gyp,
    (() => {
      try {
        return require.resolve('node-gyp/bin/node-gyp.js');
      } catch {
        return undefined;
      }
    })(),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

function nodeGyp(nodedir) {
  const script = nodeGypScript();
  if (!script) {
    record('node-gyp not found (it ships with npm)');
    return false;
  }
  const extra = nodedir ? [`--nodedir=${nodedir}`] : [];
  // configure + build (not rebuild, whose clean step would remove build/ and with it cmake-js's tree)
  return runNode([script, 'configure', ...extra], process.env) && runNode([script, 'build', '--jobs=max', ...extra], process.env);
}

mkdirSync(dirname(log), { recursive: true });
writeFileSync(log, `native build ${new Date().toISOString()}\n`);
rmSync(output, { force: true }); // never leave an addon from older sources behind
const nodedir = nodeHeadersDir();
record(nodedir ? `Node headers: ${nodedir}/include/node` : 'Node headers: none found locally (the tools may download them)');

const tools = tool === 'auto' ? ['cmake-js', 'node-gyp'] : [tool];
for (const t of tools) {
  const built = (t === 'cmake-js' ? cmakeJs(nodedir) : nodeGyp(nodedir)) && existsSync(output) && loads();
  if (built) {
    console.log(`native backend: built ${join('build', 'Release', 'nutmeg_native.node')} with ${t}`);
    process.exit(0);
  }
  rmSync(output, { force: true });
}

if (tool !== 'auto') {
  console.error(`native backend: the ${tool} build failed; its output is in ${log}`);
  process.exit(1);
}
console.log(`native backend unavailable (build failed, see ${join('build', 'native-build.log')}); nutmeg will use the reference backend`);
process.exit(0);
