/**
 * The HTML report of one fitted model, for every family: the model (formula, family and link, what the coefficients
 * mean on the link scale, the family's auxiliary parameter), the posterior summary of the fixed effects, group
 * standard deviations and sigma/shape, the sampler checks with trace and rank plots, the posterior predictive check
 * suited to the family (src/decision/ppc.ts: the statistics' table and histograms, and y against y_rep — count bars
 * for counts, densities for continuous outcomes), the group effects by level (capped at the extreme levels of a term
 * with many), and PSIS-LOO with its Pareto-k plot. Words for probabilities are
 * used only for bernoulli/binomial models.
 */
import type { DiagnosticWarning, SummaryRow } from '../diagnostics/summary.js';
import { summaryTable } from './summary-table.js';
import { condenseSummary, familiesFlag, hiddenEffectsLine, indexedFixedFamilies } from './summary-condense.js';
import { indexedLayout } from '../model/indexed-fixed.js';
import type { DrawSet } from '../draws.js';
import { PPC_STATISTIC_LABELS, type PosteriorPredictiveCheck } from '../decision/ppc.js';
import type { LooResult } from '../loo/loo.js';
import { familyModule } from '../model/families/index.js';
import type { ModelSpec } from '../model/spec.js';
import type { ReportSection } from './html.js';
import { looTables } from './loo-tables.js';
import { paretoKSpec } from './plots/pareto-k.js';
import { ppcSpec } from './plots/ppc.js';
import { countsOverlaySpec, densityOverlaySpec } from './plots/predictive-distribution.js';
import type { PlotSpec } from './plots/spec.js';
import { isMainParameter, mainParameterDraws } from '../analyses/fit-figures.js';
import { rankSpec, traceSpec } from './plots/chains.js';
import { familyDescription, linkScale, linkScaleShort } from './family-text.js';
import { forestNote, termForest } from './effect-forest.js';

export interface ModelReportInput {
  readonly spec: ModelSpec;
  /** Constrained draws (b_, sd_, sigma/shape, r_ …). */
  readonly draws: DrawSet;
  /** Summary rows of the draws (every variable; the report shows the population-level ones). */
  readonly summary: readonly SummaryRow[];
  /** Every warning of the fit, one line each. */
  readonly warnings: readonly (string | DiagnosticWarning)[];
  readonly ppc: PosteriorPredictiveCheck;
  /** PSIS-LOO, or why it was not computed. */
  readonly loo: LooResult | string;
  /** Where the data came from, e.g. a file name. */
  readonly source: string;
  /**
   * A command that prints every level's summary once `--vars <families>` is appended (e.g. "nutmeg summary runs/x"),
   * named under a forest plot capped at its extreme levels.
   */
  readonly effectsWhere: string;
}

function modelSection(input: ModelReportInput): ReportSection {
  const { spec, draws } = input;
  const link = spec.link ?? familyModule(spec.family).link;
  const aux = (spec.aux ?? []).map((a) => a.name);
  const main = input.summary.filter((r) => isMainParameter(r.variable));
  // a categorical fixed effect of many levels: its extreme coefficients, as in the terminal summary
  const condensed = condenseSummary(main, undefined, undefined, indexedFixedFamilies(spec.fixed.names.map((n) => `b_${n}`), indexedLayout(spec.fixed)));
  const rows = condensed ? condensed.rows : main;
  return {
    title: 'Model',
    text:
      `${spec.formula}\n\nFamily ${spec.family}, ${link} link: ${familyDescription(spec.family, link)}. ` +
      `${spec.n} rows of ${spec.outcome} from ${input.source}; ${draws.nChains} chains × ${draws.nDraws} draws.\n\n` +
      `Coefficients (b_) and group effects are on ${linkScale(spec.family, link)}` +
      (aux.length > 0 ? `; the family's auxiliary parameter ${aux.join(', ')} is in the table below.` : '.') +
      (condensed ? `\n\n${hiddenEffectsLine(condensed, `${input.effectsWhere} ${familiesFlag(condensed)}`)}` : ''),
    tables: [{ caption: `Posterior summary (fixed effects, group standard deviations${aux.length > 0 ? `, ${aux.join(', ')}` : ''})`, ...summaryTable(rows) }],
  };
}

function samplerSection(input: ModelReportInput): ReportSection {
  const { chains, total } = mainParameterDraws(input.draws);
  const lines = input.warnings.map((w) => (typeof w === 'string' ? w : w.message));
  const plots: PlotSpec[] = chains.names.length > 0 ? [traceSpec(chains, chains.names), rankSpec(chains, chains.names)] : [];
  return {
    title: 'Sampler checks',
    text:
      (lines.length > 0 ? lines.join('\n\n') : 'No warnings: R-hat, ESS and the sampler checks are within their thresholds.') +
      (total > chains.names.length ? `\n\nPlots show the first ${chains.names.length} of ${total} parameters.` : ''),
    tables: [],
    plots,
  };
}

