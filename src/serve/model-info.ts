/**
 * GET /model: what the served model is (formula, family, data it was fitted to, draws), what a row must carry, and
 * how the fit went — the posterior summary of the fixed effects and group standard deviations, the sampler checks
 * (divergences, tree depth, E-BFMI) and the plain-language warnings of `nutmeg fit`. Computed once at start-up.
 */
import type { ColumnUse } from '../decision/scoring.js';
import type { ProbabilityThresholds } from '../decision/policy.js';
import { convergenceWarnings, samplerDiagnostics, samplerWarnings, type SamplerDiagnostics } from '../diagnostics/sampler-checks.js';
import { summarizeDraws, type SummaryRow } from '../diagnostics/summary.js';
import type { LoadedRun } from '../io/run-dir.js';

export interface ModelInfo {
  readonly formula: string;
  readonly family: string;
  readonly outcome: string;
  readonly data: LoadedRun['meta']['data'];
  readonly created: string;
  readonly chains: number;
  readonly draws_per_chain: number;
  readonly treatment: string | null;
  readonly inputs: { readonly name: string; readonly kind: ColumnUse['kind']; readonly levels?: readonly string[] }[];
  readonly decision: { readonly target_prob: number; readonly test_prob: number; readonly interval: readonly [number, number] };
  readonly summary: SummaryRow[];
  readonly sampler: SamplerDiagnostics | null;
  readonly warnings: string[];
}

export function modelInfo(
  run: LoadedRun,
  inputs: ReadonlyMap<string, ColumnUse>,
  treatment: string | null,
  thresholds: ProbabilityThresholds,
  interval: readonly [number, number],
): ModelInfo {
  const { meta, draws, stats } = run;
  const summary = summarizeDraws(draws, { variables: ['b_', 'sd_'] });
  const sampler = stats ? samplerDiagnostics(stats, meta.settings.maxTreeDepth) : null;
  const warnings = [...summary.warnings, ...(sampler ? samplerWarnings(sampler) : []), ...convergenceWarnings(summary.rows, draws.nChains)];
  return {
    formula: meta.formula,
    family: meta.family,
    outcome: meta.recipe.outcome,
    data: meta.data,
    created: meta.created,
    chains: draws.nChains,
    draws_per_chain: draws.nDraws,
    treatment,
    inputs: [...inputs].map(([name, use]) => (use.kind === 'numeric' ? { name, kind: use.kind } : { name, kind: use.kind, levels: use.levels })),
    decision: { target_prob: thresholds.target, test_prob: thresholds.test, interval },
    summary: summary.rows,
    sampler,
    warnings: warnings.map((w) => w.message),
  };
}
