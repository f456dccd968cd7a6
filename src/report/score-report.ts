/**
 * What `nutmeg score` shows: the ranked customer list (rows by posterior mean uplift, else probability or expected
 * value, with intervals, P(uplift > 0) and the action), the classifier metrics and calibration table, and the report
 * page of a scoring run.
 */
import type { Frame } from '../data/frame.js';
import { probabilityAction, type ProbabilityThresholds } from '../decision/policy.js';
import type { Evaluation } from '../decision/score-evaluation.js';
import { rankOrder } from '../decision/score-ranking.js';
import { rowNewLevels, type ScoreResult } from '../decision/scoring.js';
import { UserError } from '../errors.js';
import type { ReportSection } from './html.js';
import { calibrationSpec } from './plots/calibration.js';
import type { Cell, Table } from './table.js';

/** Text of the --id column per row (any column kind). */
function idValues(frame: Frame, name: string): (row: number) => string {
  const column = frame.columns.get(name);
  if (!column) throw new UserError(`--id ${name}: ${frame.source} has no column "${name}"; columns: ${[...frame.columns.keys()].join(', ')}`);
  if (column.kind === 'categorical') return (i) => column.levels[column.codes[i]] ?? '';
  return (i) => String(column.values[i]);
}

const pct = (p: number): string => `${Math.round(p * 100)}%`;

/** For the terminal: counts (rank, row, rows, decile) as whole numbers rather than to significant digits. */
export function wholeNumbers(t: Table, names: readonly string[]): Table {
  const which = t.columns.map((c) => names.includes(c));
  return { columns: t.columns, rows: t.rows.map((r) => r.map((c, j) => (which[j] && typeof c === 'number' && Number.isInteger(c) ? String(c) : c))) };
}

export const COUNT_COLUMNS = ['rank', 'row', 'rows', 'decile', 'value'];

/** Separator of the group names in a row's new_levels cell. */
const GROUP_SEPARATOR = ';';

/** What a scoring run gave, over all its blocks of rows. */
export interface Scored {
  readonly n: number;
  readonly nDraws: number;
  readonly measure: ScoreResult['measure'];
  readonly uplift: boolean;
  readonly probability: boolean;
  readonly expected: boolean;
}

/** What the rows are ranked by: a column of the ranked list. */
export function rankedBy(result: Scored): string {
  return result.uplift ? 'uplift_mean' : result.probability ? 'p_mean' : 'expected_mean';
}

/** The ranked customer list (all rows, or the first `limit`). */
export function rankedTable(
  result: ScoreResult,
  frame: Frame,
  thresholds: ProbabilityThresholds,
  /** groups: whether the model has grouping factors (then a new_levels column lists a row's new ones). */
  /** firstRow: rows of the data before the frame's first (a block's row column counts from firstRow + 1). */
  options: { readonly id?: string; readonly outcome?: string; readonly limit?: number; readonly groups?: boolean; readonly firstRow?: number } = {},
): Table {
  const [lo, hi] = result.interval.map(pct);
  const id = options.id ? idValues(frame, options.id) : null;
  const outcome = options.outcome ? frame.columns.get(options.outcome) : undefined;
  const y = outcome && outcome.kind !== 'categorical' ? outcome.values : null;
  const columns = ['rank', 'row', ...(id ? [options.id as string] : [])];
  if (result.probability) columns.push('p_mean', `p_${lo}`, `p_${hi}`);
  if (result.expected) columns.push('expected_mean', `expected_${lo}`, `expected_${hi}`);
  if (result.uplift) {
    const arms = result.measure === 'probability' ? ['p_treated', 'p_control'] : ['expected_treated', 'expected_control'];
    columns.push(...arms, 'uplift_mean', `uplift_${lo}`, `uplift_${hi}`, 'prob_uplift_positive', 'action');
  }
  const groups = options.groups ?? false;
  if (groups) columns.push('new_levels');
  if (y) columns.push(options.outcome as string);
  const order = rankOrder(result);
  const count = Math.min(order.length, options.limit ?? order.length);
  const rows: Cell[][] = [];
  for (let r = 0; r < count; r++) {
    const i = order[r];
    const row: Cell[] = [r + 1, (options.firstRow ?? 0) + i + 1];
    if (id) row.push(id(i));
    const p = result.probability;
    if (p) row.push(p.mean[i], p.low[i], p.high[i]);
    const e = result.expected;
    if (e) row.push(e.mean[i], e.low[i], e.high[i]);
    const u = result.uplift;
    if (u && result.treated && result.control && result.probUpliftPositive) {
      const prob = result.probUpliftPositive[i];
      row.push(result.treated[i], result.control[i], u.mean[i], u.low[i], u.high[i], prob, probabilityAction(prob, thresholds));
    }
    if (groups) row.push(rowNewLevels(result, i).join(GROUP_SEPARATOR));
    if (y) row.push(y[i]);
    rows.push(row);
  }
  return { columns, rows };
}

export function metricsTable(e: Evaluation): Table {
  return {
    columns: ['metric', 'value'],
    rows: [
      ['rows', e.n],
      ['conversions', e.positives],
      ['ROC-AUC', e.rocAuc],
      ['log loss', e.logLoss],
      ['Brier score', e.brier],
    ],
  };
}

export function calibrationRows(e: Evaluation): Table {
  return {
    columns: ['decile', 'rows', 'min_predicted', 'max_predicted', 'mean_predicted', 'observed_rate'],
    rows: e.calibration.map((b) => [b.bin, b.n, b.minPredicted, b.maxPredicted, b.meanPredicted, b.observedRate]),
  };
}

export function rankedWhat(result: Scored): string {
  return result.uplift ? 'uplift' : result.probability ? 'probability' : 'expected value';
}

/** The report page of a scoring run: classifier metrics with the calibration curve, and the top of the ranked list. */
export function scoreSections(result: Scored, evaluation: Evaluation | null, head: Table, formula: string, source: string): ReportSection[] {
  const sections: ReportSection[] = [];
  const scored = `${result.n} rows of ${source} scored with ${result.nDraws} posterior draws of ${formula}.`;
  if (evaluation) {
    sections.push({
      title: 'How well the model predicts',
      text:
        `${scored}\n\nROC-AUC, log loss and Brier score of the posterior mean probability against the observed outcome, and ` +
        'calibration: rows cut into deciles of predicted probability, mean prediction beside the observed rate.',
      tables: [{ caption: 'Metrics', ...metricsTable(evaluation) }, { caption: 'Calibration by decile', ...calibrationRows(evaluation) }],
      plots: [calibrationSpec(evaluation.calibration)],
    });
  }
  if (head.rows.length > 0) {
    sections.push({
      title: `Top ${head.rows.length} rows by ${rankedWhat(result)}`,
      text: evaluation ? 'The start of the ranked customer list.' : `${scored}\n\nThe start of the ranked customer list.`,
      tables: [head],
    });
  }
  return sections;
}
