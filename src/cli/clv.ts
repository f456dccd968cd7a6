/**
 * `nutmeg clv --data transactions.csv --customer id --date date --amount amount [--horizon 52w] [--holdout 26w]`:
 * customer lifetime value from raw transactions — the RFM summary, Bayesian BG/NBD + Gamma-Gamma (issue 19), per
 * customer P(alive), expected purchases and value over the horizon with 90% intervals, and the holdout check.
 * Prints the population parameters, the customer base's totals and the holdout table; --out DIR writes the run
 * layout of `nutmeg fit --out` (chain CSVs, fit.json) with customers.csv and report.html; --report FILE the page alone.
 */
import type { Command } from 'commander';
import { fitClv, type ClvResult } from '../analyses/clv/clv-fit.js';
import { clvReportSections, clvTotalsTable, holdoutTable } from '../report/clv-report.js';
import { customersCsv } from '../analyses/clv/customers-csv.js';
import { parseWeeks } from '../analyses/clv/dates.js';
import { loadData } from '../data/load.js';
import { csvDialectOptions, csvDialectRequest, dataNotes, type ColumnTypeFlags } from './column-types.js';
import { SIMULATED_PREFIX } from '../data/datasets.js';
import { summaryTable } from '../report/summary-table.js';
import { UserError } from '../errors.js';
import { SETTING_RANGES, rangeText } from '../fit/bounds.js';
import { densityRunMeta, saveDensityRun } from '../io/density-run.js';
import { checkOutDir, checkOutFile, writeFileFully } from '../io/out-target.js';
import { renderTable } from '../report/table.js';
import { progressReporter } from '../report/sampling-progress.js';
import { intIn, positiveInt, probability } from './options.js';
import { trapStopSignals } from './signals.js';
import { packageVersion } from './version.js';
import { join, resolve } from 'node:path';

interface ClvFlags extends Pick<ColumnTypeFlags, 'sep' | 'decimal'> {
  targetAccept?: string;
  data: string;
  customer: string;
  date: string;
  amount: string;
  horizon: string;
  holdout?: string;
  chains: string;
  warmup: string;
  draws: string;
  seed: string;
  simCustomers?: string;
  out?: string;
  overwrite?: boolean;
  report?: string;
  loglik?: boolean;
  quiet?: boolean;
}

function say(line: string): void {
  process.stderr.write(line + '\n');
}

const REPORT_TITLE = 'nutmeg clv: customer lifetime value';

async function reportPage(result: ClvResult, source: string): Promise<string> {
  // vega is loaded only when a report is written (issue 16 item 6)
  const { renderReport } = await import('../report/html.js');
  return renderReport(clvReportSections(result, source), { title: REPORT_TITLE, subtitle: `${source}, ${new Date().toISOString().slice(0, 10)}` });
}

