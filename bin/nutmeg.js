#!/usr/bin/env node
// The CLI bundle (dist/node/, scripts/build-node.mjs: a few files per command, loaded in ~0.1 s less CPU than tsc's
// modules) when it was built after tsc's dist/cli/main.js; otherwise tsc's modules, so that a `tsc` run alone is
// never shadowed by an older bundle.
import { statSync } from 'node:fs';

const modified = (path) => statSync(new URL(path, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundle = modified('../dist/node/main.js');
const { runCli } = await import(bundle >= 0 && bundle >= modified('../dist/cli/main.js') ? '../dist/node/main.js' : '../dist/cli/main.js');

runCli(process.argv);
