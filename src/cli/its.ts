/**
 * `nutmeg its --data series.csv --time date --outcome sales --intervention 2023-02-01 [--covariates a,b]
 * [--seasonality weekly|yearly --fourier K] [--family gaussian|student] [--placebos N] [--out DIR] [--report FILE]`:
 * interrupted time series (src/analyses/its.ts) — the effect of an intervention without a control group, from a
 * regression on the pre-period projected as the counterfactual, with placebo checks.
 */
import type { Command } from 'commander';
import { loadData } from '../data/load.js';
import { csvDialectOptions, csvDialectRequest, dataNotes, type ColumnTypeFlags } from './column-types.js';
import { analyzeIts } from '../analyses/its.js';
import { convergenceWarnings, samplerDiagnostics, samplerWarnings } from '../diagnostics/sampler-checks.js';
import { SETTING_RANGES, rangeText } from '../fit/bounds.js';
import { densityRunMeta, saveDensityRun } from '../io/density-run.js';
import { checkOutDir, checkOutFile } from '../io/out-target.js';
import { SEASONALITIES } from '../model/its/design.js';
import { ITS_FAMILIES } from '../model/its/model.js';
import { UserError } from '../errors.js';
import { effectTable, itsParameterRows, parameterTable, postPeriodTable } from '../report/its-tables.js';
import { renderTable } from '../report/table.js';
import { progressReporter } from '../report/sampling-progress.js';
import { intIn, intInRange, oneOf, probability } from './options.js';
import { trapStopSignals, signalExitCode } from './signals.js';
import { packageVersion } from './version.js';

