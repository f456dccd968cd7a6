/**
 * The report GET /report serves when RUN_DIR has no report.html: built from the run — the posterior summary, the
 * sampler checks with trace and rank plots, a forest plot per varying term (src/report/effect-forest.ts: past 40
 * levels only the extreme ones, plotted and tabulated, so a 10⁵-level run's page stays small), and PSIS-LOO with its
 * Pareto-k plot when the run's data could be read again (else a line saying why not).
 */
import { summaryTable } from './summary-table.js';
import type { ReportSection } from './html.js';
import { rankSpec, traceSpec } from './plots/chains.js';
import type { LoadedRun } from '../io/run-dir.js';
import type { LooResult } from '../loo/loo.js';
import { looTables } from './loo-tables.js';
import { paretoKSpec } from './plots/pareto-k.js';
import { linkScale, linkScaleShort } from './family-text.js';
import type { LinkName } from '../model/families/family.js';
import { defaultLink } from '../model/families/index.js';
import type { Family } from '../model/spec.js';
import { forestNote, termForest, type ForestTerm } from './effect-forest.js';
import type { ModelInfo } from '../serve/model-info.js';

/** At most this many variables in the trace and rank plots. */
const SAMPLER_PLOT_VARIABLES = 8;

/** Term t of the run's recipe, as the forest plot needs it. */
function recipeTerm(run: LoadedRun, t: number): ForestTerm {
  const { recipe } = run.meta;
  const term = recipe.terms[t];
  const group = recipe.groups[term.group];
  return { group: group.name, levels: group.levels, term: term.term, withFixed: term.column !== null && recipe.fixed.some((c) => c.name === term.term) };
}

function looSection(loo: LooResult | string): ReportSection {
  if (typeof loo === 'string') return { title: 'PSIS-LOO', text: `Not computed: ${loo}`, tables: [] };
  return {
    title: 'PSIS-LOO',
    text:
      `Leave-one-out predictive accuracy by Pareto-smoothed importance sampling over ${loo.nObs} observations. ` +
      'Pareto k above 0.7 marks observations whose leave-one-out estimate is unreliable.' +
      (loo.warnings.length > 0 ? `\n\n${loo.warnings.join('\n\n')}` : ''),
    tables: looTables(loo),
    plots: [paretoKSpec(loo.pointwise.paretoK)],
  };
}

/** `loo`: the run's PSIS-LOO, or why it could not be computed. */
export function fitReportSections(run: LoadedRun, info: ModelInfo, loo: LooResult | string): ReportSection[] {
  const { draws } = run;
  const main = draws.names.filter((n) => n.startsWith('b_') || n.startsWith('sd_'));
  const plotted = main.slice(0, SAMPLER_PLOT_VARIABLES);
  const s = info.sampler;
  const checks = s
    ? `${s.divergences ?? 'unknown'} divergent transitions and ${s.treedepthHits ?? 'unknown'} draws at the maximum tree depth ` +
      `(${s.maxTreedepth}) out of ${s.draws}; E-BFMI per chain ${s.ebfmi.map((e) => e.toFixed(2)).join(', ') || 'not recorded'}.`
    : 'The run has no sampler statistics.';
  const warnings = info.warnings.length > 0 ? info.warnings.join('\n\n') : 'No warnings: R-hat, ESS and the sampler checks are within their thresholds.';
  const sections: ReportSection[] = [
    {
      title: 'Model',
      text:
        `${info.formula}\n\n${info.family} model of ${info.outcome}, fitted to ${info.data.source} (${info.data.rows} rows) ` +
        `on ${info.created}: ${info.chains} chains × ${info.draws_per_chain} draws.`,
      tables: [{ caption: 'Posterior summary (fixed effects and group standard deviations)', ...summaryTable(info.summary) }],
    },
    {
      title: 'Sampler checks',
      text: `${checks}\n\n${warnings}` + (main.length > plotted.length ? `\n\nPlots show the first ${plotted.length} of ${main.length} variables.` : ''),
      tables: [],
      plots: plotted.length > 0 ? [traceSpec(draws, plotted), rankSpec(draws, plotted)] : [],
    },
  ];
  if (run.meta.recipe.terms.length > 0) {
    const family = run.meta.family as Family;
    const link = (run.meta.link as LinkName | undefined) ?? defaultLink(family);
    const index = new Map(draws.names.map((n, i) => [n, i]));
    const scale = linkScaleShort(family, link);
    const forests = run.meta.recipe.terms.map((_, t) => termForest(draws, index, recipeTerm(run, t), scale));
    const capped = forestNote(forests, `nutmeg summary ${run.dir}`);
    const note = capped === '' ? '' : `\n\n${capped}`;
    sections.push({
      title: 'Effects by group',
      text: `Posterior mean and 10%–90% interval per level, on ${linkScale(family, link)}.${note}`,
      tables: forests.flatMap((f) => (f.table ? [f.table] : [])),
      plots: forests.map((f) => f.plot),
    });
  }
  sections.push(looSection(loo));
  return sections;
}
