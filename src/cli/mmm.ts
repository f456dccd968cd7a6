/**
 * `nutmeg mmm --data weekly.csv --date week --outcome sales --channels tv,search,social [--controls …]
 * [--saturation logistic|hill] [--max-lag 8] [--budget TOTAL [--horizon 8] [--bounds tv=0:100,…]] [--lift-tests lift.csv]`: the Bayesian
 * media-mix model (src/analyses/mmm/), its channel contributions and ROAS with intervals, response curves and the
 * budget optimiser; --out writes the run (CmdStan CSVs, fit.json, loglik.csv), --report an HTML report.
 */
import type { Command } from 'commander';
import { runMmm, DEFAULT_HORIZON, type MmmResult } from '../analyses/mmm/analysis.js';
import { loadData } from '../data/load.js';
import { csvDialectOptions, csvDialectRequest, dataNotes, type ColumnTypeFlags } from './column-types.js';
import { densityRunMeta, saveDensityRun } from '../io/density-run.js';
import { checkOutDir, checkOutFile } from '../io/out-target.js';
import { SETTING_RANGES, rangeText } from '../fit/bounds.js';
import { UserError } from '../errors.js';
import { liftTestsFromFrame } from '../model/mmm/lift-input.js';
import { mmmBudgetTable, mmmBudgetText, mmmChannelTable, mmmReportSections } from '../report/mmm-report.js';
import { renderTable } from '../report/table.js';
import { intIn, intInRange, oneOf, probability } from './options.js';
import { packageVersion } from './version.js';

