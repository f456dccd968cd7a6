/**
 * What the playground shows of a fit beyond its summary table, built in the Web Worker (which holds the model's data
 * and the draws) as report sections (src/report/html.ts: text, tables, Vega-Lite specs) with the builders the CLI's
 * reports use: trace and rank plots per chain of the main parameters (src/report/plots/chains.ts, as the model
 * report's sampler section), a forest plot of the population-level effects (src/report/plots/intervals.ts), the
 * posterior predictive check (src/decision/ppc.ts presented by the model report's ppcSection), the fit's PSIS-LOO
 * tables (src/report/loo-tables.ts) and the comparison of the session's fits (loo-tables.ts's comparisonTable of
 * src/loo/compare.ts). The page renders the specs to SVG, loading Vega only then.
 */
import { mainParameterDraws } from '../analyses/fit-figures.js';
import { ppcSection } from '../report/model-report.js';
import { posteriorPredictiveCheck } from '../decision/ppc.js';
import type { SummaryRow } from '../diagnostics/summary.js';
import type { DrawSet } from '../draws.js';
import { compareModels, type NamedLoo } from '../loo/compare.js';
import type { LooResult } from '../loo/loo.js';
import type { ModelSpec } from '../model/spec.js';
import type { ReportSection } from '../report/section.js';
import { comparisonTable, looTables } from '../report/loo-tables.js';
import { rankSpec, traceSpec } from '../report/plots/chains.js';
import { forestSpec } from '../report/plots/intervals.js';

/** Replicated data sets kept whole for the PPC's overlay of y and y_rep (as the CLI's model report). */
const PLOTTED_REPLICATES = 20;

/** Trace and rank plots, one colour per chain, of the first main parameters (b_*, sd_*, sigma/shape). */
export function samplerSection(draws: DrawSet): ReportSection {
  const { chains, total } = mainParameterDraws(draws);
  return {
    title: 'Chains',
    text: total > chains.names.length ? `Plots show the first ${chains.names.length} of ${total} parameters.` : '',
    tables: [],
    plots: chains.names.length > 0 ? [traceSpec(chains, chains.names), rankSpec(chains, chains.names)] : [],
  };
}

/** The population-level effects (b_*, intercept left out: it sits on another scale) with their 5%–95% intervals. */
export function populationForestSection(summary: readonly SummaryRow[]): ReportSection {
  const rows = summary
    .filter((r) => r.variable.startsWith('b_') && !r.variable.includes('[') && r.variable !== 'b_Intercept')
    .filter((r) => r.mean !== null && r.q5 !== null && r.q95 !== null)
    .map((r) => ({ label: r.variable, mean: r.mean!, low: r.q5!, high: r.q95! }));
  return {
    title: 'Population-level effects',
    text: rows.length > 0 ? '' : 'The model has no population-level effect besides the intercept.',
    tables: [],
    plots: rows.length > 0 ? [forestSpec(rows, 'Population-level effects', '5%–95%', 'coefficient (link scale)')] : [],
  };
}

/** The posterior predictive check of the fit, replicated with `seed`. */
export function ppcSectionOf(spec: ModelSpec, draws: DrawSet, seed: number): ReportSection {
  return ppcSection(spec, posteriorPredictiveCheck(spec, draws, { seed, keepReplicates: PLOTTED_REPLICATES }));
}

/** The fit's PSIS-LOO, or why it was not computed. */
export function looSection(loo: LooResult | string): ReportSection {
  if (typeof loo === 'string') return { title: 'PSIS-LOO', text: `Not computed: ${loo}`, tables: [] };
  return { title: 'PSIS-LOO', text: loo.warnings.join('\n\n'), tables: looTables(loo) };
}

/** loo_compare of the session's fits (best first), or why they cannot be compared; null before a second fit. */
export function comparisonSection(fits: readonly NamedLoo[]): ReportSection | null {
  if (fits.length < 2) return null;
  const title = 'Fits of this session compared';
  try {
    return { title, text: '', tables: [comparisonTable(compareModels(fits).rows)] };
  } catch (e) {
    return { title, text: `Not compared: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, tables: [] };
  }
}
