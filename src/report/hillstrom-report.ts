/**
 * The sections of the Hillstrom analysis's report, as plain data (title, text, tables, Vega-Lite plots) for the
 * terminal (renderTable) and the HTML page (src/report/html.ts): every table of the analysis, and its plots — trace
 * and rank plots of each fit, posterior predictive check, forest plot of the segment effects, uplift by segment,
 * calibration curve of the hierarchical fit, and its PSIS-LOO Pareto k beside the pooled-vs-hierarchical comparison;
 * then the spend models and expected revenue per contact (tables from src/report/revenue-tables.ts).
 */
import type { SummaryRow } from '../diagnostics/summary.js';
import type { ReportSection } from './html.js';
import { calibrationSpec } from './plots/calibration.js';
import { forestSpec, revenueUpliftSpec, upliftSpec } from './plots/intervals.js';
import { revenueDecisionTable, revenueTable, spendComparisonTable } from './revenue-tables.js';
import { ppcSpec } from './plots/ppc.js';
import { formatNumber, type Table } from './table.js';
import type { FitDiagnostics } from '../analyses/fit-diagnostics.js';
import { comparisonTable, looTables } from './loo-tables.js';
import { paretoKPlot, samplerPlotNote, samplerPlots } from './fit-plots.js';
import type { HillstromAnalysis } from '../analyses/hillstrom.js';

const pct = (x: number, digits = 2): string => `${(100 * x).toFixed(digits)}%`;

function summaryTable(rows: readonly SummaryRow[]): Table {
  return {
    columns: ['variable', 'mean', 'sd', 'q5', 'q95', 'rhat', 'ess_bulk'],
    rows: rows.map((r) => [r.variable, r.mean, r.sd, r.q5, r.q95, r.rhat, r.ess_bulk]),
  };
}

function fitLine(d: FitDiagnostics): string {
  const rhat = d.maxRhat === null ? 'NA' : d.maxRhat.toFixed(3);
  const ess = d.minEssBulk === null ? 'NA' : d.minEssBulk.toFixed(0);
  return (
    `${d.chains} chains × ${d.drawsPerChain} draws on ${d.backend} in ${d.seconds.toFixed(1)} s; ` +
    `max R-hat ${rhat}, min bulk-ESS ${ess}, ${d.divergences ?? 'NA'} divergences.` +
    (d.warnings.length > 0 ? `\n\nWarnings: ${d.warnings.join(' ')}` : '')
  );
}

