/**
 * PSIS-LOO of a fit on disk (RUN_DIR as `nutmeg fit --out` writes it): the model is rebuilt from fit.json and its
 * data source, the draws are mapped back to the unconstrained scale (src/io/run-dir.ts), and a backend computes the
 * pointwise log-likelihood block by block for PSIS (looOfFit).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDensityRunMeta, type DensityRunMeta } from '../io/density-run.js';
import { looOfLogLikCsv } from './from-file.js';
import type { BackendChoice } from '../backend/select.js';
import { createBackend } from '../backend/select.js';
import { UserError } from '../errors.js';
import { rebuildUnconstrained, refuseFailedWrite, type UnconstrainedRun } from '../io/run-dir.js';
import { type FitLooOptions, looOfFit } from './fit-loo.js';
import type { LooResult } from './loo.js';
import type { ModelSpec } from '../model/spec.js';

export interface RunLooOptions extends FitLooOptions {
  /** Backend for the pointwise log-likelihood. Default 'auto'. */
  readonly backend?: BackendChoice;
  readonly threads?: number;
  /** One-line notices (backend fallbacks). */
  readonly log?: (line: string) => void;
  /** Called with the rebuilt model before any log-likelihood is computed (compare checks the outcomes there). */
  readonly onSpec?: (spec: ModelSpec) => void;
}

/** The fit.json of a density model's run (nutmeg its …), whose pointwise log-likelihood is saved; else null. */
function densityRunOf(dir: string): DensityRunMeta | null {
  const path = join(dir, 'fit.json');
  if (!existsSync(path)) return null;
  let meta: unknown;
  try {
    meta = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null; // rebuildUnconstrained says what is wrong with it
  }
  return isDensityRunMeta(meta) ? meta : null;
}

export async function looOfRun(dir: string, options: RunLooOptions = {}): Promise<LooResult> {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new UserError(`${dir}: no such file or directory; give a fit's output directory (nutmeg fit --out DIR)`);
  }
  if (!isDir) throw new UserError(`${dir} is not a directory; to read a log-likelihood CSV use --loglik ${dir}`);
  const density = densityRunOf(dir);
  if (density !== null) {
    refuseFailedWrite(dir, density);
    if (density.logLik === undefined) throw new UserError(`${dir}: a '${density.model.kind}' run without observations has no log-likelihood for LOO`);
    return looOfLogLikCsv(join(dir, density.logLik.file), options);
  }
  // the draws in the sampler's coordinates only: the constrained ones are not kept beside them (issue 16)
  const run = rebuildUnconstrained(dir);
  options.onSpec?.(run.model.spec);
  return looOfRebuiltRun(run, options);
}

/** PSIS-LOO of a run already rebuilt (rebuildRun, rebuildUnconstrained): its unconstrained draws through a backend made for its model. */
export async function looOfRebuiltRun(run: UnconstrainedRun, options: RunLooOptions = {}): Promise<LooResult> {
  const { spec } = run.model;
  const maxDraws = options.maxDrawsPerCall ?? 256;
  const backend = await createBackend(
    options.backend ?? 'auto',
    spec,
    { maxChains: 1, maxDraws, threads: options.threads },
    options.log,
  );
  try {
    const sample = {
      nChains: run.unconstrained.length,
      nDraws: run.nDraws,
      dim: spec.dim,
      draws: run.unconstrained,
    };
    return await looOfFit({ backend, sample }, { ...options, maxDrawsPerCall: maxDraws });
  } finally {
    await backend.dispose();
  }
}
