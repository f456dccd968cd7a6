#!/usr/bin/env node
/**
 * Writes the CLI bundle's code cache (scripts/build-node.mjs runs it; bin/cli-bundle.js reads it): in this fresh
 * process, under the CLI's V8 flags (the cache is only valid under the flags it was made with), it compiles
 * DIR/cli.cjs without a cache, runs small fits through it (a logistic regression with three predictors and a
 * varying-intercept binomial model, simulated here, 4 chains × 150 + 150), and saves V8's cached data of the script,
 * which then holds the bytecode of every function those runs compiled: reading the data, building the model, the
 * backend, the sampler, the summary and the table.
 *
 *   node scripts/cli-code-cache.mjs DIR
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyCliV8Flags, CACHE_NAME, loadCliBundle } from '../bin/cli-bundle.js';

applyCliV8Flags();
const dir = process.argv[2];
const { exports: cli, script } = loadCliBundle(dir, { useCache: false });

/** Rows of a simulated data set: three standard-normal-ish predictors, 8 groups, a 0/1 outcome and a count of 5. */
function csvText(rows) {
  let state = 12345;
  const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const normal = () => uniform() + uniform() + uniform() - 1.5;
  const lines = ['x1,x2,x3,g,y,k,n'];
  for (let i = 0; i < rows; i++) {
    const [x1, x2, x3] = [normal(), normal(), normal()];
    const g = i % 8;
    const p = 1 / (1 + Math.exp(-(-0.5 + 0.8 * x1 - 0.4 * x2 + 0.1 * (g - 4))));
    let k = 0;
    for (let t = 0; t < 5; t++) k += uniform() < p ? 1 : 0;
    lines.push(`${x1.toFixed(3)},${x2.toFixed(3)},${x3.toFixed(3)},g${g},${uniform() < p ? 1 : 0},${k},5`);
  }
  return lines.join('\n') + '\n';
}

const scratch = mkdtempSync(join(tmpdir(), 'nutmeg-code-cache-'));
try {
  const data = join(scratch, 'data.csv');
  writeFileSync(data, csvText(400));
  const settings = ['--chains', '4', '--warmup', '150', '--draws', '150', '--seed', '1', '--quiet'];
  for (const formula of ['y ~ x1 + x2 + x3', 'k | trials(n) ~ x1 + (1 | g)']) {
    const code = await cli.main(['node', 'nutmeg', 'fit', '--data', data, '--formula', formula, ...settings]);
    if (code !== 0) throw new Error(`nutmeg fit --formula "${formula}" exited with ${code}`);
  }
  writeFileSync(join(dir, CACHE_NAME), script.createCachedData());
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
