/**
 * `fitClv`: the customer-lifetime-value analysis of raw transactions (issue 19): the RFM summary (rfm.ts), the Bayesian
 * BG/NBD + Gamma-Gamma model (src/model/clv/) fitted by NUTS through the density-model framework, the sampler and
 * convergence checks, and the per-customer predictions over the horizon with the holdout check (predictions.ts).
 * Orchestration only; the CLI (src/cli/clv.ts) and the API (src/index.ts) both call it.
 */
import type { Frame } from '../../data/frame.js';
import { convergenceWarnings, samplerDiagnostics, samplerWarnings } from '../../diagnostics/sampler-checks.js';
import { summarizeDraws, type SummaryRow } from '../../diagnostics/summary.js';
import { UserError } from '../../errors.js';
import { fitDensityModel, type DensityFit } from '../../fit/density-fit.js';
import { clvDensityModel, defaultClvPriors, meanRepeatSpend, type ClvPriors } from '../../model/clv/clv-model.js';
import type { SamplerProgress } from '../../sampler/progress.js';
import { clvPredictions, type ClvPredictions } from './predictions.js';
import { rfmSummary, type RfmSummary, type TransactionColumns } from './rfm.js';

export interface ClvOptions extends TransactionColumns {
  /** Weeks ahead to predict purchases and value for (default 52). */
  readonly horizonWeeks?: number;
  /** Weeks at the end of the data held out for the calibration check (default 0: none). */
  readonly holdoutWeeks?: number;
  readonly chains?: number;
  readonly warmup?: number;
  readonly draws?: number;
  readonly seed?: number;
  /** Target acceptance statistic of the step-size adaptation (default 0.8). */
  readonly targetAccept?: number;
  /** Default: defaultClvPriors(mean repeat spend of the calibration data). */
  readonly priors?: ClvPriors;
  /** Keep the pointwise log-likelihood of every customer and draw (for LOO; customers × draws doubles). Default false. */
  readonly logLik?: boolean;
  /** Draws used for the per-customer predictions (default 1000). */
  readonly predictionDraws?: number;
  readonly onProgress?: (progress: SamplerProgress) => void;
  readonly signal?: AbortSignal;
}

export interface ClvResult {
  readonly rfm: RfmSummary;
  readonly priors: ClvPriors;
  readonly fit: DensityFit;
  /** Posterior summary of the parameters and the population summaries. */
  readonly summary: SummaryRow[];
  readonly predictions: ClvPredictions;
  /** One line each: sampler and convergence problems, data notes. */
  readonly warnings: string[];
}

export const CLV_DEFAULTS = { horizonWeeks: 52, holdoutWeeks: 0, chains: 4, warmup: 1000, draws: 1000, seed: 1 } as const;

export async function fitClv(frame: Frame, options: ClvOptions): Promise<ClvResult> {
  const o = { ...CLV_DEFAULTS, ...options };
  if (!(o.horizonWeeks > 0)) throw new UserError(`horizon ${o.horizonWeeks} weeks: give a positive horizon, such as 52w`);
  const rfm = rfmSummary(frame, options, { holdoutWeeks: o.holdoutWeeks });
  const warnings: string[] = [];
  if (rfm.leftOut > 0) warnings.push(`${rfm.leftOut} customers first bought after the calibration period (${rfm.calibrationEnd}) and are left out of the model`);
  let repeaters = 0;
  for (let i = 0; i < rfm.data.n; i++) if (rfm.data.frequency[i] > 0) repeaters++;
  if (repeaters === 0) throw new UserError(`${frame.source}: no customer bought twice in the calibration period (to ${rfm.calibrationEnd}); the purchase and spend models need repeat purchases`);
  const priors = o.priors ?? defaultClvPriors(meanRepeatSpend(rfm.data));
  const model = clvDensityModel(rfm.data, priors, { logLik: o.logLik ?? false });
  const fit = await fitDensityModel(model, {
    chains: o.chains,
    warmup: o.warmup,
    draws: o.draws,
    seed: o.seed,
    targetAccept: o.targetAccept,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  const { rows } = summarizeDraws(fit.draws);
  for (const w of samplerWarnings(samplerDiagnostics(fit.stats))) warnings.push(w.message);
  for (const w of convergenceWarnings(rows, fit.draws.nChains)) warnings.push(w.message);
  const predictions = clvPredictions(rfm.data, fit.draws, {
    horizonWeeks: o.horizonWeeks,
    holdout: rfm.holdout,
    maxDraws: o.predictionDraws,
  });
  return { rfm, priors, fit, summary: rows, predictions, warnings };
}
