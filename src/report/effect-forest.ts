/**
 * The forest plot of one varying term's effects by level, for the HTML reports (the served run page and the model
 * report): for a varying slope whose covariate is also a fixed effect, the total effect b + r[k] by level; otherwise
 * r[k]. Past FOREST_MAX_LEVELS levels only the FOREST_EXTREMES lowest and highest means are summarised, plotted and
 * tabulated, so a 10⁵-level term puts 20 levels' numbers into the page, not 10⁵ (issue 16 item 5), and the section's
 * note (forestNote) says so and where every level is.
 */
import { summarizeQuantity } from '../decision/draw-summary.js';
import { variableDraws, type DrawSet } from '../draws.js';
import { extremeIndices } from './extremes.js';
import type { ReportTable } from './html.js';
import { groupedInteger } from './integer-text.js';
import { forestSpec, type IntervalRow } from './plots/intervals.js';
import type { PlotSpec } from './plots/spec.js';

/** A term with more levels than this is plotted by its FOREST_EXTREMES lowest and highest levels. */
export const FOREST_MAX_LEVELS = 40;
export const FOREST_EXTREMES = 10;

/** What the plot needs to know of a term. */
export interface ForestTerm {
  /** Grouping factor's name and level names. */
  readonly group: string;
  readonly levels: readonly string[];
  /** "Intercept" or the covariate's label. */
  readonly term: string;
  /** Whether b_<term> is a fixed effect whose draws are added to each level's r (a varying slope). */
  readonly withFixed: boolean;
}

export interface TermForest {
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
 * FOREST_MAX_LEVELS, the FOREST_EXTREMES lowest and highest means in order of the mean.
 */
export function forestLevels(means: ArrayLike<number>): number[] {
  return means.length <= FOREST_MAX_LEVELS ? Array.from(means, (_, k) => k) : extremeIndices(means, FOREST_EXTREMES);
}

/** `index` maps variable names to their draw-set index; `scale` names the link scale for the axis ("log-odds"…). */
export function termForest(draws: DrawSet, index: ReadonlyMap<string, number>, term: ForestTerm, scale: string): TermForest {
  const fixed = term.withFixed ? variableDraws(draws, index.get(`b_${term.term}`) ?? -1) : null;
  const S = draws.nChains * draws.nDraws;
  const family = `r_${term.group}__${term.term}`;
  const effect = (k: number): Float64Array => variableDraws(draws, index.get(`${family}[${k + 1}]`) ?? -1);
  // the mean of b + r is the mean of b plus that of r: one pass per level picks the levels to plot
  const means = Float64Array.from(term.levels, (_, k) => {
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
    return { label: term.levels[k], mean: q.mean, low: q.p10, high: q.p90 };
  });
  const what = term.withFixed ? `Effect of ${term.term} by ${term.group} (b + r)` : `${term.term} by ${term.group} (group effects r)`;
  const capped = chosen.length < term.levels.length;
  const title = capped ? `${what}: the ${FOREST_EXTREMES} lowest and highest of ${groupedInteger(term.levels.length)} levels` : what;
  const table: ReportTable | null = capped
    ? { caption: title, columns: ['level', 'mean', 'q10', 'q90'], rows: rows.map((r) => [r.label, r.mean, r.low, r.high]) }
    : null;
  return { plot: forestSpec(rows, title, undefined, `effect (${scale})`), table, shown: chosen.length, levels: term.levels.length, family };
}

/**
 * The paragraph under the forest plots when some term was capped (empty otherwise); `where` is a command that prints
 * every level without the families (e.g. "nutmeg summary runs/x"), to which `--vars <families>` is appended.
 */
export function forestNote(forests: readonly TermForest[], where: string): string {
  const capped = forests.filter((f) => f.shown < f.levels);
  if (capped.length === 0) return '';
  return (
    `A term with more than ${FOREST_MAX_LEVELS} levels shows the ${FOREST_EXTREMES} levels with the lowest and the ` +
    `${FOREST_EXTREMES} with the highest means; every level: ${where} --vars ${capped.map((f) => f.family).join(',')}`
  );
}
