#!/usr/bin/env node
// The CLI: V8's flags for short runs, then the one-file bundle dist/node/cli.cjs with its code cache (cli-bundle.js)
// when it was built after tsc's dist/cli/main.js; otherwise tsc's modules, so that a `tsc` run alone is never
// shadowed by an older bundle. CommonJS (bin/package.json).
'use strict';
const { join } = require('node:path');
const { applyCliV8Flags, BUNDLE_NAME, loadCliBundle, modified } = require('./cli-bundle.js');

applyCliV8Flags();
const bundleDir = join(__dirname, '..', 'dist', 'node');
const bundle = modified(join(bundleDir, BUNDLE_NAME));
if (bundle >= 0 && bundle >= modified(join(__dirname, '..', 'dist', 'cli', 'main.js'))) {
  loadCliBundle(bundleDir).exports.runCli(process.argv);
} else {
  import('../dist/cli/main.js').then(({ runCli }) => runCli(process.argv));
}
