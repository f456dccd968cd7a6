/**
 * What `nutmeg its` prints: the effect and placebo tables, the per-row table of the post-period, and the parameter
 * summary (beta's coordinates named). The HTML report's sections are in its-report.ts.
 */
import type { EffectSummary, ItsResult } from '../analyses/its.js';
import { summarizeDraws, type SummaryRow } from '../diagnostics/summary.js';
import type { Table } from './table.js';

/** An interval probability as a column label: 0.9 → 90%. */
export function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}

export function effectTable(effects: readonly EffectSummary[], interval: number, label: string): Table {
  const q = percent(interval);
  return {
    columns: [label, 'pre_rows', 'post_rows', 'cumulative_mean', `cumulative_${q}_low`, `cumulative_${q}_high`, 'average_mean', `average_${q}_low`, `average_${q}_high`, 'P(cumulative>0)'],
    rows: effects.map((e) => [e.intervention, String(e.preRows), String(e.postRows), e.cumulative.mean, e.cumulative.low, e.cumulative.high, e.average.mean, e.average.low, e.average.high, e.probPositive]),
  };
}

export function postPeriodTable(r: ItsResult): Table {
  const q = percent(r.interval);
  return {
    columns: ['time', 'observed', 'counterfactual_mean', `counterfactual_${q}_low`, `counterfactual_${q}_high`, 'effect_mean', `effect_${q}_low`, `effect_${q}_high`, 'cumulative_mean', `cumulative_${q}_low`, `cumulative_${q}_high`],
    rows: r.rows
      .filter((row) => row.post)
      .map((row) => [
        row.time,
        row.observed,
        row.counterfactual.mean,
        row.counterfactual.low,
        row.counterfactual.high,
        row.effect!.mean,
        row.effect!.low,
        row.effect!.high,
        row.cumulative!.mean,
        row.cumulative!.low,
        row.cumulative!.high,
      ]),
  };
}

/** The summary rows of the regression's parameters (not the generated quantities). */
export function itsParameterRows(r: ItsResult): SummaryRow[] {
  const names = r.model.parameters.flatMap((b) => (b.size === 1 && b.coordinates === undefined ? [b.name] : Array.from({ length: b.size }, (_, j) => `${b.name}[${j + 1}]`)));
  const keep = new Set(names);
  const rows = summarizeDraws(r.fit.draws, { variables: names }).rows.filter((row) => keep.has(row.variable));
  return rows;
}

export function parameterTable(r: ItsResult): Table {
  const rows = itsParameterRows(r);
  return {
    columns: ['variable', 'term', 'mean', 'sd', 'q5', 'q95', 'rhat', 'ess_bulk'],
    rows: rows.map((row) => {
      const m = /^beta\[(\d+)\]$/.exec(row.variable);
      return [row.variable, m ? r.design.names[Number(m[1]) - 1] : '', row.mean, row.sd, row.q5, row.q95, row.rhat, row.ess_bulk];
    }),
  };
}
