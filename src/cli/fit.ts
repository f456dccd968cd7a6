/**
 * `nutmeg fit`: fit a multilevel regression with NUTS (or find its posterior mode with --method map) and
 * print the posterior summary. Defaults: the built-in simulated Hillstrom data and the hierarchical model.
 */
import { groupedInteger } from '../report/integer-text.js';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../backend/select.js';
import { HILLSTROM_FORMULAS, HILLSTROM_PRIORS, type HillstromModel } from '../data/hillstrom.js';
import { loadData } from '../data/load.js';
import { SIMULATED_PREFIX } from '../data/datasets.js';
import { convergenceWarnings, samplerDiagnostics, samplerWarnings } from '../diagnostics/sampler-checks.js';
import type { SummaryRow } from '../diagnostics/summary.js';
import { DEFAULT_SUMMARY_STATS, resolveStats, summaryTable } from '../report/summary-table.js';
import { DEFAULT_HDI_PROB } from '../diagnostics/hdi.js';
import { summarizeColumnsParallel } from '../diagnostics/summary-parallel.js';
import { allStored } from '../column-draws.js';
import { diagnosticsFromRows, termEfficiency, termShapes } from '../diagnostics/term-efficiency.js';
import { UserError } from '../errors.js';
import { SETTING_RANGES, rangeText } from '../fit/bounds.js';
import { settingsWarnings } from '../fit/settings-warnings.js';
import { FIT_DEFAULTS, fitMode, fitModel, fitPathfinder, type FitOptions } from '../fit/fit.js';
import { pathfinderWarning } from '../fit/pathfinder-fit.js';
import { AUTO_METRIC_RULE } from '../fit/metric-choice.js';
import { ADAPT_CHOICES, AUTO_ADAPT_RULE } from '../fit/adapt-choice.js';
import { AUTO_INIT_RULE, INIT_CHOICES } from '../fit/init-choice.js';
import { TARGET_ACCEPT_RULE } from '../fit/target-accept.js';
import { checkOutDir, checkOutFile } from '../io/out-target.js';
import { NETCDF_RUN_FILE, SAVE_EFFECTS, SAVE_EFFECTS_ALL_LIMIT, defaultSaveEffects, effectsMeta, runMeta, saveRun, type SaveEffects } from '../io/run-dir.js';
import { EFFECTS_SUMMARY_FILE } from '../io/effects-summary.js';
import { EFFECTS_DRAWS_FILE } from '../io/effects-draws.js';
import { isPerLevelName } from '../io/variable-names.js';
import { condenseSummary, familiesFlag, hiddenEffectsLine, indexedFixedFamilies } from '../report/summary-condense.js';
import { indexedLayout } from '../model/indexed-fixed.js';
import { parsePriorArgs } from '../model/priors-config.js';
import { columnsOfFormula } from '../model/formula/columns.js';
import { FAMILIES } from '../model/spec.js';
import { parseParameterizationArgs } from '../model/parameterization.js';
import { renderTable, TABLE_FORMATS, type TableFormat } from '../report/table.js';
import { termEfficiencyLine } from '../report/term-efficiency-text.js';
import { progressReporter } from '../report/sampling-progress.js';
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
  sdScale: string;
  maxTreedepth: string;
  metric: string;
  adapt: string;
  thin: string;
  init: string;
  backend: string;
  adapter?: string;
  threads?: string;
  out?: string;
  overwrite?: boolean;
  report?: string;
  netcdf?: string;
  saveLoglik?: boolean;
  saveEffects?: string;
  stats?: string;
  vars?: string;
  format: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

const MODELS = Object.keys(HILLSTROM_FORMULAS) as HillstromModel[];

/** "340-420 iterations, " (the warm-up lengths the chains used), or '' when none finished its warm-up. */
function warmupRange(used: Int32Array): string {
  const lo = Math.min(...used);
  const hi = Math.max(...used);
  return lo > 0 ? `${lo === hi ? lo : `${lo}-${hi}`} iterations, ` : '';
}

function say(line: string): void {
  process.stderr.write(line + '\n');
}

