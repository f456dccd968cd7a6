/**
 * `nutmeg fit --report FILE`: the model report (src/analyses/model-report.ts) of a fit still in memory — its posterior
 * predictive check from the draws, its PSIS-LOO from the fit's backend — written as one HTML page.
 */
import { modelReportSections } from '../analyses/model-report.js';
import { posteriorPredictiveCheck } from '../decision/ppc.js';
import type { SummaryRow } from '../diagnostics/summary.js';
import { UserError } from '../errors.js';
import type { Fit } from '../fit/fit.js';
import { looOfFit } from '../loo/fit-loo.js';
import type { LooResult } from '../loo/loo.js';
import { writeReport } from '../report/html.js';

/** Replicated data sets drawn whole for the y-against-y_rep plot. */
const PLOTTED_REPLICATES = 20;

export interface FitReportInput {
  readonly summary: readonly SummaryRow[];
  readonly warnings: readonly string[];
  readonly source: string;
  readonly seed: number;
}

export async function writeFitReport(path: string, fit: Fit, input: FitReportInput): Promise<void> {
  const { spec } = fit.model;
  const ppc = posteriorPredictiveCheck(spec, fit.draws, { seed: input.seed, keepReplicates: PLOTTED_REPLICATES });
  let loo: LooResult | string;
  try {
    loo = await looOfFit(fit);
  } catch (e) {
    loo = e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  const sections = modelReportSections({ spec, draws: fit.draws, summary: input.summary, warnings: input.warnings, ppc, loo, source: input.source });
  try {
    await writeReport(path, sections, { title: `nutmeg: ${spec.family} model of ${spec.outcome}`, subtitle: spec.formula });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--report ${path}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)}); check that the folder is writable`);
  }
}
