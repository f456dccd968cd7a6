/**
 * The HTML report of `nutmeg its` (loaded only with --report: rendering pulls in vega): the effect with the
 * observed-vs-counterfactual and cumulative-effect plots, the placebo checks, the post-period rows, the parameters.
 */
import type { ItsResult } from '../analyses/its.js';
import type { ReportSection } from './html.js';
import { effectTable, parameterTable, percent, postPeriodTable } from './its-tables.js';
import { itsCumulativeSpec, itsSeriesSpec } from './plots/its-series.js';

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
        `(${percent(r.interval)} interval ${e.cumulative.low.toPrecision(4)} to ${e.cumulative.high.toPrecision(4)}), P(cumulative effect > 0) = ${e.probPositive.toFixed(3)}.`,
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
