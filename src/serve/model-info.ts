/**
 * GET /model: what the served model is (formula, family, data it was fitted to, draws), what a row must carry (and
 * which derived columns it may send instead of their sources), and
 * how the fit went — the posterior summary of the fixed effects and group standard deviations, the sampler checks
 * (divergences, tree depth, E-BFMI) and the plain-language warnings of `nutmeg fit`. Computed once at start-up.
 */
import { DEFAULT_NEW_LEVELS, NEW_LEVEL_MODES, type NewLevelMode } from '../decision/new-levels.js';
import type { ColumnUse } from '../decision/scoring-columns.js';
import type { ScoreMeasure } from '../decision/scoring.js';
import type { ProbabilityThresholds } from '../decision/policy.js';
import { convergenceWarnings, samplerDiagnostics, samplerWarnings, type SamplerDiagnostics } from '../diagnostics/sampler-checks.js';
import { summarizeDraws, type SummaryRow } from '../diagnostics/summary.js';
import type { LoadedRun } from '../io/run-dir.js';
import { describeDerivation } from '../model/derived.js';
import type { RequestInputs } from './inputs.js';

/**
 * A factor input lists its levels up to this many; past it, GET /model gives their count (n_levels) instead, so a
 * 10⁵-level grouping factor does not make the description megabytes long (issue 16 item 5).
 */
export const MODEL_LEVELS_LISTED = 1000;

export interface ModelInfo {
  readonly formula: string;
  readonly family: string;
  readonly outcome: string;
  readonly data: LoadedRun['meta']['data'];
  readonly created: string;
  readonly chains: number;
  readonly draws_per_chain: number;
  readonly treatment: string | null;
  /** The fields of a row (raw columns: a derived column's sources rather than the column). */
  readonly inputs: { readonly name: string; readonly kind: ColumnUse['kind']; readonly levels?: readonly string[]; readonly n_levels?: number }[];
  /** Derived columns, computed from `from` with the training constants; a row may send one instead of its sources. */
  readonly derived: { readonly name: string; readonly from: readonly string[]; readonly computed_as: string }[];
  readonly decision: { readonly target_prob: number; readonly test_prob: number; readonly interval: readonly [number, number] };
  /**
   * What POST /score gives per row: 'probability' (p_convert_* fields: bernoulli, binomial) or 'expected' (expected_*:
   * the other families); the `new_levels` modes a body may ask for, and the default.
   */
  readonly scores: { readonly measure: ScoreMeasure; readonly new_levels: readonly NewLevelMode[]; readonly new_levels_default: NewLevelMode };
  readonly summary: SummaryRow[];
  readonly sampler: SamplerDiagnostics | null;
  readonly warnings: string[];
}

export function modelInfo(
  run: LoadedRun,
  inputs: RequestInputs,
  treatment: string | null,
  thresholds: ProbabilityThresholds,
  interval: readonly [number, number],
): ModelInfo {
  const { meta, draws, stats } = run;
  // a model without varying terms has no sd_ variables (asking for them would be an error)
  const summary = summarizeDraws(draws, { variables: ['b_', 'sd_'].filter((p) => draws.names.some((n) => n.startsWith(p))) });
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
    inputs: [...inputs.raw].map(([name, use]) =>
      use.kind === 'numeric'
        ? { name, kind: use.kind }
        : use.levels.length > MODEL_LEVELS_LISTED
          ? { name, kind: use.kind, n_levels: use.levels.length }
          : { name, kind: use.kind, levels: use.levels },
    ),
    derived: inputs.derived.map(({ column, sources }) => ({ name: column.name, from: [...sources.keys()], computed_as: describeDerivation(column) })),
    decision: { target_prob: thresholds.target, test_prob: thresholds.test, interval },
    scores: {
      measure: meta.family === 'bernoulli' || meta.family === 'binomial' ? 'probability' : 'expected',
      new_levels: NEW_LEVEL_MODES,
      new_levels_default: DEFAULT_NEW_LEVELS,
    },
    summary: summary.rows,
    sampler,
    warnings: warnings.map((w) => w.message),
  };
}
