/**
 * The sections of the separation analysis's report (plain data: title, text, tables, plots): the LOO comparison with
 * each model's Pareto-k plot, the zero-conversion cities, and per model the trace and rank plots of its main parameters.
 */
import type { ReportSection } from './html.js';
import { comparisonTable } from './loo-tables.js';
import { paretoKPlot, samplerPlotNote, samplerPlots } from './fit-plots.js';
import type { SeparationAnalysis } from '../analyses/separation.js';
import { maxOf, minOf } from '../numeric/extremes.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export function separationSections(a: SeparationAnalysis): ReportSection[] {
  const zero = a.cities.filter((c) => c.conversions === 0);
  const best = a.comparison[0];
  const shrunk = zero.map((c) => c.rateMean);
  const sampler: ReportSection[] = a.figures.map((f) => {
    const d = a.loo.find((m) => m.model === f.model)?.diagnostics;
    const line = d
      ? `${d.chains} chains × ${d.drawsPerChain} draws; max R-hat ${d.maxRhat === null ? 'NA' : d.maxRhat.toFixed(3)}, ` +
        `min bulk-ESS ${d.minEssBulk === null ? 'NA' : d.minEssBulk.toFixed(0)}, ${d.divergences ?? 'NA'} divergences.`
      : '';
    return { title: `Sampler checks: ${f.model} model`, text: line + samplerPlotNote(f), tables: [], plots: samplerPlots(f, f.model) };
  });
  return [
    {
      title: 'Models compared by PSIS-LOO',
      text:
        `Data: ${a.data.description}, ${a.data.rows} sessions. Best by elpd_loo: ${best.model} ` +
        `(stacking weight ${best.weight.toFixed(2)}); elpd_diff is each model's expected log predictive density minus the best's.`,
      tables: [
        comparisonTable(a.comparison),
        {
          columns: ['model', 'formula', 'pareto_k>0.7', 'max_rhat', 'min_ess_bulk', 'divergences'],
          rows: a.loo.map((m) => [m.model, m.formula, m.paretoKBad, m.diagnostics.maxRhat, m.diagnostics.minEssBulk, m.diagnostics.divergences]),
        },
      ],
      plots: a.figures.map((f) => paretoKPlot(f, f.model)),
    },
    {
      title: 'Zero-conversion cities: shrinkage vs maximum likelihood',
      text:
        `${zero.length} of ${a.cities.length} cities have no conversion. Maximum likelihood (${a.mle.formula}, ` +
        `${a.mle.iterations} IRLS iterations) ${a.mle.separation ? 'hits separation: ' : ''}their log-odds run off towards −∞ ` +
        `with standard errors in the thousands and a fitted rate of 0. The hierarchical model by city gives them small but finite rates` +
        (shrunk.length > 0 ? ` (${pct(minOf(shrunk))} to ${pct(maxOf(shrunk))})` : '') +
        ', borrowed from the other cities.',
      tables: [
        {
          columns: ['city', 'sessions', 'conversions', 'observed', 'rate_mean', 'rate_q5', 'rate_q95', 'mle_rate', 'mle_log_odds', 'mle_se', 'mle_diverges'],
          rows: a.cities.map((c) => [
            c.city,
            c.sessions,
            c.conversions,
            c.observedRate,
            c.rateMean,
            c.rateP05,
            c.rateP95,
            c.mleRate,
            c.mleLogOdds,
            c.mleSe,
            c.mleDiverging ? 'yes' : 'no',
          ]),
        },
      ],
    },
    ...sampler,
  ];
}