interface ItsFlags extends Pick<ColumnTypeFlags, 'sep' | 'decimal'> {
  targetAccept?: string;
  data: string;
  time: string;
  outcome: string;
  intervention: string;
  covariates?: string;
  seasonality?: string;
  fourier?: string;
  family: string;
  interval: string;
  placebos: string;
  chains: string;
  warmup: string;
  draws: string;
  seed: string;
  out?: string;
  overwrite?: boolean;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function run(f: ItsFlags): Promise<void> {
  const family = oneOf('--family', f.family, ITS_FAMILIES);
  const seasonality = f.seasonality === undefined ? undefined : oneOf('--seasonality', f.seasonality, SEASONALITIES);
  const fourier = f.fourier === undefined ? undefined : intInRange('--fourier', f.fourier, 1, 20);
  const interval = probability('--interval', f.interval);
  const placebos = intInRange('--placebos', f.placebos, 0, 10);
  const chains = intIn('--chains', f.chains, SETTING_RANGES.chains);
  const warmup = intIn('--warmup', f.warmup, SETTING_RANGES.warmup);
  const draws = intIn('--draws', f.draws, SETTING_RANGES.draws);
  const targetAccept = f.targetAccept === undefined ? undefined : probability('--target-accept', f.targetAccept);
  const seed = intIn('--seed', f.seed, SETTING_RANGES.seed);
  const covariates = f.covariates === undefined ? [] : f.covariates.split(',').map((c) => c.trim());
  if (covariates.some((c) => c === '')) throw new UserError(`--covariates ${f.covariates}: an empty name; give comma-separated column names`);
  // refused before any fitting, not after
  const outDir = f.out === undefined ? null : checkOutDir(f.out, { overwrite: f.overwrite });
  const reportFile = f.report === undefined ? null : checkOutFile(f.report, '--report');
  const { frame, truth } = loadData(f.data, seed, undefined, { ...csvDialectRequest(f), ...dataNotes(f.quiet) });
  if (!f.quiet && truth) say(`data: ${frame.source} (${frame.nRows} rows, simulated with known parameters)`);
  const progress = progressReporter({ quiet: f.quiet || f.json === true });
  const controller = new AbortController();
  const trap = trapStopSignals((signal) => {
    say(`\ninterrupted (${signal}): finishing the current iteration and keeping what was drawn; send it again to quit at once`);
    controller.abort();
  });
  try {
    const result = await analyzeIts(frame, {
      time: f.time,
      outcome: f.outcome,
      intervention: f.intervention,
      covariates,
      seasonality,
      fourier,
      family,
      interval,
      placebos,
      fit: { chains, warmup, draws, seed, targetAccept, onProgress: progress.onProgress, signal: controller.signal },
      log: (line) => {
        if (!f.quiet && !f.json) say(line);
      },
    });
    progress.finish();
    const s = result.fit.sample;
    const warnings = [
      ...result.warnings,
      ...samplerWarnings(samplerDiagnostics(result.fit.stats, s.settings.maxTreeDepth)).map((w) => w.message),
      ...convergenceWarnings(itsParameterRows(result), chains).map((w) => w.message),
    ];
    if (s.incomplete) warnings.push(`sampling was interrupted after ${s.samplingDone} of ${s.settings.draws} draws; the output is marked incomplete`);
    const flagged = result.placebos.filter((p) => p.cumulative.low > 0 || p.cumulative.high < 0);
    if (flagged.length > 0) {
      warnings.push(`placebo check: ${flagged.length} of ${result.placebos.length} fake interventions (${flagged.map((p) => p.intervention).join(', ')}) show an effect whose interval excludes 0; the counterfactual may be misspecified`);
    }
    for (const w of warnings) say(`warning: ${w}`);
    if (outDir !== null) {
      const settings = {
        time: f.time,
        outcome: f.outcome,
        intervention: f.intervention,
        covariates,
        seasonality: seasonality ?? null,
        fourier: seasonality === undefined ? null : (fourier ?? 2),
        family,
        design: result.design.names,
        scaling: result.design.scaling,
        priors: result.model.priors,
        pre_rows: result.series.nPre,
        post_rows: result.series.time.length - result.series.nPre,
      };
      const data = { source: f.data, seed: truth ? seed : null, rows: frame.nRows };
      saveDensityRun(outDir, result.fit, densityRunMeta(result.fit, settings, data, packageVersion(), warnings));
      if (!f.quiet) say(`run written to ${outDir}`);
    }
    if (reportFile !== null) {
      // vega is loaded only for a report
      const [{ writeReport }, { itsReportSections }] = await Promise.all([import('../report/html.js'), import('../report/its-report.js')]);
      await writeReport(reportFile, itsReportSections(result, f.outcome), { title: `Interrupted time series: ${f.outcome}`, subtitle: `${frame.source}; intervention ${f.intervention}` });
      if (!f.quiet) say(`report written to ${reportFile}`);
    }
    if (f.json) {
      process.stdout.write(
        JSON.stringify({ effect: result.effect, placebos: result.placebos, interval, design: result.design.names, family, rows: result.rows, warnings }, null, 2) + '\n',
      );
      return;
    }
    const e = result.effect;
    process.stdout.write(
      `Interrupted time series of "${f.outcome}" in ${frame.source}: ${e.preRows} points before ${e.intervention}, ${e.postRows} from it on; ` +
        `regression on ${result.design.names.join(', ')} with ${family} errors; ${Math.round(interval * 100)}% intervals.\n\n`,
    );
    process.stdout.write(renderTable(effectTable([e], interval, 'intervention'), 'table', { digits: 4 }));
    if (result.placebos.length > 0) {
      process.stdout.write('\nPlacebo checks (fake interventions in the pre-period; the effect there should be near 0):\n');
      process.stdout.write(renderTable(effectTable(result.placebos, interval, 'placebo'), 'table', { digits: 4 }));
    }
    process.stdout.write('\n');
    process.stdout.write(renderTable(parameterTable(result), 'table', { digits: 4 }));
    if (postPeriodTable(result).rows.length <= 20) process.stdout.write(`\n${renderTable(postPeriodTable(result), 'table', { digits: 4 })}`);
  } finally {
    const signal = trap.caught();
    trap.release();
    if (signal !== null) process.exitCode = signalExitCode(signal);
  }
}

export function register(program: Command): void {
  csvDialectOptions(
    program
      .command('its')
      .description('interrupted time series: effect of an intervention from a pre-period regression projected as the counterfactual, with placebo checks')
      .requiredOption('--data <file>', 'CSV, Parquet or Arrow IPC file, one row per time (or sim:its)'),
  )
    .requiredOption('--time <column>', 'time column: dates YYYY-MM-DD or numbers, strictly increasing')
    .requiredOption('--outcome <column>', 'numeric outcome column, e.g. sales')
    .requiredOption('--intervention <time>', 'first time of the post-period (a date or number, as the time column)')
    .option('--covariates <list>', 'comma-separated numeric columns, known in both periods')
    .option('--seasonality <period>', `Fourier seasonality: ${SEASONALITIES.join(' or ')} (needs dates)`)
    .option('--fourier <K>', 'Fourier order: K sin/cos pairs (default 2 with --seasonality)')
    .option('--family <name>', `error distribution: ${ITS_FAMILIES.join(', ')}`, 'gaussian')
    .option('--interval <p>', 'central interval probability', '0.9')
    .option('--placebos <n>', 'placebo interventions in the pre-period (0 to 10)', '2')
    .option('--chains <n>', `chains (${rangeText(SETTING_RANGES.chains)})`, '4')
    .option('--warmup <n>', 'warm-up iterations per chain (the maximum)', '1000')
    .option('--draws <n>', 'draws per chain', '1000')
    .option('--seed <n>', `random seed (${rangeText(SETTING_RANGES.seed)})`, '1')
    .option('--target-accept <p>', 'target acceptance statistic of step-size adaptation (default 0.8; raise it, e.g. 0.95, when the fit reports divergent transitions)')
    .option('--out <dir>', 'write the run (chain CSVs, fit.json, loglik.csv) to DIR, as nutmeg fit --out')
    .option('--overwrite', 'replace an existing run in --out')
    .option('--report <file>', 'write an HTML report with the observed-vs-counterfactual plot')
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no progress or notes on stderr')
    .addHelpText(
      'after',
      `
Examples:
  nutmeg its --data sim:its --time date --outcome sales --intervention 2023-05-31 --covariates temperature --seasonality weekly --fourier 2
  nutmeg its --data series.csv --time week --outcome sales --intervention 2023-02-01 --family student --out its-run --report its.html`,
    )
    .action(run);
}
