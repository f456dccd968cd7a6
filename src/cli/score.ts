/**
 * `nutmeg score RUN_DIR --data FILE`: score rows with a fitted run's posterior (src/decision/scoring.ts) — per row the
 * posterior mean and interval of the expected outcome (P(convert) for bernoulli/binomial), and of the uplift when the
 * model has a treatment — with ROC-AUC, log loss, Brier score and a calibration table when a bernoulli model's data
 * hold the outcome, and the ranked customer list as CSV. Rows at group levels the model has not seen are scored by
 * --new-levels (src/decision/new-levels.ts) and say which groups were new.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadDataBlocks } from '../data/load.js';
import { BLOCK_ROWS } from '../data/row-blocks.js';
import { rowLocation } from '../data/frame-build.js';
import { RankedLines } from '../io/ranked-lines.js';
import type { Frame } from '../data/frame.js';
import { DEFAULT_THRESHOLDS, checkThresholds } from '../decision/policy.js';
import { HILLSTROM_FEATURES } from '../data/hillstrom.js';
import { evaluateOutcomes, scoredOutcome, type Evaluation } from '../decision/score-evaluation.js';
import { prepareScoring } from '../decision/scoring-model.js';
import { rankKey } from '../decision/score-ranking.js';
import { recipeColumns, scoringColumns, TREATMENT_COLUMN } from '../decision/scoring-columns.js';
import { scoreFrame } from '../decision/scoring.js';
import { DEFAULT_NEW_LEVELS, newLevelMode, type NewLevelMode } from '../decision/new-levels.js';
import type { DesignRecipe } from '../model/recipe.js';
import { UserError } from '../errors.js';
import { checkOutFile } from '../io/out-target.js';
import { loadRun, requireEffectDraws } from '../io/run-dir.js';
import { writeReport } from '../report/html.js';
import { calibrationRows, COUNT_COLUMNS, metricsTable, rankedBy, rankedTable, rankedWhat, scoreSections, wholeNumbers, type Scored } from '../report/score-report.js';
import { renderCsvLine, renderTable, type Cell, type Table } from '../report/table.js';
import { SETTING_RANGES } from '../fit/bounds.js';
import { intIn, nonNegativeInt, positiveInt } from './options.js';
import { columnTypeOptions, columnTypeRequest, dataNotes, type ColumnTypeFlags } from './column-types.js';

interface ScoreFlags extends ColumnTypeFlags {
  data: string;
  seed: string;
  rows?: string;
  out?: string;
  report?: string;
  id?: string;
  interval: string;
  targetProb: string;
  testProb: string;
  top: string;
  newLevels: string;
  blockRows: string;
  json?: boolean;
  quiet?: boolean;
}

function say(line: string): void {
  process.stderr.write(line + '\n');
}

function parseInterval(text: string): [number, number] {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every((p) => p >= 0 && p <= 1) || !(parts[0] < parts[1])) {
    throw new UserError(`--interval must be two probabilities "low,high" with low < high, e.g. 0.1,0.9; got "${text}"`);
  }
  return [parts[0], parts[1]];
}

function probabilityFlag(flag: string, text: string): number {
  const v = Number(text);
  if (!(v >= 0 && v <= 1)) throw new UserError(`${flag} must be a probability between 0 and 1, got "${text}"`);
  return v;
}

/** How rows at new levels were scored, for the note on stderr. */
const NEW_LEVEL_NOTES: Readonly<Record<NewLevelMode, string>> = {
  zero: 'they are scored with that group effect at 0 (--new-levels zero; sample or uncertainty add the spread between groups)',
  sample: 'they are scored with that group effect drawn per draw from the fitted Normal(0, sd) (--new-levels sample, --seed)',
  uncertainty: 'they are scored with that group effect taken per draw from an existing level picked at random (--new-levels uncertainty, --seed)',
};

/**
 * A run written before recipes kept derivations reads recency_z etc. as plain columns; computing them from the
 * scored rows would make each score depend on the rest of the file, so such rows are refused with what to do.
 */
function requireRecordedFeatures(dir: string, recipe: DesignRecipe, frame: Frame): void {
  if (recipe.derived !== undefined) return;
  const used = recipeColumns(recipe);
  const missing = HILLSTROM_FEATURES.filter((c) => c !== TREATMENT_COLUMN && used.has(c) && !frame.columns.has(c));
  if (missing.length === 0) return;
  const names = missing.map((c) => `"${c}"`).join(' and ');
  throw new UserError(
    `${frame.source} has no column ${names}, and ${join(dir, 'fit.json')} does not record how the training data's ${names} ` +
      `were computed (the run was written by an older nutmeg); refit the run to score raw rows, or add ${names} ` +
      'standardized with the training data\'s mean and sd',
  );
}

