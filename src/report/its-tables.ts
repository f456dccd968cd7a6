/**
 * What `nutmeg its` prints and reports: the effect and placebo tables, the per-row table of the post-period, the
 * parameter summary (beta's coordinates named), and the HTML report's sections with the observed-vs-counterfactual
 * and cumulative-effect plots.
 */
import type { EffectSummary, ItsResult } from '../analyses/its.js';
import { summarizeDraws, type SummaryRow } from '../diagnostics/summary.js';
import type { ReportSection } from './html.js';
import { itsCumulativeSpec, itsSeriesSpec } from './plots/its-series.js';
import type { Table } from './table.js';

function pct(p: number): string {
  return `${Math.round(p * 100)}%`;
}

export function effectTable(effects: readonly EffectSummary[], interval: number, label: string): Table {
  const q = pct(interval);
  return {
    columns: [label, 'pre_rows', 'post_rows', 'cumulative_mean', `cumulative_${q}_low`, `cumulative_${q}_high`, 'average_mean', `average_${q}_low`, `average_${q}_high`, 'P(cumulative>0)'],
    rows: effects.map((e) => [e.intervention, String(e.preRows), String(e.postRows), e.cumulative.mean, e.cumulative.low, e.cumulative.high, e.average.mean, e.average.low, e.average.high, e.probPositive]),
  };
}

export function postPeriodTable(r: ItsResult): Table {
  const q = pct(r.interval);
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

export function itsReportSections(r: ItsResult, outcome: string): ReportSection[] {
  const timeType = r.series.timeKind === 'date' ? 'temporal' : 'quantitative';
  const time = (label: string): string | number => (timeType === 'temporal' ? label : Number(label));
  const series = itsSeriesSpec(
    r.rows.map((row) => ({ time: time(row.time), observed: row.observed, mean: row.counterfactual.mean, low: row.counterfactual.low, high: row.counterfactual.high })),
    time(r.effect.intervention),
    { timeType, outcome, interval: r.interval },
  );
  const cumulative = itsCumulativeSpec(
    r.rows.filter((row) => row.post).map((row) => ({ time: time(row.time), ...row.cumulative! })),
    { timeType, interval: r.interval },
  );
  const e = r.effect;
  return [
    {
      title: 'Effect of the intervention',
      text:
        `Regression fitted on the ${e.preRows} points before ${e.intervention} (${r.design.names.join(', ')}; ${r.model.family} errors), ` +
        `projected over the ${e.postRows} points from ${e.intervention} on as the counterfactual. Cumulative effect ${e.cumulative.mean.toPrecision(4)} ` +
        `(${pct(r.interval)} interval ${e.cumulative.low.toPrecision(4)} to ${e.cumulative.high.toPrecision(4)}), P(cumulative effect > 0) = ${e.probPositive.toFixed(3)}.`,
      tables: [effectTable([e], r.interval, 'intervention')],
      plots: [series, cumulative],
    },
    {
      title: 'Placebo checks',
      text:
        r.placebos.length === 0
          ? 'No placebo checks were run.'
          : 'The same analysis with fake interventions inside the pre-period, each fitted on the data before it and judged on the data up to the next: the true effect there is zero, so their intervals should cover 0; one that does not says the model mistakes ordinary variation for an effect.',
      tables: r.placebos.length === 0 ? [] : [effectTable(r.placebos, r.interval, 'placebo')],
    },
    { title: 'Post-period', text: 'Observed, counterfactual (posterior predictive), effect and cumulative effect per point.', tables: [postPeriodTable(r)] },
    { title: 'Parameters', text: 'Regression coefficients on the standardized design (trend and covariates centred and scaled by their pre-period mean and sd).', tables: [parameterTable(r)] },
  ];
}