function fitOptions(f: FitFlags): FitOptions {
  const given = f.prior.length > 0 ? parsePriorArgs(f.prior) : undefined;
  // a preset (no --formula) carries the reference analysis's priors; --prior overrides them
  const priorArgs = f.formula === undefined ? { ...HILLSTROM_PRIORS[oneOf('--model', f.model, MODELS)], ...given } : given;
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
    metric: oneOf('--metric', f.metric, ['auto', 'diag', 'dense', 'lowrank'] as const),
    adapt: oneOf('--adapt', f.adapt, ADAPT_CHOICES),
    // more than --draws would keep only the first draw; say so instead
    thin: intInRange('--thin', f.thin, 1, draws),
    init: oneOf('--init', f.init, INIT_CHOICES),
    priors: priorArgs,
    family: f.family === undefined ? undefined : oneOf('--family', f.family, FAMILIES),
    link: f.link === undefined ? undefined : oneOf('--link', f.link, ['logit', 'probit', 'identity', 'log'] as const),
    parameterization: f.param.length > 0 ? parseParameterizationArgs(f.param) : undefined,
    fixedBasis: oneOf('--fixed-basis', f.fixedBasis, ['qr', 'natural'] as const),
    sdScale: oneOf('--sd-scale', f.sdScale, ['log', 'signed', 'scaled'] as const),
    log: f.quiet ? () => {} : say,
    detail: f.verbose && !f.quiet ? say : undefined,
  };
}

/** The largest log_likelihood group --save-loglik writes (draws × rows float64 values): 4 GiB. */
const MAX_LOGLIK_BYTES = 4 * 2 ** 30;

