/**
 * A small fitted run on disk for the scoring and API tests: the hierarchical Hillstrom model on 2,000 simulated rows
 * (seed 1), 2 chains × 150 draws after 150 warm-up iterations (native backend where the addon is built, else reference),
 * written by writeRun as `nutmeg fit --out` writes it, with the simulated rows as CSV beside it for `--data`.
 * Version 2: the recipe records how treatment, recency_z and history_z are derived (src/model/derived.ts).
 * Made once per machine and settings: test files running in parallel share it (built in a private directory, then
 * renamed into place; whoever renames first wins).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadNativeAddon } from '../../src/backend/native.js';
import { writeCsv } from '../../src/data/csv-write.js';
import { builtinDataset } from '../../src/data/datasets.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS } from '../../src/data/hillstrom.js';
import { fitModel } from '../../src/fit/fit.js';
import { runMeta, writeRun } from '../../src/io/run-dir.js';

export const FIXTURE_ROWS = 2000;
const SETTINGS = { chains: 2, warmup: 150, draws: 150, seed: 1 } as const;
const VERSION = 2;

export interface RunFixture {
  /** RUN_DIR. */
  readonly dir: string;
  /** The training rows as CSV (Hillstrom schema plus treatment, recency_z, history_z). */
  readonly csv: string;
}

function paths(root: string): RunFixture {
  return { dir: path.join(root, 'run'), csv: path.join(root, 'customers.csv') };
}

export async function runFixture(): Promise<RunFixture> {
  const root = path.join(tmpdir(), `nutmeg-test-run-v${VERSION}-${FIXTURE_ROWS}-${SETTINGS.draws}`);
  if (existsSync(path.join(paths(root).dir, 'fit.json'))) return paths(root);
  const work = await mkdtemp(path.join(tmpdir(), 'nutmeg-run-'));
  const { frame } = builtinDataset('hillstrom', SETTINGS.seed, FIXTURE_ROWS);
  const fit = await fitModel(frame, HILLSTROM_FORMULAS.hierarchical, { priors: HILLSTROM_PRIORS.hierarchical, backend: loadNativeAddon() ? 'native' : 'reference', ...SETTINGS });
  try {
    const mine = paths(work);
    writeRun(mine.dir, fit, runMeta(fit, { source: 'sim:hillstrom', seed: SETTINGS.seed, rows: FIXTURE_ROWS }, 'test'));
    writeCsv(frame, mine.csv);
  } finally {
    await fit.dispose();
  }
  try {
    await rename(work, root);
  } catch {
    // another test file made it first
    await rm(work, { recursive: true, force: true });
  }
  return paths(root);
}