async function run(f: ClvFlags): Promise<void> {
  const seed = intIn('--seed', f.seed, SETTING_RANGES.seed);
  const chains = intIn('--chains', f.chains, SETTING_RANGES.chains);
  const warmup = intIn('--warmup', f.warmup, SETTING_RANGES.warmup);
  const draws = intIn('--draws', f.draws, SETTING_RANGES.draws);
  const targetAccept = f.targetAccept === undefined ? undefined : probability('--target-accept', f.targetAccept);
  const horizonWeeks = parseWeeks(f.horizon, '--horizon');
  if (!(horizonWeeks > 0)) throw new UserError(`--horizon ${f.horizon}: give a positive duration, such as 52w`);
  const holdoutWeeks = f.holdout === undefined ? 0 : parseWeeks(f.holdout, '--holdout');
  const simulated = f.data.startsWith(SIMULATED_PREFIX);
  if (f.simCustomers !== undefined && f.data !== `${SIMULATED_PREFIX}clv`) throw new UserError(`--sim-customers applies to --data sim:clv, not to "${f.data}"`);
  const simCustomers = f.simCustomers === undefined ? undefined : positiveInt('--sim-customers', f.simCustomers, 1, 10_000_000);
  const outDir = f.out === undefined ? null : checkOutDir(f.out, { overwrite: f.overwrite });
  const reportFile = f.report === undefined ? null : checkOutFile(f.report, '--report');
  const types = simulated ? {} : { [f.customer]: 'categorical' as const, [f.date]: 'categorical' as const, [f.amount]: 'numeric' as const };
  const typeOrigin = simulated ? {} : { [f.customer]: '--customer', [f.date]: '--date', [f.amount]: '--amount' };
  const { frame } = loadData(f.data, seed, simCustomers, { types, typeOrigin, features: false, ...csvDialectRequest(f), ...dataNotes(f.quiet) });
  const progress = progressReporter({ quiet: f.quiet });
  const controller = new AbortController();
  const trap = trapStopSignals((signal) => {
    say(`\ninterrupted (${signal}): finishing the current iteration and keeping what was drawn; send it again to quit at once`);
    controller.abort();
  });
  let result: ClvResult;
  try {
    result = await fitClv(frame, {
      customer: f.customer,
      date: f.date,
      amount: f.amount,
      horizonWeeks,
      holdoutWeeks,
      chains,
      warmup,
      draws,
      seed,
      targetAccept,
      logLik: f.loglik ?? false,
      onProgress: progress.onProgress,
      signal: controller.signal,
    });
  } finally {
    trap.release();
  }
  progress.finish();
  const { rfm, fit } = result;
  const warnings = [...result.warnings];
  if (fit.sample.incomplete) warnings.push(`sampling was interrupted after ${fit.sample.samplingDone} of ${draws} draws; the output is marked incomplete`);
  const source = simulated ? f.data : resolve(f.data);
  const out = process.stdout;
  out.write(
    `Customer lifetime value of ${frame.source}: ${rfm.transactions} transactions, ${rfm.data.n} customers; calibration ${rfm.firstDate} to ${rfm.calibrationEnd}` +
      `${rfm.holdout ? `, holdout ${rfm.holdout.weeks} weeks to ${rfm.lastDate}` : ''}; BG/NBD + Gamma-Gamma, ${chains} chains × ${draws} draws (seed ${seed}).\n\n`,
  );
  out.write(renderTable(summaryTable(result.summary, ['mean', 'sd', 'q5', 'q95', 'r_hat', 'ess_bulk'])));
  out.write(`\nOver the next ${horizonWeeks} weeks (posterior mean and 90% interval; values undiscounted):\n`);
  out.write(renderTable(clvTotalsTable(result)));
  const hold = holdoutTable(result);
  if (hold) {
    out.write(`\nHoldout check: mean purchases per customer in the ${holdoutWeeks}-week holdout, by calibration repeat purchases:\n`);
    out.write(renderTable(hold));
  }
  for (const w of warnings) say(`warning: ${w}`);
  const page = outDir !== null || reportFile !== null ? await reportPage(result, source) : null;
  if (outDir !== null && page !== null) {
    const settings = {
      customer: f.customer,
      date: f.date,
      amount: f.amount,
      horizon_weeks: horizonWeeks,
      holdout_weeks: holdoutWeeks,
      calibration_end: rfm.calibrationEnd,
      priors: result.priors,
      prediction_draws: result.predictions.draws,
    };
    const meta = densityRunMeta(fit, settings, { source, seed: simulated ? seed : null, rows: frame.nRows }, packageVersion(), warnings);
    saveDensityRun(outDir, fit, meta, {
      extraFiles: (dir, write) => {
        writeFileFully(join(dir, 'customers.csv'), customersCsv(result), write);
        writeFileFully(join(dir, 'report.html'), page, write);
      },
    });
    if (!f.quiet) say(`wrote the run, customers.csv and report.html to ${outDir}`);
  }
  if (reportFile !== null && page !== null) {
    writeFileFully(reportFile, page);
    if (!f.quiet) say(`wrote the report to ${reportFile}`);
  }
}

export function register(program: Command): void {
  csvDialectOptions(
    program
      .command('clv')
      .description('customer lifetime value from raw transactions: Bayesian BG/NBD + Gamma-Gamma, per-customer P(alive), expected purchases and value with intervals, holdout check')
      .requiredOption('--data <file|sim:clv>', 'transactions: CSV, Parquet or Arrow IPC file with one row per purchase, or sim:clv (simulated, known parameters)'),
  )
    .requiredOption('--customer <column>', 'column of customer ids')
    .requiredOption('--date <column>', 'column of purchase dates, YYYY-MM-DD (a time after the date is ignored)')
    .requiredOption('--amount <column>', 'column of purchase amounts (≥ 0)')
    .option('--horizon <duration>', 'how far ahead to predict purchases and value, in weeks (52w) or days (365d)', '52w')
    .option('--holdout <duration>', 'hold out the last weeks of the data and compare their purchases with the prediction (e.g. 26w)')
    .option('--chains <n>', `chains (${rangeText(SETTING_RANGES.chains)})`, '4')
    .option('--warmup <n>', 'warm-up iterations per chain', '1000')
    .option('--draws <n>', 'draws per chain', '1000')
    .option('--seed <n>', `random seed (also of sim:clv) (${rangeText(SETTING_RANGES.seed)})`, '1')
    .option('--target-accept <p>', 'target acceptance statistic of step-size adaptation (default 0.8; raise it, e.g. 0.95, when the fit reports divergent transitions)')
    .option('--sim-customers <n>', 'customers of sim:clv (default 2,000)')
    .option('--out <dir>', 'write the run (CmdStan CSVs, fit.json), customers.csv (per-customer predictions) and report.html to this directory (new or empty)')
    .option('--overwrite', 'let --out replace an existing run directory')
    .option('--report <file>', 'write the HTML report to this file')
    .option('--loglik', 'keep every customer\'s pointwise log-likelihood per draw in the run (loglik.csv, for nutmeg loo); customers × draws values')
    .option('--quiet', 'no progress or notes on stderr')
    .addHelpText(
      'after',
      `
Examples:
  nutmeg clv --data sim:clv --customer customer --date date --amount amount --holdout 26w --out runs/clv
  nutmeg clv --data transactions.csv --customer id --date date --amount amount --horizon 52w --report clv.html`,
    )
    .action(run);
}
