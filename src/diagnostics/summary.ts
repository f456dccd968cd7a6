/**
 * The posterior summary: per variable the mean, median, sd, MAD, 5% and 95% quantiles, R-hat, bulk- and tail-ESS,
 * MCSEs of the mean, sd and both quantiles, and the HDI — every number as R posterior 1.4's `summarise_draws`
 * computes it (and the HDI as ArviZ's). Draws shared by several statistics (sorted, folded, rank-normalized) are
 * computed once per variable.
 */
import type { DrawSet } from '../draws.js';
import { UserError } from '../errors.js';
import { toBracketName } from '../io/variable-names.js';
import type { ChainDraws } from './chains.js';
import { allFinite, splitLength, splitSortedDraws, variableChains } from './chains.js';
import { essMean, essOfChains, essQuantile } from './ess.js';
import { sortFolded } from './fold.js';
import { DEFAULT_HDI_PROB, hdi } from './hdi.js';
import { mcseQuantile, mcseSd } from './mcse.js';
import { mean, variance } from './moments.js';
import { madFromSortedDeviations, medianSorted, quantileSorted } from '../numeric/quantile.js';
import { rankNormalizedRhat } from './rank-normalize.js';
import type { SortedDraws } from './sort.js';
import { sortDraws } from './sort.js';
import type { WorkSlot } from './workspace.js';
import { DiagnosticsWorkspace, float64Slot, uint32Slot } from './workspace.js';

/** One variable's summary; the JSON form of `nutmeg summary` is an array of these. Null where R gives NA. */
export interface SummaryRow {
  variable: string;
  mean: number | null;
  median: number | null;
  sd: number | null;
  mad: number | null;
  q5: number | null;
  q95: number | null;
  rhat: number | null;
  ess_bulk: number | null;
  ess_tail: number | null;
  mcse_mean: number | null;
  mcse_sd: number | null;
  mcse_q5: number | null;
  mcse_q95: number | null;
  hdi_low: number | null;
  hdi_high: number | null;
}

export interface DiagnosticWarning {
  /** What kind of problem: a short stable tag (nonfinite, divergences, treedepth, ebfmi, rhat, ess). */
  readonly code: string;
  /** One plain-language sentence: what was found and what to try. */
  readonly message: string;
}

export interface Summary {
  readonly rows: SummaryRow[];
  readonly warnings: DiagnosticWarning[];
}

export interface SummaryOptions {
  /** Exact names or prefixes (`b_`, `r_history_segment__treatment`); all variables when absent or empty. */
  readonly variables?: readonly string[];
  /** Probability of the HDI (default 0.94). */
  readonly hdiProb?: number;
  /**
   * Whether to compute mcse_q5 and mcse_q95 (default true); false leaves them null, for a caller that shows neither
   * (their Beta quantiles are the summary's slowest code to run cold: ~10–20 ms of CPU for a fresh process's first
   * few variables, issue 16 item 6).
   */
  readonly quantileMcse?: boolean;
}

function emptyRow(variable: string): SummaryRow {
  return {
    variable, mean: null, median: null, sd: null, mad: null, q5: null, q95: null, rhat: null, ess_bulk: null,
    ess_tail: null, mcse_mean: null, mcse_sd: null, mcse_q5: null, mcse_q95: null, hdi_low: null, hdi_high: null,
  };
}

/** `summarizeVariable`'s own work arrays: the sorted draws, the sorted folded draws (values and orders) and the
 * rank-normalized split draws. */
const SORTED: WorkSlot<Float64Array> = float64Slot('summary sorted draws');
const ORDER: WorkSlot<Uint32Array> = uint32Slot('summary order');
const FOLDED: WorkSlot<Float64Array> = float64Slot('summary sorted folded draws');
const FOLDED_ORDER: WorkSlot<Uint32Array> = uint32Slot('summary folded order');
const BULK: WorkSlot<Float64Array> = float64Slot('summary bulk draws');

/**
 * The summary of one variable's draws (all statistics null when any draw is NaN or infinite). The draws are sorted
 * once; the sorted draws give the quantiles, the HDI and (merged from both ends) the sorted folded draws, and the
 * two orders give the bulk and folded R-hats and the bulk draws without sorting again. `ws` holds the work arrays:
 * one workspace serves all the variables of a summary (made once per summary, or per worker thread).
 */