export function hillstromSections(a: HillstromAnalysis): ReportSection[] {
  const r = a.rawRates;
  const sections: ReportSection[] = [];
  sections.push({
    title: 'Raw conversion by arm',
    text:
      `Data: ${a.data.description}, ${a.data.rows} rows. Customers who got an e-mail converted at ${pct(r.treated.rate)}, ` +
      `those who got none at ${pct(r.control.rate)}: a raw lift of ${pct(r.rawLift)} ` +
      `(${(100 * r.relativeLift).toFixed(0)}% relative). A reality check, not yet an answer: no uncertainty, no adjustment.`,
    tables: [
      {
        columns: ['arm', 'rows', 'conversions', 'rate'],
        rows: [
          ['no e-mail', r.control.n, r.control.conversions, r.control.rate],
          ['e-mail', r.treated.n, r.treated.conversions, r.treated.rate],
        ],
      },
    ],
  });
  const b = a.baseline;
  sections.push({
    title: 'Classical baseline',
    text:
      `Maximum-likelihood logistic regression (IRLS, ${b.iterations} iterations${b.converged ? '' : ', not converged'}) of ` +
      `${b.formula}: log loss ${formatNumber(b.logLoss, 5)}, ROC-AUC ${formatNumber(b.auc, 4)} on the fitted rows.` +
      (b.separation ? ' Some coefficients diverge (separation): their estimates are not finite.' : '') +
      ' A point estimate per coefficient; it says nothing about how sure we are that the campaign works in each segment.',
    tables: [{ columns: ['coefficient', 'estimate', 'se'], rows: b.coefficients.map((c) => [c.name, c.estimate, c.se]) }],
  });
  const pp = a.priorPredictive;
  sections.push({
    title: 'Prior predictive check',
    text:
      `Conversion probabilities the priors alone imply (${pp.draws} draws from the priors, on the data's rows): ` +
      `median ${pct(pp.probabilityQuantiles[2])}, 90% between ${pct(pp.probabilityQuantiles[0])} and ` +
      `${pct(pp.probabilityQuantiles[4])}; ${pct(pp.shareAbove50, 1)} above 50%. The observed rate is ${pct(pp.observedRate)}.`,
    tables: [
      {
        columns: ['quantity', 'q5', 'q25', 'q50', 'q75', 'q95'],
        rows: [['implied probability', ...pp.probabilityQuantiles]],
      },
    ],
  });
  const p = a.pooled;
  sections.push({
    title: 'Pooled model: overall campaign effect',
    text:
      `${p.formula}. P(e-mail effect > 0 on the log-odds scale) = ${p.effect.probPositive.toFixed(4)}; ` +
      `effect mean ${p.effect.mean.toFixed(3)} (10%–90%: ${p.effect.p10.toFixed(3)} to ${p.effect.p90.toFixed(3)}).\n\n` +
      fitLine(p.diagnostics) +
      samplerPlotNote(p.figures),
    tables: [summaryTable(p.diagnostics.summary)],
    plots: samplerPlots(p.figures, 'pooled'),
  });
  sections.push({
    title: 'Posterior predictive check',
    text:
      `Conversion rates of data sets replicated from the pooled posterior: mean ${pct(p.ppc.mean, 3)}, 90% between ` +
      `${pct(p.ppc.p05, 3)} and ${pct(p.ppc.p95, 3)}; observed ${pct(p.ppc.observedRate, 3)} ` +
      `(share of replicated rates at or above it: ${p.ppc.tailProbability.toFixed(2)}).`,
    tables: [
      {
        columns: ['observed', 'replicated mean', 'replicated q5', 'replicated q95', 'P(rep ≥ obs)'],
        rows: [[p.ppc.observedRate, p.ppc.mean, p.ppc.p05, p.ppc.p95, p.ppc.tailProbability]],
      },
    ],
    plots: [ppcSpec(p.ppc.replicatedRates, p.ppc.observedRate)],
  });
  const h = a.hierarchical;
  sections.push({
    title: 'Hierarchical model: naive lift vs partial pooling',
    text:
      `${h.formula}. The segment effects share a population: sd ${h.sd.mean.toFixed(3)} ` +
      `(10%–90%: ${h.sd.p10.toFixed(3)} to ${h.sd.p90.toFixed(3)}). Thin segments are pulled towards the common effect ` +
      `instead of chasing their noisy raw lift.\n\n${fitLine(h.diagnostics)}${samplerPlotNote(h.figures)}`,
    tables: [
      {
        columns: ['segment', 'n_control', 'n_treated', 'raw_lift', 'effect_mean', 'effect_p10', 'effect_p90', 'P(effect>0)'],
        rows: a.decisions.map((d) => [d.segment, d.nControl, d.nTreated, d.rawLift, d.effect.mean, d.effect.p10, d.effect.p90, d.effect.probPositive]),
      },
    ],
    plots: [
      forestSpec(a.decisions.map((d) => ({ label: d.segment, mean: d.effect.mean, low: d.effect.p10, high: d.effect.p90 }))),
      ...samplerPlots(h.figures, 'hierarchical'),
    ],
  });
  sections.push({
    title: 'Uplift by segment',
    text:
      'P(convert | e-mail) − P(convert | no e-mail) at each segment\'s average covariates, per posterior draw: ' +
      'the expected incremental conversion of one e-mail.',
    tables: [
      {
        columns: ['segment', 'p_control', 'p_treated', 'uplift_mean', 'uplift_p10', 'uplift_p90', 'P(uplift>0)'],
        rows: a.decisions.map((d) => [d.segment, d.pControlMean, d.pTreatedMean, d.uplift.mean, d.uplift.p10, d.uplift.p90, d.uplift.probPositive]),
      },
    ],
    plots: [upliftSpec(a.decisions.map((d) => ({ label: d.segment, mean: d.uplift.mean, low: d.uplift.p10, high: d.uplift.p90 })))],
  });
  const cal = h.calibration;
  sections.push({
    title: 'Calibration of the hierarchical model',
    text:
      'Rows sorted by their posterior mean conversion probability under the hierarchical model and cut into deciles; ' +
      'per decile the mean prediction against the observed conversion rate. Points on the diagonal mean the predicted ' +
      'probabilities can be taken at face value.',
    tables: [
      {
        columns: ['bin', 'rows', 'min_predicted', 'max_predicted', 'mean_predicted', 'observed_rate'],
        rows: cal.map((b) => [b.bin, b.n, b.minPredicted, b.maxPredicted, b.meanPredicted, b.observedRate]),
      },
    ],
    plots: cal.length > 0 ? [calibrationSpec(cal, 'Calibration of the hierarchical model: observed vs predicted')] : [],
  });
  const best = a.comparison[0];
  const hl = h.figures.loo;
  sections.push({
    title: 'PSIS-LOO: pooled vs hierarchical',
    text:
      `Leave-one-out predictive accuracy by Pareto-smoothed importance sampling over ${hl.nObs} rows. Best by elpd_loo: ` +
      `${best.model} (stacking weight ${best.weight.toFixed(2)}); elpd_diff is each model's elpd_loo minus the best's, ` +
      'with the paired standard error. Pareto k above 0.7 marks rows whose leave-one-out estimate is unreliable.' +
      [...a.pooled.figures.loo.warnings.map((w) => `pooled: ${w}`), ...hl.warnings.map((w) => `hierarchical: ${w}`)]
        .map((w) => `\n\n${w}`)
        .join(''),
    tables: [comparisonTable(a.comparison), ...looTables(hl, 'hierarchical: '), ...looTables(a.pooled.figures.loo, 'pooled: ')],
    plots: [paretoKPlot(h.figures, 'hierarchical')],
  });
  const t = a.thresholds;
  const e = a.economics;
  const columns = ['segment', 'P(effect>0)', 'uplift_mean', 'action'];
  if (e) columns.push('expected_net_value', 'P(pays)', 'value_rule');
  sections.push({
    title: 'Decision table',
    text:
      `P(effect > 0) ≥ ${t.target}: target; ${t.test} to ${t.target}: test more; below ${t.test}: deprioritise.` +
      (e
        ? ` Expected-value rule: a contact earns uplift × ${e.valuePerConversion} per conversion and costs ` +
          `${e.costPerContact}; target when the expected net value is positive (break-even uplift ${pct(e.costPerContact / e.valuePerConversion, 3)}).`
        : ' Give --value-per-conversion and --cost-per-contact for the expected-value rule.'),
    tables: [
      {
        columns,
        rows: a.decisions.map((d) => {
          const row: (string | number)[] = [d.segment, d.effect.probPositive, d.uplift.mean, d.action];
          if (d.expectedValue) row.push(d.expectedValue.expectedNetValue, d.expectedValue.probPays, d.expectedValue.action);
          return row;
        }),
      },
    ],
  });
  sections.push(...revenueSections(a));
  return sections;
}

