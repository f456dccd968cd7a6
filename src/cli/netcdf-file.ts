/**
 * `nutmeg fit --netcdf FILE [--save-loglik]`: the fit still in memory written as ArviZ InferenceData
 * (src/io/inference-data.ts), with the pointwise log-likelihood computed by the fit's backend block by block when
 * asked for. Loaded only when --netcdf is given, so h5wasm is not loaded by other runs.
 */
import type { SummaryRow } from '../diagnostics/summary.js';
import { UserError } from '../errors.js';
import type { Fit } from '../fit/fit.js';
import { inferenceDataFile, type InferenceDataEffects } from '../io/inference-data.js';
import { writeNetcdf4 } from '../io/netcdf4.js';
import { systemReason } from '../io/out-target.js';
import { fitLogLikBlocks } from '../loo/fit-loo.js';

export interface FitNetcdfOptions {
  readonly effects: InferenceDataEffects;
  readonly effectsSummary: readonly SummaryRow[];
  /** Add the log_likelihood group. */
  readonly logLik: boolean;
  readonly nutmegVersion: string;
}

/** Draws × observations per log-likelihood block at most (~4 MB). */
const LOGLIK_BLOCK_VALUES = 1 << 19;

/** Writes the file; returns the names of the groups written. A failure is a UserError naming the file and why. */
export async function writeFitNetcdf(path: string, fit: Fit, options: FitNetcdfOptions): Promise<string[]> {
  const s = fit.sample;
  const draws = s.nChains * s.nDraws;
  const logLik = options.logLik ? fitLogLikBlocks(fit, Math.max(1, Math.floor(LOGLIK_BLOCK_VALUES / Math.max(1, draws)))).blocks : undefined;
  const file = inferenceDataFile({
    spec: fit.model.spec,
    draws: fit.draws,
    stats: fit.stats,
    effects: options.effects,
    effectsSummary: options.effectsSummary,
    logLik,
    nutmegVersion: options.nutmegVersion,
    samplingSeconds: s.timing.warmupSeconds + s.timing.samplingSeconds,
    tuningSteps: s.settings.warmup,
  });
  try {
    await writeNetcdf4(path, file, `nutmeg=${options.nutmegVersion}`);
  } catch (e) {
    throw new UserError(`--netcdf ${path}: writing the NetCDF file failed (${systemReason(e)}); nothing was written there`);
  }
  return file.groups.map((g) => g.name);
}
