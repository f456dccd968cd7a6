/**
 * `nutmeg fit`: fit a multilevel regression with NUTS (or find its posterior mode with --method map) and
 * print the posterior summary. Defaults: the built-in simulated Hillstrom data and the hierarchical model.
 */
import { groupedInteger } from '../report/integer-text.js';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../backend/select.js';
import { HILLSTROM_FORMULAS, type HillstromModel } from '../data/hillstrom.js';
import { loadData } from '../data/load.js';
import { SIMULATED_PREFIX } from '../data/datasets.js';
import { convergenceWarnings, samplerDiagnostics, samplerWarnings } from '../diagnostics/sampler-checks.js';
import { DEFAULT_SUMMARY_STATS, resolveStats, summaryTable, type SummaryRow } from '../diagnostics/summary.js';
import { DEFAULT_HDI_PROB } from '../diagnostics/hdi.js';
import { summarizeDrawsParallel } from '../diagnostics/summary-parallel.js';
import { UserError } from '../errors.js';
import { SETTING_RANGES, rangeText } from '../fit/bounds.js';
import { settingsWarnings } from '../fit/settings-warnings.js';
import { FIT_DEFAULTS, fitMode, fitModel, type FitOptions } from '../fit/fit.js';
import { AUTO_METRIC_RULE } from '../fit/metric-choice.js';
import { TARGET_ACCEPT_RULE } from '../fit/target-accept.js';
import { checkOutDir, checkOutFile } from '../io/out-target.js';
import { SAVE_EFFECTS, SAVE_EFFECTS_ALL_LIMIT, defaultSaveEffects, effectsMeta, runMeta, saveRun, type SaveEffects } from '../io/run-dir.js';
import { EFFECTS_SUMMARY_FILE } from '../io/effects-summary.js';
import { EFFECTS_DRAWS_FILE } from '../io/effects-draws.js';
import { isPerLevelName } from '../io/variable-names.js';
import { condenseSummary, familiesFlag, hiddenEffectsLine } from '../report/summary-condense.js';
import { parsePriorArgs } from '../model/priors-config.js';
import { FAMILIES } from '../model/spec.js';
import { parseParameterizationArgs } from '../model/parameterization.js';
import { renderTable, TABLE_FORMATS, type TableFormat } from '../report/table.js';
import { progressReporter } from '../sampler/progress.js';
import { collect, intIn, intInRange, oneOf, positiveInt, probability } from './options.js';
import { columnTypeOptions, columnTypeRequest, type ColumnTypeFlags } from './column-types.js';
import { signalExitCode, trapStopSignals } from './signals.js';
import { packageVersion } from './version.js';