/** Refuses, before the fit, a --save-loglik whose draws × rows values would pass MAX_LOGLIK_BYTES. */
function checkLogLikSize(nRows: number, o: FitOptions): void {
  const kept = (o.chains ?? FIT_DEFAULTS.chains) * Math.ceil((o.draws ?? FIT_DEFAULTS.draws) / (o.thin ?? FIT_DEFAULTS.thin));
  const bytes = kept * nRows * 8;
  if (bytes <= MAX_LOGLIK_BYTES) return;
  throw new UserError(
    `--save-loglik: ${groupedInteger(kept)} draws × ${groupedInteger(nRows)} rows would write ${(bytes / 2 ** 30).toFixed(1)} GiB of log-likelihood ` +
      `(at most ${MAX_LOGLIK_BYTES / 2 ** 30} GiB); keep fewer draws (--draws, --thin) or drop --save-loglik (nutmeg loo computes it block by block)`,
  );
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
  // --format netcdf: the run under --out also holds the draws as InferenceData (OUT/inference_data.nc); the summary
  // printed is then the table
  const netcdfFormat = f.format === 'netcdf';
  if (netcdfFormat && f.out === undefined) {
    throw new UserError(`--format netcdf writes ${NETCDF_RUN_FILE} into the run directory: give --out DIR too (or --netcdf FILE.nc for a file of its own)`);
  }
  if (netcdfFormat && f.netcdf !== undefined) {
    throw new UserError(`--format netcdf and --netcdf FILE both ask for the NetCDF file: give one of them`);
  }
  const chosenFormat: TableFormat = netcdfFormat ? 'table' : oneOf('--format', f.format, [...TABLE_FORMATS, 'netcdf'] as const) as TableFormat;
  const format: TableFormat = f.json ? 'json' : chosenFormat;
  const method = oneOf('--method', f.method, ['nuts', 'map', 'pathfinder'] as const);
  const model = oneOf('--model', f.model, MODELS);
  const formula = f.formula ?? HILLSTROM_FORMULAS[model];
  const seed = options.seed ?? FIT_DEFAULTS.seed;
  const rows = f.rows === undefined ? undefined : positiveInt('--rows', f.rows);
  if (f.out !== undefined && method === 'map') throw new UserError('--out keeps the draws of --method nuts; --method map has none to write (drop --out)');
  // before any data are read or drawn: a run that cannot be written is refused now, not after the fit
  const outDir = f.out === undefined ? null : checkOutDir(f.out, { overwrite: f.overwrite });
  if (f.report !== undefined && method === 'map') throw new UserError('--report describes the draws of --method nuts; --method map has none (drop --report)');
  const reportFile = f.report === undefined ? null : checkOutFile(f.report, '--report');
  if (f.netcdf !== undefined && method === 'map') throw new UserError('--netcdf writes the draws of --method nuts; --method map has none (drop --netcdf)');
  const netcdfFile = netcdfFormat && outDir !== null ? join(outDir, NETCDF_RUN_FILE) : f.netcdf === undefined ? null : checkOutFile(f.netcdf, '--netcdf');
  if (f.saveLoglik && netcdfFile === null) throw new UserError('--save-loglik adds the pointwise log-likelihood to the --netcdf file; give --netcdf FILE.nc too (or drop --save-loglik)');
  const askedEffects = f.saveEffects === undefined ? undefined : oneOf('--save-effects', f.saveEffects, SAVE_EFFECTS);
  if (askedEffects !== undefined && outDir === null && netcdfFile === null) {
    throw new UserError('--save-effects says what --out and --netcdf keep of the group effects; give --out DIR or --netcdf FILE.nc too (or drop --save-effects)');
  }
  const dataOptions = columnTypeRequest(f);
  // a Parquet or Arrow IPC file: only the formula's columns are read (issue 16 item 3)
  const { frame, truth } = loadData(f.data, seed, rows, { ...dataOptions, log: f.quiet ? undefined : say, warn, columns: columnsOfFormula(formula) });
  if (f.saveLoglik) checkLogLikSize(frame.nRows, options);
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
  // only the report's LOO and --save-loglik read the unconstrained draws after the fit; otherwise the per-level draws
  // are held once, constrained in the sampler's own arrays (src/fit/constrain-columns.ts; issue 16: 10⁵ levels' draws
  // were held three times): the summary, the chain CSVs, effects-draws.bin and the NetCDF file read them there
  const keepUnconstrained = reportFile !== null || f.saveLoglik === true;
  const levelsInPlace = !keepUnconstrained;
  let fit;
  try {
    fit =
      method === 'pathfinder'
        ? await fitPathfinder(frame, formula, { ...options, onModel, keepUnconstrained, levelsInPlace })
        : await fitModel(frame, formula, { ...options, onModel, keepUnconstrained, levelsInPlace, onProgress: progress.onProgress, signal: controller.signal });
  } catch (e) {
    trap.release();
    throw e;
  }
  try {
    progress.finish();
    const s = fit.sample;
    // The summary is computed (not printed) first so that fit.json carries every warning; should it fail, the run is
    // still written before the error surfaces.
    // every constrained variable (fit.draws alone lacks the per-level ones kept in place)
    const every = fit.columns ?? allStored(fit.draws);
    let summary: Awaited<ReturnType<typeof summarizeColumnsParallel>> | null = null;
    let summaryError: unknown = null;
    try {
      // the MCSEs of the 5% and 95% quantiles only where they are shown or kept: JSON, --stats naming them, the run
      // directory, the NetCDF file, the report (their Beta quantiles are the summary's costliest cold code)
      const quantileMcse = format === 'json' || /mcse_q/.test(f.stats ?? '') || outDir !== null || netcdfFile !== null || reportFile !== null;
      summary = await summarizeColumnsParallel(every, { variables: f.vars ? f.vars.split(',') : [], quantileMcse });
    } catch (e) {
      summaryError = e;
    }
    const warnings = summary === null ? [] : summary.warnings;
    if (fit.method === 'nuts') warnings.push(...samplerWarnings(samplerDiagnostics(fit.stats, s.settings.maxTreeDepth)));
    if (summary !== null) warnings.push(...convergenceWarnings(summary.rows, fit.draws.nChains));
    const fitWarnings = warnings.map((w) => w.message);
    // the draws are the approximation's only with --method pathfinder (with --init pathfinder they are NUTS's)
    const approximation = fit.method === 'pathfinder' && fit.pathfinder !== null ? pathfinderWarning(fit.pathfinder.paretoK) : null;
    if (approximation !== null) fitWarnings.push(approximation);
    if (s.incomplete) fitWarnings.push(`sampling was interrupted after ${s.samplingDone} of ${s.settings.draws} draws; the output is marked incomplete`);
    const gradients = s.gradientEvaluations.reduce((a, b) => a + b, 0);
    // how well each varying term mixed (issue 16): in fit.json and one line per term below
    const perTerm =
      summary !== null && fit.method === 'nuts' && fit.model.spec.terms.length > 0
        ? termEfficiency(termShapes(fit.model.spec), diagnosticsFromRows(summary.rows, every), gradients)
        : null;
    // results first: nothing printed below (however large) can lose them
    let saveEffects: SaveEffects = 'all';
    let effects: SummaryRow[] = [];
    if (outDir !== null || netcdfFile !== null) {
      const perLevel = every.names.reduce((n, name) => n + (isPerLevelName(name) ? 1 : 0), 0);
      saveEffects = askedEffects ?? defaultSaveEffects(perLevel);
      if (askedEffects === undefined && saveEffects !== 'all' && !f.quiet) {
        const kept = [
          ...(outDir !== null
            ? [`the chain CSVs keep the population-level parameters, ${EFFECTS_SUMMARY_FILE} the group effects' summaries and ${EFFECTS_DRAWS_FILE} their draws as float32 (for loo, score and serve)`]
            : []),
          ...(netcdfFile !== null ? ["the NetCDF posterior keeps the population-level parameters and its effects_summary group the group effects' summaries"] : []),
        ];
        say(
          `effects: ${groupedInteger(perLevel)} group-effect values per draw (over ${groupedInteger(SAVE_EFFECTS_ALL_LIMIT)}), so --save-effects ${saveEffects}: ` +
            `${kept.join('; ')}; --save-effects all keeps every draw`,
        );
      }
      if (saveEffects === 'summary') {
        try {
          const all = f.vars || summary === null ? await summarizeColumnsParallel(every) : summary;
          effects = all.rows.filter((r) => isPerLevelName(r.variable));
        } catch {
          // the summary's own error surfaces below, once the run (population-level draws) is written
          saveEffects = 'none';
        }
      }
    }
    if (outDir !== null) {
      const source = f.data.startsWith(SIMULATED_PREFIX) ? f.data : resolve(f.data);
      const types = Object.keys(dataOptions.types ?? {}).length > 0 ? { types: dataOptions.types } : {};
      // --sep and --decimal as given, for loo and report to read the file as the fit did
      const dialect = { ...(dataOptions.sep !== undefined ? { sep: dataOptions.sep } : {}), ...(dataOptions.decimal !== undefined ? { decimal: dataOptions.decimal } : {}) };
      const base = runMeta(fit, { source, seed: truth ? seed : null, rows: frame.nRows, ...types, ...dialect }, packageVersion(), [...printed, ...fitWarnings]);
      const meta = { ...base, ...(perTerm !== null ? { termEfficiency: perTerm } : {}), ...effectsMeta(saveEffects, effects, DEFAULT_HDI_PROB, every.names) };
      saveRun(outDir, fit, meta, { effects });
      const written = meta.effectsSummary && meta.effectsDraws ? `, ${meta.effectsSummary.file}, ${meta.effectsDraws.file} and fit.json` : ' and fit.json';
      if (!f.quiet) say(`wrote ${meta.files.length} chain CSV files${written} to ${outDir}${s.incomplete ? ' (marked incomplete)' : ''}`);
    }
    if (netcdfFile !== null) {
      // h5wasm is loaded only when NetCDF is asked for (issue 16 item 6)
      const { writeFitNetcdf } = await import('./netcdf-file.js');
      const groups = await writeFitNetcdf(netcdfFile, fit, { effects: saveEffects, effectsSummary: effects, logLik: f.saveLoglik === true, nutmegVersion: packageVersion() });
      if (!f.quiet) say(`wrote ArviZ InferenceData (${groups.join(', ')}) to ${netcdfFile}${s.incomplete ? ' (sampling was interrupted)' : ''}`);
    }
    if (summary === null) throw summaryError;
    const { rows } = summary;
    if (!f.quiet) for (const note of fit.model.notes) say(note);
    const wall = s.timing.warmupSeconds + s.timing.samplingSeconds;
    const sampling = s.samplingGradientEvaluations.reduce((a, b) => a + b, 0);
    const minEss = rows.reduce((m, r) => (r.ess_bulk === null ? m : Math.min(m, r.ess_bulk)), Infinity);
    if (format === 'json') {
      process.stdout.write(JSON.stringify({ summary: rows, warnings: [...printed, ...fitWarnings] }, null, 2) + '\n');
    } else {
      const stats = f.stats ? resolveStats(f.stats.split(',')) : DEFAULT_SUMMARY_STATS;
      // a 10⁵-level fit: population-level rows and the extreme group effects (CSV stays whole, for programs)
      const spec = fit.model.spec;
      const fixedFamilies = indexedFixedFamilies(spec.fixed.names.map((n) => `b_${n}`), indexedLayout(spec.fixed));
      const condensed = f.vars || format === 'csv' ? null : condenseSummary(rows, undefined, undefined, fixedFamilies);
      process.stdout.write(renderTable(summaryTable(condensed ? condensed.rows : rows, stats), format));
      if (condensed) {
        const inNetcdf = netcdfFile !== null && saveEffects !== 'none' ? `${netcdfFile} (group ${saveEffects === 'all' ? 'posterior' : 'effects_summary'}), or ` : '';
        const where =
          outDir === null
            ? `${inNetcdf}fit again with ${familiesFlag(condensed)}`
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
      const effectsWhere = outDir !== null && saveEffects !== 'none' ? `nutmeg summary ${outDir}` : 'this nutmeg fit command with';
      const report = { spec: fit.model.spec, draws: fit.draws, summary: rows, warnings: [...printed, ...fitWarnings], source: frame.source, seed, effectsWhere };
      await writeModelReport(reportFile, { ...report, loo: () => looOfFit(done) }, '--report');
      if (!f.quiet) say(`wrote the report to ${reportFile}`);
    }
    if (!f.quiet && fit.pathfinder !== null) {
      const p = fit.pathfinder;
      say(
        `Pathfinder: ${p.paths.length} paths, ${groupedInteger(p.gradients)} gradients in ${p.seconds.toFixed(1)} s, ` +
          `Pareto k ${Number.isFinite(p.paretoK) ? p.paretoK.toFixed(2) : 'Inf'}` +
          (fit.method === 'pathfinder' ? ` (${s.nChains} × ${s.nDraws} PSIS-resampled draws, not MCMC)` : ' (initial values and metric for warm-up)'),
      );
    }
    if (!f.quiet && fit.method === 'nuts') {
      say(
        `${s.nChains} chains × ${s.nDraws} draws on ${fit.backend.description}: ${wall.toFixed(1)} s ` +
          `(warm-up ${warmupRange(s.warmupIterations)}${s.timing.warmupSeconds.toFixed(1)} s), ${gradients} gradients ` +
          `(${(sampling / Math.max(1, s.nChains * s.samplingDone)).toFixed(1)} per draw), ` +
          `min bulk-ESS ${Number.isFinite(minEss) ? minEss.toFixed(0) : 'NA'}` +
          (Number.isFinite(minEss) && s.timing.samplingSeconds > 0 ? ` (${(minEss / wall).toFixed(1)} per second)` : ''),
      );
      for (const t of perTerm ?? []) say(termEfficiencyLine(t));
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
      .option('--data <file|sim:name>', 'CSV (or .csv.gz), Parquet or Arrow IPC file, or a built-in simulated data set (sim:hillstrom, sim:separation, sim:personalization, sim:crossed, sim:levels)', 'sim:hillstrom'),
  )
    .option('--rows <n>', 'rows to simulate for a sim: data set (default: its natural size, 64,000 for sim:hillstrom)')
    .option('--formula <formula>', 'model formula, lme4/brms style: "y ~ x + (1 | g)" (default: --model for the Hillstrom data)')
    .option('--model <name>', `Hillstrom model when no --formula, with the reference analysis's priors: ${MODELS.join(', ')}`, 'hierarchical')
    .option('--prior <name=dist>', 'prior override, repeatable: b=normal(0,1), Intercept=normal(-3,1), sd_g=halfnormal(1), b_x=student_t(3,0,1)', collect, [])
    .option('--family <name>', `response family: ${FAMILIES.join(', ')} (default: bernoulli, or binomial with "y | trials(n) ~ …"); sigma and shape take priors by name, e.g. --prior sigma=exponential(1)`)
    .option('--link <name>', 'link function: probit for bernoulli/binomial (default: logit; identity for gaussian and lognormal, log for the others)')
    .option('--param <group=centered|noncentered|split>', 'parameterization of a varying term, repeatable (default: chosen from the data)', collect, [])
    .option('--fixed-basis <qr|natural>', 'coordinates the sampler moves for the fixed effects: the QR basis of their columns (decorrelated) or the coefficients', 'qr')
    .option('--sd-scale <log|signed|scaled>', 'coordinate of a non-centered sd: log sd, or signed (sd = |v|) for terms with fewer than 50 levels and a half-normal/half-t prior, or scaled (each level\'s z scaled by √(1 + sd²·I_k), the sd signed, or on log scale for a term the data pin down, which is then non-centered instead of split; the default)', 'scaled')
    .option('--method <nuts|map|pathfinder>', 'nuts (sampling), map (posterior mode by L-BFGS) or pathfinder (a quick approximate posterior: multi-path Pathfinder, PSIS-resampled; its Pareto k is reported)', 'nuts')
    .option('--chains <n>', `number of chains, evaluated together in one batched gradient call per step (${rangeText(SETTING_RANGES.chains)})`, String(FIT_DEFAULTS.chains))
    .option('--warmup <n>', `warm-up iterations per chain (${rangeText(SETTING_RANGES.warmup)})`, String(FIT_DEFAULTS.warmup))
    .option('--draws <n>', `post-warm-up iterations per chain (${rangeText(SETTING_RANGES.draws)})`, String(FIT_DEFAULTS.draws))
    .option('--seed <n>', `random seed for data simulation and sampling (${rangeText(SETTING_RANGES.seed)})`, String(FIT_DEFAULTS.seed))
    .option('--target-accept <p>', `target acceptance statistic of step-size adaptation (${TARGET_ACCEPT_RULE})`)
    .option('--max-treedepth <n>', `maximum NUTS tree depth (${rangeText(SETTING_RANGES.maxTreeDepth)})`, String(FIT_DEFAULTS.maxTreeDepth))
    .option('--metric <auto|diag|dense|lowrank>', `metric adapted during warm-up (${AUTO_METRIC_RULE}; lowrank: diagonal plus a rank ≤ 10 correction from draws and gradients)`, FIT_DEFAULTS.metric)
    .option('--adapt <auto|fisher|stan>', `warm-up: fisher = metric from draws and their gradients, ending when metric and step size have settled (--warmup is the maximum), pooled across chains from 16 chains; stan = Stan's windowed adaptation exactly (${AUTO_ADAPT_RULE})`, FIT_DEFAULTS.adapt)
    .option('--thin <n>', 'keep every n-th draw (1 to --draws; a warning when fewer than 4 draws per chain are kept)', String(FIT_DEFAULTS.thin))
    .option('--init <auto|random|levels|map|pathfinder>', `initial values: uniform(-2, 2), the same with many-level terms' sd and levels started from the data, the posterior mode, or Pathfinder draws (whose variances also start warm-up's metric); ${AUTO_INIT_RULE}`, FIT_DEFAULTS.init)
    .option('--backend <name>', `${BACKEND_CHOICES.join(', ')}`, FIT_DEFAULTS.backend)
    .option('--adapter <name>', 'WebGPU adapter (substring of its name; see nutmeg devices)')
    .option('--threads <n>', `threads for the native backend (${rangeText(SETTING_RANGES.threads)}; default: all cores, one for a small model (see README); a warning above the core count)`)
    .option('--out <dir>', 'write one CmdStan-format CSV per chain and fit.json to this directory (new or empty; checked before the fit)')
    .option('--overwrite', 'let --out replace an existing run directory')
    .option('--report <file>', 'write an HTML report: model, family and link, posterior summary, sampler checks, the posterior predictive check of the family, PSIS-LOO')
    .option('--netcdf <file>', 'also write the draws as ArviZ InferenceData in a NetCDF-4 file (groups posterior, sample_stats, observed_data; arviz.from_netcdf reads it)')
    .option('--save-loglik', "with --netcdf: add the pointwise log-likelihood (draws × rows values) as its log_likelihood group, for arviz.loo")
    .option('--save-effects <all|summary|none>', `what --out and --netcdf keep of the group effects (r_, z_): their draws (as CSV columns; NetCDF variables over <group>__level), their summaries (${EFFECTS_SUMMARY_FILE} and draws in ${EFFECTS_DRAWS_FILE} as float32; the NetCDF effects_summary group), or nothing (default: all up to ${groupedInteger(SAVE_EFFECTS_ALL_LIMIT)} values per draw, else summary)`)
    .option('--stats <list>', 'summary columns, e.g. mean,sd,hdi,ess_bulk,r_hat')
    .option('--vars <list>', 'variables to summarise: names or prefixes, comma-separated')
    .option('--format <format>', `summary format: ${TABLE_FORMATS.join(', ')}; netcdf: the table, and the run under --out also holds ${NETCDF_RUN_FILE} (as --netcdf)`, 'table')
    .option('--json', 'print the summary as JSON')
    .option('--quiet', 'print nothing on stderr but warnings and errors')
    .option('--verbose', 'also print details: the GPU probe\'s captured driver output')
    .addHelpText(
      'after',
      `
Examples:
  nutmeg fit                                            hierarchical model on simulated Hillstrom data
  nutmeg fit --data hillstrom.csv --model crossed --out runs/crossed
  nutmeg fit --data hillstrom.csv --netcdf crossed.nc --save-loglik   ArviZ: az.from_netcdf("crossed.nc")
  nutmeg fit --data sessions.csv --formula "converted ~ pages_viewed + (1 | city) + (1 | lead_source)"
  nutmeg fit --method map --prior "b_treatment=normal(0,1)"`,
    )
    .action(run);
}
