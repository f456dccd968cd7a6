/**
 * The model report (src/report/model-report.ts) written as one HTML page: for `nutmeg fit --report FILE` from the
 * fit still in memory (PSIS-LOO from the fit's backend), for `nutmeg report RUN_DIR` from a run on disk (the model
 * rebuilt from fit.json and its data). The posterior predictive check is drawn here from the draws, seeded.
 */
import { modelReportSections } from '../report/model-report.js';
import { posteriorPredictiveCheck } from '../decision/ppc.js';
import type { SummaryRow } from '../diagnostics/summary.js';
import type { DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import type { LooResult } from '../loo/loo.js';
import type { ModelSpec } from '../model/spec.js';
import { writeReport } from '../report/html.js';

/** Replicated data sets drawn whole for the y-against-y_rep plot. */
const PLOTTED_REPLICATES = 20;

export interface ModelReportFile {
  readonly spec: ModelSpec;
  readonly draws: DrawSet;
  readonly summary: readonly SummaryRow[];
  readonly warnings: readonly string[];
  readonly source: string;
  /** Seed of the replicated data sets. */
  readonly seed: number;
  /** A command printing every level once `--vars <families>` is appended (named under a capped forest plot). */
  readonly effectsWhere: string;
  /** PSIS-LOO of the model; a failure is reported on the page, not thrown. */
  readonly loo: () => Promise<LooResult>;
}

/** Writes the page to `path`; `flag` names the option in a write error (--report, --out). */
export async function writeModelReport(path: string, input: ModelReportFile, flag: string): Promise<void> {
  const { spec, draws } = input;
  const ppc = posteriorPredictiveCheck(spec, draws, { seed: input.seed, keepReplicates: PLOTTED_REPLICATES });
  let loo: LooResult | string;
  try {
    loo = await input.loo();
  } catch (e) {
    loo = e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  const sections = modelReportSections({ spec, draws, summary: input.summary, warnings: input.warnings, ppc, loo, source: input.source, effectsWhere: input.effectsWhere });
  try {
    await writeReport(path, sections, { title: `nutmeg: ${spec.family} model of ${spec.outcome}`, subtitle: spec.formula });
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${flag} ${path}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)}); check that the folder is writable`);
  }
}