interface FitFlags extends ColumnTypeFlags {
  data: string;
  rows?: string;
  formula?: string;
  model: string;
  prior: string[];
  family?: string;
  link?: string;
  param: string[];
  method: string;
  chains: string;
  warmup: string;
  draws: string;
  seed: string;
  targetAccept?: string;
  fixedBasis: string;
  maxTreedepth: string;
  metric: string;
  thin: string;
  init: string;
  backend: string;
  adapter?: string;
  threads?: string;
  out?: string;
  overwrite?: boolean;
  report?: string;
  saveEffects?: string;
  stats?: string;
  vars?: string;
  format: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

const MODELS = Object.keys(HILLSTROM_FORMULAS) as HillstromModel[];

function say(line: string): void {
  process.stderr.write(line + '\n');
}

function fitOptions(f: FitFlags): FitOptions {
  const priorArgs = f.prior.length > 0 ? parsePriorArgs(f.prior) : undefined;
  const draws = intIn('--draws', f.draws, SETTING_RANGES.draws);
  return {
    backend: oneOf('--backend', f.backend, BACKEND_CHOICES) as BackendChoice,
    adapter: f.adapter,
    threads: f.threads === undefined ? undefined : intIn('--threads', f.threads, SETTING_RANGES.threads),
    chains: intIn('--chains', f.chains, SETTING_RANGES.chains),
    warmup: intIn('--warmup', f.warmup, SETTING_RANGES.warmup),
    draws,
    seed: intIn('--seed', f.seed, SETTING_RANGES.seed),
    targetAccept: f.targetAccept === undefined ? undefined : probability('--target-accept', f.targetAccept),
    maxTreeDepth: intIn('--max-treedepth', f.maxTreedepth, SETTING_RANGES.maxTreeDepth),
    metric: oneOf('--metric', f.metric, ['auto', 'diag', 'dense'] as const),
    // more than --draws would keep only the first draw; say so instead
    thin: intInRange('--thin', f.thin, 1, draws),
    init: oneOf('--init', f.init, ['random', 'map'] as const),
    priors: priorArgs,
    family: f.family === undefined ? undefined : oneOf('--family', f.family, FAMILIES),
    link: f.link === undefined ? undefined : oneOf('--link', f.link, ['logit', 'probit', 'identity', 'log'] as const),
    parameterization: f.param.length > 0 ? parseParameterizationArgs(f.param) : undefined,
    fixedBasis: oneOf('--fixed-basis', f.fixedBasis, ['qr', 'natural'] as const),
    log: f.quiet ? () => {} : say,
    detail: f.verbose && !f.quiet ? say : undefined,
  };
}

async function run(f: FitFlags): Promise<void> {
  const options = fitOptions(f);
  // every warning line, also under --quiet, and kept for fit.json
  const printed: string[] = [];
  const warn = (message: string): void => {
    printed.push(message);
    say(`warning: ${message}`);
  };
  // valid but risky settings (issue 14 item 3)
  settingsWarnings({
    ...(f.method === 'map' ? {} : { draws: options.draws, thin: options.thin }),
    threads: options.threads,
  }).forEach(warn);
  const chosenFormat: TableFormat = oneOf('--format', f.format, TABLE_FORMATS);
  const format: TableFormat = f.json ? 'json' : chosenFormat;
  const method = oneOf('--method', f.method, ['nuts', 'map'] as const);
  const model = oneOf('--model', f.model, MODELS);
  const formula = f.formula ?? HILLSTROM_FORMULAS[model];
  const seed = options.seed ?? FIT_DEFAULTS.seed;
  const rows = f.rows === undefined ? undefined : positiveInt('--rows', f.rows);
  if (f.out !== undefined && method === 'map') throw new UserError('--out keeps the draws of --method nuts; --method map has none to write (drop --out)');
  // before any data are read or drawn: a run that cannot be written is refused now, not after the fit
  const outDir = f.out === undefined ? null : checkOutDir(f.out, { overwrite: f.overwrite });
  if (f.report !== undefined && method === 'map') throw new UserError('--report describes the draws of --method nuts; --method map has none (drop --report)');
  const reportFile = f.report === undefined ? null : checkOutFile(f.report, '--report');
  const askedEffects = f.saveEffects === undefined ? undefined : oneOf('--save-effects', f.saveEffects, SAVE_EFFECTS);
  if (askedEffects !== undefined && outDir === null) throw new UserError('--save-effects says what --out keeps of the group effects; give --out DIR too (or drop --save-effects)');
  const dataOptions = columnTypeRequest(f);
  const { frame, truth } = loadData(f.data, seed, rows, dataOptions);
  if (!f.quiet && truth) say(`data: ${frame.source} (${frame.nRows} rows, simulated with known parameters)`);
  if (!f.quiet) say(`model: ${formula}`);
  const onModel = (built: { readonly warnings: readonly string[] }): void => built.warnings.forEach(warn);

  if (method === 'map') {
    const mode = await fitMode(frame, formula, { ...options, onModel });
    if (!f.quiet) for (const note of mode.model.notes) say(note);
    if (!f.quiet) say(`backend: ${mode.backendDescription}; L-BFGS ${mode.mode.optimizer.iterations} iterations (${mode.mode.optimizer.reason})`);
    const rows = mode.names.map((name, i) => [name, mode.values[i], ...(truth ? [truth[name] ?? null] : [])]);
    const columns = ['variable', 'mode', ...(truth ? ['truth'] : [])];
    process.stdout.write(renderTable({ columns, rows }, format));
    return;
  }
  const progress = progressReporter({ quiet: f.quiet || format === 'json' });
  const controller = new AbortController();
  // Ctrl-C, SIGTERM and SIGHUP: finish the current iteration, keep and write what was drawn; a second one exits now.
  // Kept until the end, so a signal during writing waits for the (synchronous) write to finish.
  const trap = trapStopSignals((signal) => {
    say(`\ninterrupted (${signal}): finishing the current iteration and keeping what was drawn; send it again to quit at once`);
    controller.abort();
  });
  let fit;
  try {
    fit = await fitModel(frame, formula, { ...options, onModel, onProgress: progress.onProgress, signal: controller.signal });
  } catch (e) {
    trap.release();
    throw e;
  }
  try {
    progress.finish();
    const s = fit.sample;
    // The summary is computed (not printed) first so that fit.json carries every warning; should it fail, the run is
    // still written before the error surfaces.
    let summary: Awaited<ReturnType<typeof summarizeDrawsParallel>> | null = null;
    let summaryError: unknown = null;
    try {
      summary = await summarizeDrawsParallel(fit.draws, { variables: f.vars ? f.vars.split(',') : [] });
    } catch (e) {
      summaryError = e;
    }
    const warnings = summary === null ? [] : summary.warnings;
    warnings.push(...samplerWarnings(samplerDiagnostics(fit.stats, s.settings.maxTreeDepth)));
    if (summary !== null) warnings.push(...convergenceWarnings(summary.rows, fit.draws.nChains));
    const fitWarnings = warnings.map((w) => w.message);
    if (s.incomplete) fitWarnings.push(`sampling was interrupted after ${s.samplingDone} of ${s.settings.draws} draws; the output is marked incomplete`);
    // results first: nothing printed below (however large) can lose them
    let saveEffects: SaveEffects = 'all';
    if (outDir !== null) {
      const perLevel = fit.draws.names.reduce((n, name) => n + (isPerLevelName(name) ? 1 : 0), 0);
      saveEffects = askedEffects ?? defaultSaveEffects(perLevel);
      if (askedEffects === undefined && saveEffects !== 'all' && !f.quiet) {
        say(
          `effects: ${groupedInteger(perLevel)} group-effect values per draw (over ${groupedInteger(SAVE_EFFECTS_ALL_LIMIT)}), so --save-effects ${saveEffects}: ` +
            `the chain CSVs keep the population-level parameters, ${EFFECTS_SUMMARY_FILE} the group effects' summaries and ` +
            `${EFFECTS_DRAWS_FILE} their draws as float32 (for loo, score and serve); --save-effects all writes them as CSV columns`,
        );
      }
      let effects: SummaryRow[] = [];
      if (saveEffects === 'summary') {
        try {
          const all = f.vars || summary === null ? await summarizeDrawsParallel(fit.draws) : summary;
          effects = all.rows.filter((r) => isPerLevelName(r.variable));
        } catch {
          // the summary's own error surfaces below, once the run (population-level draws) is written
          saveEffects = 'none';
        }
      }
      const source = f.data.startsWith(SIMULATED_PREFIX) ? f.data : resolve(f.data);
      const types = Object.keys(dataOptions.types ?? {}).length > 0 ? { types: dataOptions.types } : {};
      const base = runMeta(fit, { source, seed: truth ? seed : null, rows: frame.nRows, ...types }, packageVersion(), [...printed, ...fitWarnings]);
      const meta = { ...base, ...effectsMeta(saveEffects, effects, DEFAULT_HDI_PROB, fit.draws.names) };
      saveRun(outDir, fit, meta, { effects });
      const written = meta.effectsSummary && meta.effectsDraws ? `, ${meta.effectsSummary.file}, ${meta.effectsDraws.file} and fit.json` : ' and fit.json';
      if (!f.quiet) say(`wrote ${meta.files.length} chain CSV files${written} to ${outDir}${s.incomplete ? ' (marked incomplete)' : ''}`);
    }
    if (summary === null) throw summaryError;
    const { rows } = summary;
    if (!f.quiet) for (const note of fit.model.notes) say(note);
    const wall = s.timing.warmupSeconds + s.timing.samplingSeconds;
    const gradients = s.gradientEvaluations.reduce((a, b) => a + b, 0);
    const sampling = s.samplingGradientEvaluations.reduce((a, b) => a + b, 0);
    const minEss = rows.reduce((m, r) => (r.ess_bulk === null ? m : Math.min(m, r.ess_bulk)), Infinity);
    if (format === 'json') {
      process.stdout.write(JSON.stringify({ summary: rows, warnings: [...printed, ...fitWarnings] }, null, 2) + '\n');
    } else {
      const stats = f.stats ? resolveStats(f.stats.split(',')) : DEFAULT_SUMMARY_STATS;
      // a 10⁵-level fit: population-level rows and the extreme group effects (CSV stays whole, for programs)
      const condensed = f.vars || format === 'csv' ? null : condenseSummary(rows);
      process.stdout.write(renderTable(summaryTable(condensed ? condensed.rows : rows, stats), format));
      if (condensed) {
        const where =
          outDir === null
            ? `fit again with ${familiesFlag(condensed)}`
            : saveEffects === 'none'
              ? null
              : `nutmeg summary ${outDir} ${familiesFlag(condensed)}${saveEffects === 'summary' ? ` (or ${outDir}/${EFFECTS_SUMMARY_FILE})` : ''}`;
        // after a blank line: in markdown a line right under a table would be read as one more row
        process.stdout.write(`${format === 'markdown' ? '\n' : ''}${hiddenEffectsLine(condensed, where)}\n`);
      }
    }
    if (reportFile !== null) {
      // vega is loaded only when a report is asked for (issue 16 item 6)
      const { writeModelReport } = await import('./model-report-file.js');
      const { looOfFit } = await import('../loo/fit-loo.js');
      const done = fit;
      const report = { spec: fit.model.spec, draws: fit.draws, summary: rows, warnings: [...printed, ...fitWarnings], source: frame.source, seed };
      await writeModelReport(reportFile, { ...report, loo: () => looOfFit(done) }, '--report');
      if (!f.quiet) say(`wrote the report to ${reportFile}`);
    }
    if (!f.quiet) {
      say(
        `${s.nChains} chains × ${s.nDraws} draws on ${fit.backend.description}: ${wall.toFixed(1)} s ` +
          `(warm-up ${s.timing.warmupSeconds.toFixed(1)} s), ${gradients} gradients ` +
          `(${(sampling / Math.max(1, s.nChains * s.samplingDone)).toFixed(1)} per draw), ` +
          `min bulk-ESS ${Number.isFinite(minEss) ? minEss.toFixed(0) : 'NA'}` +
          (Number.isFinite(minEss) && s.timing.samplingSeconds > 0 ? ` (${(minEss / wall).toFixed(1)} per second)` : ''),
      );
    }
    for (const w of fitWarnings) say(`warning: ${w}`);
    const signal = trap.caught();
    if (signal !== null) process.exitCode = signalExitCode(signal);
    else if (s.incomplete) process.exitCode = 130;
  } finally {
    trap.release();
    await fit.dispose();
  }
}

export function register(program: Command): void {
  columnTypeOptions(
    program
      .command('fit')
      .description('fit a Bayesian multilevel regression (any --family) with NUTS and print the posterior summary')
      .option('--data <file|sim:name>', 'CSV (or .csv.gz), Parquet or Arrow IPC file, or a built-in simulated data set (sim:hillstrom, sim:separation, sim:personalization, sim:crossed)', 'sim:hillstrom'),
  )
    .option('--rows <n>', 'rows to simulate for a sim: data set (default: its natural size, 64,000 for sim:hillstrom)')
    .option('--formula <formula>', 'model formula, lme4/brms style: "y ~ x + (1 | g)" (default: --model for the Hillstrom data)')
    .option('--model <name>', `Hillstrom model when no --formula: ${MODELS.join(', ')}`, 'hierarchical')
    .option('--prior <name=dist>', 'prior override, repeatable: b=normal(0,1), Intercept=normal(-3,1), sd_g=halfnormal(1), b_x=student_t(3,0,1)', collect, [])
    .option('--family <name>', `response family: ${FAMILIES.join(', ')} (default: bernoulli, or binomial with "y | trials(n) ~ …"); sigma and shape take priors by name, e.g. --prior sigma=exponential(1)`)
    .option('--link <name>', 'link function: probit for bernoulli/binomial (default: logit; identity for gaussian and lognormal, log for the others)')
    .option('--param <group=centered|noncentered|split>', 'parameterization of a varying term, repeatable (default: chosen from the data)', collect, [])
    .option('--fixed-basis <qr|natural>', 'coordinates the sampler moves for the fixed effects: the QR basis of their columns (decorrelated) or the coefficients', 'qr')
    .option('--method <nuts|map>', 'nuts (sampling) or map (posterior mode by L-BFGS)', 'nuts')
    .option('--chains <n>', `number of chains, evaluated together in one batched gradient call per step (${rangeText(SETTING_RANGES.chains)})`, String(FIT_DEFAULTS.chains))
    .option('--warmup <n>', `warm-up iterations per chain (${rangeText(SETTING_RANGES.warmup)})`, String(FIT_DEFAULTS.warmup))
    .option('--draws <n>', `post-warm-up iterations per chain (${rangeText(SETTING_RANGES.draws)})`, String(FIT_DEFAULTS.draws))
    .option('--seed <n>', `random seed for data simulation and sampling (${rangeText(SETTING_RANGES.seed)})`, String(FIT_DEFAULTS.seed))
    .option('--target-accept <p>', `target acceptance statistic of step-size adaptation (${TARGET_ACCEPT_RULE})`)
    .option('--max-treedepth <n>', `maximum NUTS tree depth (${rangeText(SETTING_RANGES.maxTreeDepth)})`, String(FIT_DEFAULTS.maxTreeDepth))
    .option('--metric <auto|diag|dense>', `metric adapted during warm-up (${AUTO_METRIC_RULE})`, FIT_DEFAULTS.metric)
    .option('--thin <n>', 'keep every n-th draw (1 to --draws; a warning when fewer than 4 draws per chain are kept)', String(FIT_DEFAULTS.thin))
    .option('--init <random|map>', 'initial values: uniform(-2, 2) or the posterior mode', FIT_DEFAULTS.init)
    .option('--backend <name>', `${BACKEND_CHOICES.join(', ')}`, FIT_DEFAULTS.backend)
    .option('--adapter <name>', 'WebGPU adapter (substring of its name; see nutmeg devices)')
    .option('--threads <n>', `threads for the native backend (${rangeText(SETTING_RANGES.threads)}; default: all cores, one for a small model (see README); a warning above the core count)`)
    .option('--out <dir>', 'write one CmdStan-format CSV per chain and fit.json to this directory (new or empty; checked before the fit)')
    .option('--overwrite', 'let --out replace an existing run directory')
    .option('--report <file>', 'write an HTML report: model, family and link, posterior summary, sampler checks, the posterior predictive check of the family, PSIS-LOO')
    .option('--save-effects <all|summary|none>', `what --out keeps of the group effects (r_, z_): their draws as CSV columns, their summaries in ${EFFECTS_SUMMARY_FILE} and draws in ${EFFECTS_DRAWS_FILE} (float32), or nothing (default: all up to ${groupedInteger(SAVE_EFFECTS_ALL_LIMIT)} values per draw, else summary)`)
    .option('--stats <list>', 'summary columns, e.g. mean,sd,hdi,ess_bulk,r_hat')
    .option('--vars <list>', 'variables to summarise: names or prefixes, comma-separated')
    .option('--format <format>', `summary format: ${TABLE_FORMATS.join(', ')}`, 'table')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'print nothing on stderr but warnings and errors')
    .option('--verbose', 'also print details: the GPU probe\'s captured driver output')
    .addHelpText(
      'after',
      `
Examples:
  nutmeg fit                                            hierarchical model on simulated Hillstrom data
  nutmeg fit --data hillstrom.csv --model crossed --out runs/crossed
  nutmeg fit --data sessions.csv --formula "converted ~ pages_viewed + (1 | city) + (1 | lead_source)"
  nutmeg fit --method map --prior "b_treatment=normal(0,1)"`,
    )
    .action(run);
}