/** A d3 axis format for a statistic's histogram. */
function axisFormat(name: string): string {
  return name === 'rate' || name === 'zeros' ? '.2%' : '.3~g';
}

/** The posterior predictive check section: the statistics' table, y against y_rep, one histogram per statistic. */
export function ppcSection(spec: ModelSpec, ppc: PosteriorPredictiveCheck): ReportSection {
  const binary = spec.family === 'bernoulli' || spec.family === 'binomial';
  const counts = spec.family === 'poisson' || spec.family === 'negbinomial';
  const names = ppc.statistics.map((s) => PPC_STATISTIC_LABELS[s.name]).join(', ');
  const overlay: PlotSpec[] =
    binary || ppc.replicates.length === 0
      ? []
      : counts
        ? [countsOverlaySpec(spec.y, ppc.replicates, { outcome: spec.outcome, title: `Posterior predictive check: counts of ${spec.outcome}` })]
        : [
            densityOverlaySpec(spec.y, ppc.replicates, {
              outcome: spec.outcome,
              logScale: spec.family !== 'gaussian',
              title: `Posterior predictive check: distribution of ${spec.outcome}`,
            }),
          ];
  return {
    title: 'Posterior predictive check',
    text:
      `${ppc.draws} data sets replicated from the ${spec.family} model, one per posterior draw, compared with the observed ` +
      `${spec.outcome} by ${names}. The p-value is the share of replicated data sets whose statistic is at or above the ` +
      'observed one: near 0 or 1, the model does not reproduce that feature of the data' +
      (counts ? ' (a dispersion p-value near 0 says the counts vary more than the model allows).' : '.'),
    tables: [
      {
        caption: 'Observed and replicated statistics',
        columns: ['statistic', 'observed', 'replicated mean', 'q5', 'q95', 'p-value'],
        rows: ppc.statistics.map((s) => [PPC_STATISTIC_LABELS[s.name], s.observed, s.mean, s.p05, s.p95, s.pValue]),
      },
    ],
    plots: [
      ...overlay,
      ...ppc.statistics.map((s) =>
        ppcSpec(s.replicated, s.observed, { rateName: PPC_STATISTIC_LABELS[s.name], axisFormat: axisFormat(s.name) }),
      ),
    ],
  };
}

function looSection(loo: LooResult | string): ReportSection {
  if (typeof loo === 'string') return { title: 'PSIS-LOO', text: `Not computed: ${loo}`, tables: [] };
  return {
    title: 'PSIS-LOO',
    text:
      `Leave-one-out predictive accuracy by Pareto-smoothed importance sampling over ${loo.nObs} observations ` +
      '(the log predictive density of each observed outcome). Pareto k above 0.7 marks observations whose estimate is unreliable.' +
      (loo.warnings.length > 0 ? `\n\n${loo.warnings.join('\n\n')}` : ''),
    tables: looTables(loo),
    plots: [paretoKSpec(loo.pointwise.paretoK)],
  };
}

/**
 * The group effects by level: a forest plot per varying term whose effects are in the draws, capped at the extreme
 * levels past 40 (src/report/effect-forest.ts), so a 10⁵-level model's page carries 20 levels per term; null for a
 * model without varying terms.
 */
export function effectsSection(input: Pick<ModelReportInput, 'spec' | 'draws' | 'effectsWhere'>): ReportSection | null {
  const { spec, draws } = input;
  const index = new Map(draws.names.map((n, i) => [n, i]));
  const terms = spec.terms.filter((term) => index.has(`r_${spec.groups[term.group].name}__${term.term}[1]`));
  if (terms.length === 0) return null;
  const link = spec.link ?? familyModule(spec.family).link;
  const scale = linkScaleShort(spec.family, link);
  const forests = terms.map((term) => {
    const group = spec.groups[term.group];
    const withFixed = term.term !== 'Intercept' && spec.fixed.names.includes(term.term);
    return termForest(draws, index, { group: group.name, levels: group.levels, term: term.term, withFixed }, scale);
  });
  const note = forestNote(forests, input.effectsWhere);
  return {
    title: 'Effects by group',
    text: `Posterior mean and 10%–90% interval per level, on ${linkScale(spec.family, link)}.${note === '' ? '' : `\n\n${note}`}`,
    tables: forests.flatMap((f) => (f.table ? [f.table] : [])),
    plots: forests.map((f) => f.plot),
  };
}

export function modelReportSections(input: ModelReportInput): ReportSection[] {
  const effects = effectsSection(input);
  return [modelSection(input), samplerSection(input), ...(effects ? [effects] : []), ppcSection(input.spec, input.ppc), looSection(input.loo)];
}