export function summarizeVariable(
  variable: string,
  x: ChainDraws,
  ws: DiagnosticsWorkspace,
  hdiProb: number = DEFAULT_HDI_PROB,
  quantileMcse = true,
): SummaryRow {
  if (x.values.length === 0 || !allFinite(x.values)) return emptyRow(variable);
  const nSplit = x.nDraws === 1 ? x.nChains : 2 * x.nChains;
  const h = splitLength(x.nDraws);
  const s = x.values.length;
  const bulk = ws.get(BULK, nSplit * h);
  const sorted = sortDraws(x.values, { order: ws.get(ORDER, s), sorted: ws.get(SORTED, s) }, ws);
  const sortedFolded = sortFolded(sorted, { order: ws.get(FOLDED_ORDER, s), sorted: ws.get(FOLDED, s) });
  const rhatBulk = rankNormalizedRhat(splitSortedDraws(x, sorted), nSplit, h, bulk, ws);
  const rhatFolded = rankNormalizedRhat(splitSortedDraws(x, sortedFolded), nSplit, h, null, ws);
  const essQ5 = essQuantile(x, 0.05, sorted, ws);
  const essQ95 = essQuantile(x, 0.95, sorted, ws);
  const interval = hdi(sorted.sorted, hdiProb);
  const m = mean(x.values);
  const sdValue = Math.sqrt(variance(x.values, m));
  const essOfMean = essMean(x, ws);
  return {
    variable,
    mean: m,
    median: medianSorted(sorted.sorted),
    sd: sdValue,
    mad: madFromSortedDeviations(sortedFolded.sorted),
    q5: quantileSorted(sorted.sorted, 0.05),
    q95: quantileSorted(sorted.sorted, 0.95),
    rhat: rhatBulk === null || rhatFolded === null ? null : Math.max(rhatBulk, rhatFolded),
    ess_bulk: essOfChains({ values: bulk, nChains: nSplit, nDraws: h }, ws),
    ess_tail: essQ5 === null || essQ95 === null ? null : Math.min(essQ5, essQ95),
    mcse_mean: essOfMean === null ? null : sdValue / Math.sqrt(essOfMean),
    mcse_sd: mcseSd(x, m, ws),
    mcse_q5: quantileMcse ? mcseQuantile(x, 0.05, sorted, essQ5, ws) : null,
    mcse_q95: quantileMcse ? mcseQuantile(x, 0.95, sorted, essQ95, ws) : null,
    hdi_low: interval.low,
    hdi_high: interval.high,
  };
}

/** Does `name` match the filter: the same name, or a name that starts with it (either index spelling)? */
/** Whether a variable is selected by a --vars entry: its exact name or a prefix, in either index spelling. */
export function matchesFilter(name: string, filter: string): boolean {
  if (name === filter || name.startsWith(filter)) return true;
  const bracketName = toBracketName(name);
  const bracketFilter = toBracketName(filter);
  return bracketName === bracketFilter || bracketName.startsWith(bracketFilter);
}

/**
 * Indices of the variables selected by exact names or prefixes, in the draws' order. A filter that matches
 * nothing is a user error.
 */
export function selectVariables(names: readonly string[], filters: readonly string[] = []): number[] {
  if (filters.length === 0) return names.map((_, i) => i);
  for (const f of filters) {
    if (!names.some((n) => matchesFilter(n, f))) {
      const shown = names.slice(0, 12).join(', ') + (names.length > 12 ? `, … (${names.length} in all)` : '');
      throw new UserError(`no variable is named or starts with "${f}"; the draws have: ${shown}`);
    }
  }
  return names.flatMap((n, i) => (filters.some((f) => matchesFilter(n, f)) ? [i] : []));
}

/** The HDI probability, checked (a UserError when outside (0, 1)). */
export function checkedHdiProb(options: SummaryOptions): number {
  const hdiProb = options.hdiProb ?? DEFAULT_HDI_PROB;
  if (!(hdiProb > 0 && hdiProb < 1)) throw new UserError(`the HDI probability must be between 0 and 1, got ${hdiProb}`);
  return hdiProb;
}

/** A warning for a variable with NaN or infinite draws (whose summary is all NA), or null. */
export function nonFiniteWarning(name: string, x: ChainDraws): DiagnosticWarning | null {
  let bad = 0;
  for (let i = 0; i < x.values.length; i++) if (!Number.isFinite(x.values[i])) bad++;
  if (bad === 0) return null;
  return {
    code: 'nonfinite',
    message:
      `${name} has ${bad} NaN or infinite draw${bad === 1 ? '' : 's'}, so its summary is NA; ` +
      'check the model for overflow (e.g. an unbounded scale) or the file for damaged values.',
  };
}

/** Summaries of the selected variables, with a warning for each variable with non-finite draws. */
export function summarizeDraws(draws: DrawSet, options: SummaryOptions = {}): Summary {
  const hdiProb = checkedHdiProb(options);
  const rows: SummaryRow[] = [];
  const warnings: DiagnosticWarning[] = [];
  const ws = new DiagnosticsWorkspace();
  for (const v of selectVariables(draws.names, options.variables)) {
    const x = variableChains(draws, v);
    const row = summarizeVariable(draws.names[v], x, ws, hdiProb, options.quantileMcse ?? true);
    // only a variable with non-finite draws has no mean
    const warning = row.mean === null ? nonFiniteWarning(draws.names[v], x) : null;
    if (warning) warnings.push(warning);
    rows.push(row);
  }
  return { rows, warnings };
}