/** The best `limit` rows of the ranked list so far, with their sort keys (key descending, row ascending). */
interface HeadRow {
  readonly key: number;
  readonly row: number;
  readonly cells: Cell[];
}

function mergeHead(head: HeadRow[], more: readonly HeadRow[], limit: number): HeadRow[] {
  if (limit === 0) return head;
  const all = head.concat(more);
  all.sort((a, b) => b.key - a.key || a.row - b.row);
  return all.slice(0, limit);
}

/** A growing typed array (outcomes and predictions for the metrics, which need every row). */
class Growing<T extends Float64Array | Uint8Array> {
  length = 0;
  constructor(private values: T) {}
  push(from: ArrayLike<number>): void {
    if (this.length + from.length > this.values.length) {
      const bigger = new (this.values.constructor as new (n: number) => T)(Math.max(2 * this.values.length, this.length + from.length));
      bigger.set(this.values.subarray(0, this.length));
      this.values = bigger;
    }
    this.values.set(from, this.length);
    this.length += from.length;
  }
  get all(): T {
    return this.values.subarray(0, this.length) as T;
  }
}

async function run(runDir: string, f: ScoreFlags): Promise<void> {
  const interval = parseInterval(f.interval);
  const thresholds = checkThresholds({ target: probabilityFlag('--target-prob', f.targetProb), test: probabilityFlag('--test-prob', f.testProb) });
  const top = nonNegativeInt('--top', f.top);
  const newLevels = newLevelMode(f.newLevels, '--new-levels');
  const blockRows = positiveInt('--block-rows', f.blockRows);
  // before any data are read or scored: an output that cannot be written is refused now
  if (f.out !== undefined) checkOutFile(f.out, '--out');
  if (f.report !== undefined) checkOutFile(f.report, '--report');
  // the z of a non-centered term are not read: its effects r take their place (half the memory of 10⁵ levels' draws)
  const run = loadRun(runDir, 'nutmeg score', { keepZ: false });
  requireEffectDraws(runDir, run.meta, 'scoring');
  const { recipe } = run.meta;
  // raw rows: the run's recipe derives treatment, recency_z, … with the training constants (src/model/derived.ts)
  const rows = f.rows === undefined ? undefined : positiveInt('--rows', f.rows);
  const seed = intIn('--seed', f.seed, SETTING_RANGES.seed);
  const model = prepareScoring({ recipe, draws: run.draws });
  const groups = recipe.groups.length > 0;
  const t = performance.now();
  // rows in blocks (issue 16 item 7): each block read, scored (draws × block) and its ranked-list lines spilled to a
  // temporary file in a sorted run; only the metrics' outcome and prediction and the top rows are kept per row
  const spill = f.out ? new RankedLines() : null;
  try {
    let n = 0;
    let source = '';
    let shape: Scored | null = null;
    let columns: readonly string[] | null = null;
    let outcome: string | undefined;
    let evaluate = false;
    // the metrics' inputs: every row's 0/1 outcome (a byte) and posterior mean probability
    const ys = new Growing(new Uint8Array(1 << 16));
    const ps = new Growing(new Float64Array(1 << 16));
    const newLevelCounts = new Map<string, number>();
    let head: HeadRow[] = [];
    let headColumns: readonly string[] = [];
    // a Parquet or Arrow IPC file: only the columns scoring reads (the model's, --id's, the outcome's, …)
    const read = scoringColumns(recipe);
    // the model's columns are read as the fit read them (its --factor/--numeric, remembered in fit.json), so that a zip
    // code fitted as text ("007") is not read back as the number 7, a level the model never saw; flags given here win
    const request = columnTypeRequest(f);
    const fitted = Object.entries(run.meta.data.types ?? {}).filter(([name]) => read.needed.includes(name));
    const dataOptions = {
      ...request,
      types: { ...Object.fromEntries(fitted), ...request.types },
      ...dataNotes(f.quiet),
      columns: [...read.needed, ...(f.id === undefined ? [] : [f.id])],
      optionalColumns: read.optional,
    };
    for (const block of loadDataBlocks(f.data, seed, rows, dataOptions, blockRows)) {
      if (shape === null) {
        source = block.source;
        requireRecordedFeatures(run.dir, recipe, block);
        outcome = block.columns.has(recipe.outcome) ? recipe.outcome : undefined;
      }
      const result = scoreFrame(model, block, { interval, newLevels, seed });
      if (shape === null) {
        shape = { n: 0, nDraws: result.nDraws, measure: result.measure, uplift: result.uplift !== null, probability: result.probability !== null, expected: result.expected !== null };
        // classifier metrics need a 0/1 outcome: bernoulli models only
        evaluate = result.probability !== null && recipe.family === 'bernoulli' && outcome !== undefined;
      }
      for (const [group, count] of result.newLevelRows) newLevelCounts.set(group, (newLevelCounts.get(group) ?? 0) + count);
      if (evaluate && result.probability) {
        ys.push(scoredOutcome(recipe, block) as Float64Array);
        ps.push(result.probability.mean);
      }
      const key = rankKey(result);
      const options = { id: f.id, outcome, groups, firstRow: n };
      const ranked = spill ? rankedTable(result, block, thresholds, options) : null;
      if (spill && ranked) {
        const table = ranked;
        if (columns === null) columns = table.columns;
        else if (table.columns.join(',') !== columns.join(',')) {
          throw new UserError(`${source}: the columns of the rows from ${rowLocation(block, 0)} on read differently from the first rows' (${table.columns.join(', ')} vs ${columns.join(', ')}); state the column types with --numeric or --factor`);
        }
        const rowNumbers = new Float64Array(table.rows.length);
        const keys = new Float64Array(table.rows.length);
        const lines = table.rows.map((cells, k) => {
          rowNumbers[k] = cells[1] as number;
          keys[k] = key[rowNumbers[k] - n - 1];
          return renderCsvLine(cells.slice(1));
        });
        spill.addBlock(keys, rowNumbers, lines);
      }
      if (top > 0) {
        const best = ranked ? { columns: ranked.columns, rows: ranked.rows.slice(0, top) } : rankedTable(result, block, thresholds, { ...options, limit: top });
        headColumns = best.columns;
        head = mergeHead(head, best.rows.map((cells) => ({ key: key[(cells[1] as number) - n - 1], row: cells[1] as number, cells: [...cells] })), top);
      }
      n += block.nRows;
    }
    if (shape === null || n === 0) throw new UserError(`${source || f.data} has no data rows to score`);
    const result: Scored = { ...shape, n };
    const seconds = (performance.now() - t) / 1000;
    const evaluation = evaluate ? evaluateOutcomes(ys.all, ps.all) : null;
    // the grouping factors with new levels in the model's order, as one whole-frame result lists them
    const newLevelRows = new Map(recipe.groups.flatMap((g) => (newLevelCounts.has(g.name) ? [[g.name, newLevelCounts.get(g.name) as number] as const] : [])));
    if (!f.quiet) {
      say(`scored ${n} rows of ${source} with ${result.nDraws} draws of "${recipe.formula}" in ${seconds.toFixed(2)} s`);
      for (const [group, count] of newLevelRows) {
        say(`note: ${count} rows have a ${group} level the model has not seen; ${NEW_LEVEL_NOTES[newLevels]}`);
      }
      const what = result.measure === 'probability' ? 'P(convert)' : `E[${recipe.outcome}]`;
      const own = result.probability || result.expected;
      if (!own && result.uplift) say(`note: no "${model.treatment}" column, so ${what} is given under both arms only`);
      if (!evaluation && result.probability && recipe.family === 'bernoulli') {
        say(`note: no "${recipe.outcome}" column, so no ROC-AUC, log loss, Brier score or calibration`);
      }
    }
    if (spill && f.out && columns) {
      writeRanked(f.out, columns, spill);
      if (!f.quiet) say(`wrote the ranked list of ${n} rows to ${f.out}`);
    }
    head.forEach((h, r) => (h.cells[0] = r + 1));
    const headTable: Table = {
      columns: headColumns,
      rows: head.map((h) => h.cells),
    };
    await present(f, run.dir, recipe, result, evaluation, headTable, source, interval, newLevels, seed, newLevelRows, top);
  } finally {
    spill?.close();
  }
}

