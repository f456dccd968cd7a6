/**
 * The report GET /report serves when RUN_DIR has no report.html: built from the run — the posterior summary, the
 * sampler checks with trace and rank plots, a forest plot per varying term (for a varying slope whose covariate is
 * also a fixed effect, the total effect b + r[k] by level; otherwise r[k]; past FOREST_MAX_LEVELS levels only the
 * extreme ones, plotted and tabulated, so a 10⁵-level run's page stays small), and PSIS-LOO with its Pareto-k plot when
 * the run's data could be read again (else a line saying why not).
 */
import { groupedInteger } from '../report/integer-text.js';
import { summarizeQuantity } from '../decision/draw-summary.js';
import { summaryTable } from '../diagnostics/summary.js';
import { variableDraws } from '../draws.js';
import type { ReportSection, ReportTable } from '../report/html.js';
import { rankSpec, traceSpec } from '../report/plots/chains.js';
import { forestSpec, type IntervalRow } from '../report/plots/intervals.js';
import type { PlotSpec } from '../report/plots/spec.js';
import type { LoadedRun } from '../io/run-dir.js';
import type { LooResult } from '../loo/loo.js';
import { looTables } from '../report/loo-tables.js';
import { paretoKSpec } from '../report/plots/pareto-k.js';
import { linkScale, linkScaleShort } from '../report/family-text.js';
import type { LinkName } from '../model/families/family.js';
import { defaultLink } from '../model/families/index.js';
import type { Family } from '../model/spec.js';
import { extremeIndices } from '../report/extremes.js';
import type { ModelInfo } from './model-info.js';

/** At most this many variables in the trace and rank plots. */
const SAMPLER_PLOT_VARIABLES = 8;
/** A term with more levels than this is plotted by its FOREST_EXTREMES lowest and highest levels (issue 16 item 5). */
export const FOREST_MAX_LEVELS = 40;
export const FOREST_EXTREMES = 10;

interface TermForest {
  readonly plot: PlotSpec;
  /** The plotted levels as a table, for a term plotted by its extremes (null when every level is plotted). */
  readonly table: ReportTable | null;
  /** Levels plotted and levels in all. */
  readonly shown: number;
  readonly levels: number;
  /** The variable family of the term's effects (r_g__t), for the note on where the full table is. */
  readonly family: string;
}

/**
 * The levels to plot of a term with posterior means `means`: all of them in level order, or, past
 * FOREST_MAX_LEVELS, the FOREST_EXTREMES lowest and highest means in order of the mean — so a 10⁵-level term
 * summarises 20 levels' draws, not 10⁵, and the page holds 20 rows.
 */
export function forestLevels(means: ArrayLike<number>): number[] {
  return means.length <= FOREST_MAX_LEVELS ? Array.from(means, (_, k) => k) : extremeIndices(means, FOREST_EXTREMES);
}

function termForest(run: LoadedRun, t: number, index: ReadonlyMap<string, number>): TermForest {
  const { recipe } = run.meta;
  const { draws } = run;
  const term = recipe.terms[t];
  const group = recipe.groups[term.group];
  const withFixed = term.column !== null && recipe.fixed.some((c) => c.name === term.term);
  const fixed = withFixed ? variableDraws(draws, index.get(`b_${term.term}`) ?? -1) : null;
  const S = draws.nChains * draws.nDraws;
  const family = `r_${group.name}__${term.term}`;
  const effect = (k: number): Float64Array => variableDraws(draws, index.get(`${family}[${k + 1}]`) ?? -1);
  // the mean of b + r is the mean of b plus that of r: one pass per level picks the levels to plot
  const means = Float64Array.from(group.levels, (_, k) => {
    const r = effect(k);
    let sum = 0;
    for (let s = 0; s < S; s++) sum += r[s] + (fixed ? fixed[s] : 0);
    return sum / S;
  });
  const total = new Float64Array(S);
  const chosen = forestLevels(means);
  const rows: IntervalRow[] = chosen.map((k) => {
    const r = effect(k);
    for (let s = 0; s < S; s++) total[s] = r[s] + (fixed ? fixed[s] : 0);
    const q = summarizeQuantity(total, draws.nChains, draws.nDraws);
    return { label: group.levels[k], mean: q.mean, low: q.p10, high: q.p90 };
  });
  const what = withFixed ? `Effect of ${term.term} by ${group.name} (b + r)` : `${term.term} by ${group.name} (group effects r)`;
  const capped = chosen.length < group.levels.length;
  const title = capped ? `${what}: the ${FOREST_EXTREMES} lowest and highest of ${groupedInteger(group.levels.length)} levels` : what;
  const table: ReportTable | null = capped
    ? { caption: title, columns: ['level', 'mean', 'q10', 'q90'], rows: rows.map((r) => [r.label, r.mean, r.low, r.high]) }
    : null;
  const modelFamily = run.meta.family as Family;
  const scale = linkScaleShort(modelFamily, (run.meta.link as LinkName | undefined) ?? defaultLink(modelFamily));
  return { plot: forestSpec(rows, title, undefined, `effect (${scale})`), table, shown: chosen.length, levels: group.levels.length, family };
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
    const forests = run.meta.recipe.terms.map((_, t) => termForest(run, t, index));
    const capped = forests.filter((f) => f.shown < f.levels);
    const note =
      capped.length === 0
        ? ''
        : `\n\nA term with more than ${FOREST_MAX_LEVELS} levels shows the ${FOREST_EXTREMES} levels with the lowest and the ` +
          `${FOREST_EXTREMES} with the highest means; every level: nutmeg summary ${run.dir} --vars ${capped.map((f) => f.family).join(',')}`;
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
