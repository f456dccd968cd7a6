/**
 * A tiny fitted poisson run on disk for the scoring CLI and API tests of families other than bernoulli:
 * `y ~ x + (1 | store)` on 90 simulated rows (3 stores; y ~ Poisson(e^{0.5 + 0.4 x + r_store})), 2 chains × 60 draws
 * after 100 warm-up iterations on the reference backend (about a second), written as `nutmeg fit --out` writes it,
 * with the training rows as CSV beside it.
 */
import { mkdtemp } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { categoricalColumn, frameFromColumns, numericColumn } from '../../src/data/frame-build.js';
import { fitModel } from '../../src/fit/fit.js';
import { runMeta, writeRun } from '../../src/io/run-dir.js';
import { Rng } from '../../src/rng.js';

export const STORES = ['north', 'south', 'east'];
const EFFECTS = [-0.3, 0.1, 0.4];

export interface FamilyRun {
  readonly root: string;
  readonly dir: string;
  readonly csv: string;
}

export async function poissonRun(): Promise<FamilyRun> {
  const root = await mkdtemp(path.join(tmpdir(), 'nutmeg-poisson-run-'));
  const rng = new Rng(11, 0);
  const n = 90;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const store = new Uint32Array(n);
  const lines = ['y,x,store'];
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    store[i] = i % 3;
    const mu = Math.exp(0.5 + 0.4 * x[i] + EFFECTS[store[i]]);
    // Poisson by counting unit-rate exponential arrivals before mu
    let k = 0;
    for (let t = rng.exponential(); t < mu; t += rng.exponential()) k++;
    y[i] = k;
    lines.push(`${k},${x[i]},${STORES[store[i]]}`);
  }
  const csv = path.join(root, 'train.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
  const frame = frameFromColumns([numericColumn('y', y), numericColumn('x', x), categoricalColumn('store', store, STORES)], csv);
  const fit = await fitModel(frame, 'y ~ x + (1 | store)', { family: 'poisson', backend: 'reference', chains: 2, warmup: 100, draws: 60, seed: 3 });
  const dir = path.join(root, 'run');
  try {
    writeRun(dir, fit, runMeta(fit, { source: csv, seed: null, rows: n }, 'test'));
  } finally {
    await fit.dispose();
  }
  return { root, dir, csv };
}
