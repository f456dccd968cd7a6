/**
 * PSIS-LOO of a fit on disk (RUN_DIR as `nutmeg fit --out` writes it): the model is rebuilt from fit.json and its
 * data source, and a backend built on the model's likelihood (every term centered: src/model/likelihood-spec.ts)
 * computes the pointwise log-likelihood from the constrained draws block by block for PSIS, each block staging only
 * the coordinates its rows read.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDensityRunMeta, type DensityRunMeta } from '../io/density-run.js';
import { looOfLogLikCsv } from './from-file.js';
import type { BackendChoice } from '../backend/select.js';
import { createBackend } from '../backend/select.js';
import { UserError } from '../errors.js';
import { loadLikelihoodRun, refuseFailedWrite } from '../io/run-dir.js';
import type { FitLooOptions } from './fit-loo.js';
import { psisLooStream, type LooResult } from './loo.js';
import { blocksFromBackend } from './backend-blocks.js';
import { likelihoodDrawSource } from './likelihood-draws.js';
import { likelihoodSources, likelihoodSpec } from '../model/likelihood-spec.js';
import type { DrawSet } from '../draws.js';
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
    return null; // loadLikelihoodRun says what is wrong with it
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
  // the constrained draws the likelihood reads (no copy in the sampler's coordinates: issue 16)
  const run = loadLikelihoodRun(dir);
  options.onSpec?.(run.model.spec);
  return looOfRebuiltRun(run, options);
}

/** Draws per pointwise call: 256, fewer for a long parameter vector (staging of 2²² values, 32 MB: 41 draws of a 10⁵-level run). */
function drawsPerCall(dim: number, asked: number | undefined): number {
  return asked ?? Math.min(256, Math.max(16, Math.floor(2 ** 22 / Math.max(1, dim))));
}

/**
 * PSIS-LOO of a run already loaded (loadLikelihoodRun, rebuildRun): its constrained draws through a backend made for
 * its likelihood (src/model/likelihood-spec.ts), block by block, each block reading only its rows' coordinates.
 */
export async function looOfRebuiltRun(run: { readonly model: { readonly spec: ModelSpec }; readonly draws: DrawSet }, options: RunLooOptions = {}): Promise<LooResult> {
  const lik = likelihoodSpec(run.model.spec);
  const sources = likelihoodSources(lik, run.draws.names, (name) => {
    throw new UserError(`the run's draws have no column for ${name}; was the run written by another model?`);
  });
  const maxDraws = drawsPerCall(lik.dim, options.maxDrawsPerCall);
  const backend = await createBackend(options.backend ?? 'auto', lik, { maxChains: 1, maxDraws, threads: options.threads }, options.log);
  try {
    const { nChains, nDraws } = run.draws;
    const chainOfDraw = new Uint32Array(nChains * nDraws);
    for (let c = 0; c < nChains; c++) chainOfDraw.fill(c, c * nDraws, (c + 1) * nDraws);
    const source = likelihoodDrawSource(lik, run.draws, sources, maxDraws);
    const blocks = blocksFromBackend(backend, source, nChains * nDraws, options.blockRows ?? 256, { maxDrawsPerCall: maxDraws });
    return await psisLooStream(lik.n, chainOfDraw.length, chainOfDraw, blocks, options);
  } finally {
    await backend.dispose();
  }
}