interface MmmFlags extends Pick<ColumnTypeFlags, 'sep' | 'decimal'> {
  data: string;
  date: string;
  outcome: string;
  channels: string;
  controls?: string;
  saturation: string;
  maxLag: string;
  fourier: string;
  trend: boolean;
  budget?: string;
  horizon: string;
  bounds?: string;
  liftTests?: string;
  chains: string;
  warmup: string;
  draws: string;
  seed: string;
  interval: string;
  targetAccept?: string;
  out?: string;
  overwrite?: boolean;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

function list(flag: string, text: string | undefined): string[] {
  if (text === undefined) return [];
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UserError(`${flag} "${text}": an empty name; separate column names with commas, e.g. tv,search`);
  return items;
}

function positiveNumber(flag: string, text: string): number {
  const v = Number(text);
  if (!(Number.isFinite(v) && v > 0)) throw new UserError(`${flag} ${text}: give a positive number`);
  return v;
}

function resultJson(r: MmmResult, truth: Record<string, number> | null): unknown {
  return {
    channels: r.channels.map((c) => ({
      channel: c.channel,
      spend: c.spend,
      contribution: c.contribution,
      roas: c.roas,
      ...(truth?.[`roas[${c.channel}]`] !== undefined ? { trueRoas: truth[`roas[${c.channel}]`] } : {}),
    })),
    responseCurves: r.curves.map((c) => ({ channel: c.channel, multipliers: Array.from(c.multipliers), spend: Array.from(c.spend), mean: Array.from(c.mean), lower: Array.from(c.lower), upper: Array.from(c.upper) })),
    budget: r.budget === null ? null : {
      ...r.budget,
      lower: Array.from(r.budget.lower),
      upper: Array.from(r.budget.upper),
      current: Array.from(r.budget.current),
      optimised: Array.from(r.budget.optimised),
    },
    divergences: r.fit.sample.divergences.reduce((a, b) => a + b, 0),
  };
}

async function run(f: MmmFlags): Promise<void> {
  const seed = intIn('--seed', f.seed, SETTING_RANGES.seed);
  const chains = intIn('--chains', f.chains, SETTING_RANGES.chains);
  const warmup = intIn('--warmup', f.warmup, SETTING_RANGES.warmup);
  const draws = intIn('--draws', f.draws, SETTING_RANGES.draws);
  const level = probability('--interval', f.interval);
  const targetAccept = f.targetAccept === undefined ? undefined : probability('--target-accept', f.targetAccept);
  const saturation = oneOf('--saturation', f.saturation, ['logistic', 'hill'] as const);
  const maxLag = intInRange('--max-lag', f.maxLag, 1, 104);
  const fourierOrder = intInRange('--fourier', f.fourier, 0, 20);
  const horizon = intInRange('--horizon', f.horizon, 1, 520);
  const budget = f.budget === undefined ? undefined : positiveNumber('--budget', f.budget);
  if (f.bounds !== undefined && budget === undefined) throw new UserError('--bounds limits the split of --budget; give --budget TOTAL too');
  const outDir = f.out === undefined ? null : checkOutDir(f.out, { overwrite: f.overwrite });
  const reportFile = f.report === undefined ? null : checkOutFile(f.report, '--report');
  const { frame, truth } = loadData(f.data, seed, undefined, { ...csvDialectRequest(f), ...dataNotes(f.quiet) });
  const channels = list('--channels', f.channels);
  const controls = list('--controls', f.controls);
  const liftTests = f.liftTests === undefined ? undefined : liftTestsFromFrame(loadData(f.liftTests, seed, undefined, dataNotes(f.quiet)).frame, channels);
  const say = f.quiet ? () => {} : (line: string) => process.stderr.write(line + '\n');
  say(`mmm: ${channels.length} channels, ${frame.nRows} weeks, ${chains} chains × ${draws} draws (${warmup} warm-up)…`);
  const result = await runMmm(frame, {
    date: f.date,
    outcome: f.outcome,
    channels,
    controls,
    settings: { saturation, maxLag, fourierOrder, trend: f.trend },
    fit: { chains, warmup, draws, seed, targetAccept },
    budget,
    horizon,
    bounds: f.bounds,
    level,
    liftTests,
  });
  const divergences = result.fit.sample.divergences.reduce((a, b) => a + b, 0);
  const warnings = divergences > 0 ? [`warning: ${divergences} divergent transitions after warm-up; intervals may be off (try --target-accept 0.95)`] : [];
  for (const w of warnings) say(w);
  if (outDir !== null) {
    const settings = {
      date: f.date,
      outcome: f.outcome,
      channels,
      controls,
      saturation,
      maxLag,
      fourierOrder,
      trend: f.trend,
      outcomeScale: result.design.yScale,
      spendScale: Array.from(result.design.spendScale),
      liftTests: liftTests ?? [],
    };
    const meta = densityRunMeta(result.fit, settings, { source: f.data, seed: truth ? seed : null, rows: frame.nRows }, packageVersion(), warnings);
    saveDensityRun(outDir, result.fit, meta);
    say(`wrote the run to ${outDir}`);
  }
  if (reportFile !== null) {
    const { writeReport } = await import('../report/html.js');
    const weeks = Array.from(result.design.days, (d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    const sections = mmmReportSections({
      outcome: f.outcome,
      weeks,
      channels: result.channels,
      curves: result.curves,
      budget: result.budget,
      level,
      saturation,
      maxLag,
      divergences,
      warnings,
    });
    await writeReport(reportFile, sections, { title: `nutmeg mmm: ${f.outcome}`, subtitle: frame.source });
    say(`wrote the report to ${reportFile}`);
  }
  if (f.json) {
    process.stdout.write(JSON.stringify(resultJson(result, truth), null, 2) + '\n');
    return;
  }
  process.stdout.write(`Media-mix model of "${f.outcome}" in ${frame.source}: ${saturation} saturation, adstock over ${maxLag} weeks${liftTests === undefined ? '' : `; calibrated with ${liftTests.length} lift test${liftTests.length === 1 ? '' : 's'}`}; intervals ${Math.round(level * 100)}%.\n\n`);
  const table = mmmChannelTable(result.channels);
  const withTruth = truth !== null && result.channels.every((c) => truth[`roas[${c.channel}]`] !== undefined);
  const shown = withTruth
    ? { columns: [...table.columns, 'true_roas'], rows: table.rows.map((row, i) => [...row, truth[`roas[${result.channels[i].channel}]`]]) }
    : table;
  process.stdout.write(renderTable(shown, 'table', { digits: 4 }));
  if (result.budget !== null) {
    process.stdout.write(`\n${mmmBudgetText(result.budget, level)}\n\n`);
    process.stdout.write(renderTable(mmmBudgetTable(result.budget), 'table', { digits: 4 }));
  }
}

export function register(program: Command): void {
  csvDialectOptions(
    program
      .command('mmm')
      .description('Bayesian media-mix model: adstock + saturation per channel, contributions and ROAS with intervals, response curves, budget optimiser')
      .requiredOption('--data <file|sim:mmm>', 'weekly table: CSV, Parquet or Arrow IPC file, or sim:mmm'),
  )
    .requiredOption('--date <column>', 'week column, YYYY-MM-DD, sorted, one row per week')
    .requiredOption('--outcome <column>', 'outcome column, e.g. sales')
    .requiredOption('--channels <columns>', 'spend columns, comma-separated, e.g. tv,search,social')
    .option('--controls <columns>', 'control columns, comma-separated (used as given, unscaled)')
    .option('--saturation <kind>', 'logistic or hill', 'logistic')
    .option('--max-lag <weeks>', 'adstock window: weeks a week\'s spend acts for (1–104)', '8')
    .option('--fourier <order>', 'yearly seasonality: Fourier order (0–20; 0 for none)', '2')
    .option('--no-trend', 'leave out the linear trend')
    .option('--budget <total>', 'split this total over --horizon weeks to maximise the expected outcome')
    .option('--horizon <weeks>', 'weeks the --budget covers (1–520)', String(DEFAULT_HORIZON))
    .option('--bounds <list>', 'per-channel spend bounds over the horizon, e.g. tv=0:50000,search=10000:40000')
    .option('--lift-tests <file>', 'calibrate with lift tests: CSV with channel, spend, delta_spend, lift, lift_se (weekly; see README)')
    .option('--chains <n>', `chains (${rangeText(SETTING_RANGES.chains)})`, '4')
    .option('--warmup <n>', 'warm-up iterations per chain', '1000')
    .option('--draws <n>', 'draws per chain', '1000')
    .option('--seed <n>', `random seed (${rangeText(SETTING_RANGES.seed)})`, '1')
    .option('--target-accept <p>', 'NUTS target acceptance rate (default 0.8; higher for fewer divergences)')
    .option('--interval <p>', 'interval probability', '0.9')
    .option('--out <dir>', 'write the run (CmdStan CSVs, fit.json, loglik.csv) to this directory')
    .option('--overwrite', 'let --out replace an existing run directory')
    .option('--report <file>', 'write an HTML report')
    .option('--json', 'print the result as JSON')
    .option('--quiet', 'no progress lines on stderr')
    .addHelpText(
      'after',
      `
Examples:
  nutmeg mmm --data sim:mmm --date week --outcome sales --channels tv,search,social --controls promo
  nutmeg mmm --data weekly.csv --date week --outcome sales --channels tv,search --budget 100000 --bounds tv=20000:80000 --report mmm.html`,
    )
    .action(run);
}
