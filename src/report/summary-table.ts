/**
 * The posterior summary as a table (src/diagnostics/summary.ts computes its rows): which statistics it can show,
 * as `--stats` names them, and their column names (the HDI's by its ends, as ArviZ names them).
 */
import type { SummaryRow } from '../diagnostics/summary.js';
import { DEFAULT_HDI_PROB } from '../diagnostics/hdi.js';
import { UserError } from '../errors.js';
import type { Table } from './table.js';

/** Statistics the summary table can show, in the order `--stats` lists them. */
export const SUMMARY_STATS = [
  'mean', 'sd', 'hdi_low', 'hdi_high', 'mcse_mean', 'mcse_sd', 'ess_bulk', 'ess_tail', 'r_hat',
  'median', 'mad', 'q5', 'q95', 'mcse_q5', 'mcse_q95',
] as const;

export type SummaryStat = (typeof SUMMARY_STATS)[number];

/** ArviZ's default columns. */
export const DEFAULT_SUMMARY_STATS: readonly SummaryStat[] = [
  'mean', 'sd', 'hdi_low', 'hdi_high', 'mcse_mean', 'mcse_sd', 'ess_bulk', 'ess_tail', 'r_hat',
];

const STAT_ALIASES: Readonly<Record<string, readonly SummaryStat[]>> = {
  hdi: ['hdi_low', 'hdi_high'],
  rhat: ['r_hat'],
};

/** Statistic names as a user writes them (`hdi` stands for both ends, `rhat` for `r_hat`), checked. */
export function resolveStats(names: readonly string[]): SummaryStat[] {
  const out: SummaryStat[] = [];
  for (const raw of names) {
    const name = raw.trim();
    const stats = STAT_ALIASES[name] ?? ((SUMMARY_STATS as readonly string[]).includes(name) ? [name as SummaryStat] : null);
    if (stats === null) {
      throw new UserError(`unknown statistic "${name}"; choose from hdi, ${SUMMARY_STATS.join(', ')}`);
    }
    for (const s of stats) if (!out.includes(s)) out.push(s);
  }
  return out;
}

/** A probability as a percentage label: 0.03 → "3%", 0.025 → "2.5%". */
function percent(p: number): string {
  return `${Number((p * 100).toPrecision(10))}%`;
}

function columnName(stat: SummaryStat, hdiProb: number): string {
  if (stat === 'hdi_low') return `hdi_${percent((1 - hdiProb) / 2)}`;
  if (stat === 'hdi_high') return `hdi_${percent(1 - (1 - hdiProb) / 2)}`;
  return stat;
}

function statValue(row: SummaryRow, stat: SummaryStat): number | null {
  return stat === 'r_hat' ? row.rhat : row[stat];
}

/** The summary as a table: a `variable` column, then one column per statistic (HDI columns named by their ends). */
export function summaryTable(
  rows: readonly SummaryRow[],
  stats: readonly SummaryStat[] = DEFAULT_SUMMARY_STATS,
  hdiProb: number = DEFAULT_HDI_PROB,
): Table {
  return {
    columns: ['variable', ...stats.map((s) => columnName(s, hdiProb))],
    rows: rows.map((r) => [r.variable, ...stats.map((s) => statValue(r, s))]),
  };
}