/** The ranked list as CSV: the header, then every line in rank order with its rank. */
function writeRanked(out: string, columns: readonly string[], spill: RankedLines): void {
  let fd: number;
  try {
    fd = openSync(out, 'w');
  } catch (e) {
    throw new UserError(`cannot write --out ${out}: ${(e as Error).message}`);
  }
  try {
    let text = renderCsvLine(columns) + '\n';
    for (const [rank, line] of spill.merged()) {
      text += `${rank},${line}\n`;
      if (text.length >= 1 << 20) {
        writeSync(fd, text);
        text = '';
      }
    }
    writeSync(fd, text);
  } catch (e) {
    throw new UserError(`cannot write --out ${out}: ${(e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** The metrics, the report and the top rows: on stdout (table or JSON) and in --report. */
async function present(
  f: ScoreFlags,
  runDir: string,
  recipe: DesignRecipe,
  result: Scored,
  evaluation: Evaluation | null,
  head: Table,
  source: string,
  interval: [number, number],
  newLevels: NewLevelMode,
  seed: number,
  newLevelRows: ReadonlyMap<string, number>,
  top: number,
): Promise<void> {
  if (f.report) {
    await writeReport(f.report, scoreSections(result, evaluation, head, recipe.formula, source), {
      title: 'nutmeg score',
      subtitle: `${runDir} on ${source}`,
    });
    if (!f.quiet) say(`wrote the report to ${f.report}`);
  }
  if (f.json) {
    const json = {
      run: runDir,
      data: source,
      formula: recipe.formula,
      rows: result.n,
      draws: result.nDraws,
      interval,
      family: recipe.family,
      measure: result.measure,
      ranked_by: rankedBy(result),
      new_levels: newLevels,
      ...(newLevels === 'zero' ? {} : { new_levels_seed: seed }),
      new_level_rows: Object.fromEntries(newLevelRows),
      metrics: evaluation
        ? { rows: evaluation.n, conversions: evaluation.positives, roc_auc: evaluation.rocAuc, log_loss: evaluation.logLoss, brier: evaluation.brier }
        : null,
      calibration: evaluation ? JSON.parse(renderTable(calibrationRows(evaluation), 'json')) : null,
      top: JSON.parse(renderTable(head, 'json')),
    };
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return;
  }
  if (evaluation) {
    process.stdout.write(renderTable(wholeNumbers(metricsTable(evaluation), COUNT_COLUMNS), 'table', { digits: 4 }) + '\n');
    process.stdout.write('Calibration by decile of predicted probability\n' + renderTable(wholeNumbers(calibrationRows(evaluation), COUNT_COLUMNS)) + '\n');
  }
  if (top > 0) {
    process.stdout.write(`Top ${head.rows.length} rows by ${rankedWhat(result)}\n` + renderTable(wholeNumbers(head, COUNT_COLUMNS)));
  }
}

export function register(program: Command): void {
  columnTypeOptions(
    program
      .command('score')
      .description('score rows with a fitted run: expected outcome (P(convert) for bernoulli) and uplift per row, classifier metrics, a ranked list')
      .argument('<run_dir>', 'a run written by nutmeg fit --out')
      .requiredOption('--data <file|sim:name>', 'rows to score: CSV, Parquet or Arrow IPC file with the model\'s raw columns (recency, history, …: derived ones such as recency_z are computed with the training constants; the outcome is optional), or sim:hillstrom'),
  )
    .option('--seed <n>', 'seed of a sim: data set, and of the new levels\' draws (--new-levels sample|uncertainty)', '1')
    .option('--rows <n>', 'rows to simulate for a sim: data set')
    .option('--out <file>', 'write the ranked list of every row as CSV')
    .option('--report <file>', 'write an HTML page with the metrics, the calibration curve and the top rows')
    .option('--id <column>', 'column that identifies a customer, copied to the ranked list')
    .option('--interval <low,high>', 'interval probabilities', '0.1,0.9')
    .option('--target-prob <p>', 'P(uplift > 0) at or above which the action is "target"', String(DEFAULT_THRESHOLDS.target))
    .option('--test-prob <p>', 'P(uplift > 0) at or above which the action is "test more"', String(DEFAULT_THRESHOLDS.test))
    .option('--top <n>', 'rows of the ranked list to print', '10')
    .option(
      '--new-levels <mode>',
      'effects of group levels the model has not seen: zero (the population-level prediction), sample (drawn from the fitted group distribution per draw) or uncertainty (an existing level\'s, at random per draw)',
      DEFAULT_NEW_LEVELS,
    )
    .option('--block-rows <n>', 'rows read and scored at a time (memory grows with rows × draws of one block, not with the file)', String(BLOCK_ROWS))
    .option('--json', 'print metrics, calibration and the top rows as JSON')
    .option('--quiet', 'no notes on stderr')
    .addHelpText(
      'after',
      `
Examples:
  nutmeg score runs/hier --data hillstrom.csv --out ranked.csv
  nutmeg score runs/hier --data new-customers.csv --id customer_id --json
  nutmeg score runs/hier --data new-stores.csv --new-levels uncertainty --seed 7`,
    )
    .action(run);
}