function revenueSections(a: HillstromAnalysis): ReportSection[] {
  const r = a.revenue;
  const other = r.comparison[1];
  const dropped = r.convertersWithoutSpend > 0 ? ` ${r.convertersWithoutSpend} converters with no spend are left out.` : '';
  return [
    {
      title: 'Spend model: lognormal vs gamma',
      text:
        `${r.formula}, fitted to the ${r.converters} converters' spend as lognormal and as gamma (log link).${dropped} ` +
        `PSIS-LOO prefers ${r.chosen}: ${other.model} is ${formatNumber(-other.elpdDiff, 3)} lower in elpd_loo ` +
        `(se of the difference ${formatNumber(other.seDiff, 3)}` +
        (Math.abs(other.elpdDiff) < 2 * other.seDiff ? '; within two standard errors, so the data hardly tell them apart' : '') +
        `). E[spend | converted] = exp(η + σ²/2) for lognormal, exp(η) for gamma.` +
        r.fits.map((f) => `\n\n${f.family}: ${fitLine(f.diagnostics)}${f.figures.loo.warnings.map((w) => ` PSIS-LOO: ${w}`).join('')}`).join(''),
      tables: [spendComparisonTable(r), ...r.fits.map((f) => ({ ...summaryTable(f.diagnostics.summary), caption: `${f.family} spend model` }))],
    },
    {
      title: 'Expected revenue uplift by segment',
      text:
        'Per posterior draw, at each segment\'s average covariates: expected revenue per contact = P(convert | arm) ' +
        '(hierarchical conversion model) × E[spend | converted, arm] (the chosen spend model), the two fits\' draws ' +
        'paired by index; the uplift is its difference between e-mail and no e-mail.',
      tables: [revenueTable(r)],
      plots: [revenueUpliftSpec(r.segments.map((s) => ({ label: s.segment, mean: s.revenue.uplift.mean, low: s.revenue.uplift.p10, high: s.revenue.uplift.p90 })))],
    },
    {
      title: 'Revenue decision table',
      text:
        `E-mail a segment when its expected revenue uplift per contact exceeds the cost of a contact (${r.costPerContact}` +
        `${r.costPerContact === 0 ? '; give --cost-per-contact for the real cost' : ''}); P(uplift > cost) is the ` +
        'probability that a contact pays for itself.',
      tables: [revenueDecisionTable(r)],
    },
  ];
}
