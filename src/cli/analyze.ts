/**
 * `nutmeg analyze hillstrom` — the reference analysis of the Hillstrom e-mail campaign end to end (raw rates,
 * classical baseline, prior and posterior predictive checks, pooled and hierarchical fits, uplift by segment, the
 * targeting decision table) — and `nutmeg analyze separation` — the perfect-separation case: four models compared
 * by PSIS-LOO and stacking, shrunken rates of the zero-conversion cities beside the maximum-likelihood failure.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { analyzeHillstrom, toJson, type FitSettings } from '../analyses/hillstrom.js';
import { hillstromSections } from '../report/hillstrom-report.js';
import { analyzeSeparation, separationJson } from '../analyses/separation.js';
import { separationSections } from '../report/separation-report.js';
import { BACKEND_CHOICES, type BackendChoice } from '../backend/select.js';
import { builtinDataset } from '../data/datasets.js';
import { loadData } from '../data/load.js';
import type { LoadedData } from '../data/datasets.js';
import { checkCostPerContact, DEFAULT_THRESHOLDS } from '../decision/policy.js';
import { UserError } from '../errors.js';
import { FIT_DEFAULTS, type Fit } from '../fit/fit.js';
import { checkOutDir, checkOutFile, stageDir, systemReason } from '../io/out-target.js';
import { runMeta, writeRun } from '../io/run-dir.js';
import { renderReport, type ReportOptions, type ReportSection } from '../report/html.js';
import { renderTable } from '../report/table.js';
import { progressReporter, type ProgressReporter } from '../report/sampling-progress.js';
import type { SamplerProgress } from '../sampler/progress.js';
import { SETTING_RANGES, rangeText } from '../fit/bounds.js';
import { intIn, oneOf, positiveInt } from './options.js';
import { columnTypeOptions, columnTypeRequest, dataNotes, type ColumnTypeFlags } from './column-types.js';
import { signalExitCode, trapStopSignals } from './signals.js';
import { packageVersion } from './version.js';

interface CommonFlags {
  backend: string;
  threads?: string;
  chains: string;
  warmup: string;
  draws: string;
  seed: string;
  rows?: string;
  out?: string;
  overwrite?: boolean;
  report?: string;
  json?: boolean;
  quiet?: boolean;
}

interface HillstromFlags extends CommonFlags, ColumnTypeFlags {
  data?: string;
  targetProb: string;
  testProb: string;
  valuePerConversion?: string;
  costPerContact?: string;
}

/** The run directories `analyze hillstrom --out DIR` writes, one per fit. */
const HILLSTROM_RUNS = ['pooled', 'hierarchical', 'spend-lognormal', 'spend-gamma'];

function say(line: string): void {
  process.stderr.write(line + '\n');
}

function number(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UserError(`${flag} must be a number, got "${text}"`);
  return v;
}

function fitSettings(f: CommonFlags): FitSettings {
  return {
    backend: oneOf('--backend', f.backend, BACKEND_CHOICES) as BackendChoice,
    threads: f.threads === undefined ? undefined : intIn('--threads', f.threads, SETTING_RANGES.threads),
    chains: intIn('--chains', f.chains, SETTING_RANGES.chains),
    warmup: intIn('--warmup', f.warmup, SETTING_RANGES.warmup),
    draws: intIn('--draws', f.draws, SETTING_RANGES.draws),
    seed: intIn('--seed', f.seed, SETTING_RANGES.seed),
    log: f.quiet ? () => {} : say,
  };
}

/** One progress display per fit: a new reporter whenever the model changes. */
function progressByModel(quiet: boolean): { onProgress: (model: string, p: SamplerProgress) => void; finish: () => void } {
  let current: { model: string; reporter: ProgressReporter } | null = null;
  const finish = (): void => {
    current?.reporter.finish();
    current = null;
  };
  return {
    onProgress: (model, p) => {
      if (quiet) return;
      if (current?.model !== model) {
        finish();
        current = { model, reporter: progressReporter({}) };
      }
      current.reporter.onProgress(p);
    },
    finish,
  };
}

function printSections(sections: readonly ReportSection[]): void {
  for (const s of sections) {
    process.stdout.write(`\n== ${s.title} ==\n${s.text}\n\n`);
    for (const t of s.tables) process.stdout.write((t.caption ? `${t.caption}:\n` : '') + renderTable(t) + '\n');
  }
}

/** Refuses, before any fitting, a --out or --report that cannot be written (src/io/out-target.ts). */
function checkOutputs(f: CommonFlags): string | null {
  if (f.report !== undefined) checkOutFile(f.report, '--report');
  return f.out === undefined ? null : checkOutDir(f.out, { overwrite: f.overwrite, marker: ['analysis.json', 'fit.json'] });
}

/**
 * Runs the analysis with its --out directory staged: everything is written into a hidden temporary directory
 * beside the target, renamed into place at the end. A stop signal removes it and exits (an analysis is not resumable
 * from part of its fits); a failed write keeps what was written there and says where.
 */
async function withStagedOut(out: string | null, body: (dir: string | null) => Promise<void>): Promise<void> {
  if (out === null) return body(null);
  const staged = stageDir(out);
  const trap = trapStopSignals((signal) => {
    process.stderr.write(`\ninterrupted (${signal}): ${out} was not written\n`);
    staged.discard();
    process.exit(signalExitCode(signal));
  });
  try {
    await body(staged.temp);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (typeof err?.code === 'string' && typeof err.syscall === 'string') {
      throw new UserError(`--out ${out}: writing failed (${systemReason(e)}); ${out} was left as it was, and what was written is kept in ${staged.temp}`);
    }
    staged.discard();
    throw e;
  } finally {
    trap.release();
  }
  staged.commit();
}

/**
 * Writes the report page wherever it is asked for: --report FILE, DIR/report.html and each run directory
 * DIR/<model>/report.html (what `nutmeg serve DIR/<model>` serves at GET /report). Rendered once.
 */
async function writePages(
  sections: readonly ReportSection[],
  options: ReportOptions,
  report: string | undefined,
  out: string | null,
  runs: readonly string[],
): Promise<string[]> {
  const paths: string[] = [];
  if (report !== undefined) paths.push(resolve(report));
  if (out !== null) paths.push(join(out, 'report.html'), ...runs.map((model) => join(out, model, 'report.html')));
  if (paths.length === 0) return paths;
  const page = await renderReport(sections, options);
  for (const path of paths) {
    try {
      writeFileSync(path, page);
    } catch (e) {
      const flag = path === paths[0] && report !== undefined ? `--report ${report}` : `--out`;
      throw new UserError(`${flag}: cannot write the report to ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)}); check that the folder exists and is writable`);
    }
  }
  return paths;
}

function hillstromData(f: HillstromFlags, seed: number): { data: LoadedData; description: string } {
  const rows = f.rows === undefined ? undefined : positiveInt('--rows', f.rows);
  const types = columnTypeRequest(f);
  if (f.data === undefined && Object.keys(types.types ?? {}).length > 0) {
    throw new UserError('--factor and --numeric apply to a data file; give it with --data FILE');
  }
  if (f.data === undefined && (types.sep !== undefined || types.decimal !== undefined)) {
    throw new UserError('--sep and --decimal say how a CSV data file is written; give it with --data FILE');
  }
  if (f.data === undefined) {
    const data = builtinDataset('hillstrom', seed, rows);
    return { data, description: `simulated Hillstrom data (seed ${seed}, ${data.frame.nRows} rows; no --data given)` };
  }
  const data = loadData(f.data, seed, rows, { ...types, ...dataNotes(f.quiet) });
  return { data, description: data.truth ? `${data.frame.source}, ${data.frame.nRows} rows` : resolve(f.data) };
}

async function runHillstrom(f: HillstromFlags): Promise<void> {
  const fit = fitSettings(f);
  const seed = fit.seed ?? FIT_DEFAULTS.seed;
  const thresholds = { target: number('--target-prob', f.targetProb), test: number('--test-prob', f.testProb) };
  if (f.valuePerConversion !== undefined && f.costPerContact === undefined) {
    throw new UserError('the expected-value rule needs --cost-per-contact as well as --value-per-conversion');
  }
  const costPerContact = f.costPerContact === undefined ? undefined : checkCostPerContact(number('--cost-per-contact', f.costPerContact));
  const economics =
    f.valuePerConversion !== undefined && f.costPerContact !== undefined
      ? { valuePerConversion: number('--value-per-conversion', f.valuePerConversion), costPerContact: number('--cost-per-contact', f.costPerContact) }
      : undefined;
  const target = checkOutputs(f);
  const { data, description } = hillstromData(f, seed);
  if (!f.quiet) {
    say(f.data === undefined ? `data: ${description}; give --data hillstrom.csv for the real file` : `data: ${description}`);
  }
  const progress = progressByModel(Boolean(f.quiet || f.json));
  const source = f.data === undefined ? 'sim:hillstrom' : data.truth ? f.data : resolve(f.data);
  await withStagedOut(target, async (out) => {
    const onFit = (model: string, fitted: Fit): void => {
      if (out === null) return;
      const dir = join(out, model);
      const request = columnTypeRequest(f);
      const types = request.types ?? {};
      // the column types, --sep and --decimal as given, for loo and report to read the file as the fit did
      const stated = {
        ...(Object.keys(types).length > 0 ? { types } : {}),
        ...(request.sep !== undefined ? { sep: request.sep } : {}),
        ...(request.decimal !== undefined ? { decimal: request.decimal } : {}),
      };
      writeRun(dir, fitted, runMeta(fitted, { source, seed: data.truth ? seed : null, rows: data.frame.nRows, ...stated }, packageVersion()));
    };
    const analysis = await analyzeHillstrom(data.frame, {
      fit,
      thresholds,
      economics,
      costPerContact,
      dataDescription: description,
      onProgress: progress.onProgress,
      onFit: (model, fitted) => {
        progress.finish();
        onFit(model, fitted);
      },
      onStep: f.quiet || f.json ? undefined : (line) => say(`step: ${line}`),
    });
    progress.finish();
    const sections = hillstromSections(analysis);
    // results first, then the printout
    if (out !== null) writeFileSync(join(out, 'analysis.json'), JSON.stringify(toJson(analysis), null, 2) + '\n');
    const pages = await writePages(sections, { title: 'Hillstrom e-mail campaign analysis', subtitle: description }, f.report, out, HILLSTROM_RUNS);
    if (f.json) process.stdout.write(JSON.stringify(toJson(analysis), null, 2) + '\n');
    else printSections(sections);
    const spendWarnings = analysis.revenue.fits.flatMap((fit) => fit.diagnostics.warnings.map((w) => `spend model (${fit.family}): ${w}`));
    if (!f.quiet) for (const w of [...analysis.pooled.diagnostics.warnings, ...analysis.hierarchical.diagnostics.warnings, ...spendWarnings]) say(`warning: ${w}`);
    if (!f.quiet && pages.length > 0 && f.report !== undefined) say(`wrote the report to ${resolve(f.report)}`);
  });
  if (!f.quiet && target !== null) say(`wrote ${HILLSTROM_RUNS.map((r) => `${r}/`).join(', ')}, analysis.json and report.html to ${target}`);
}

async function runSeparation(f: CommonFlags): Promise<void> {
  const fit = fitSettings(f);
  const seed = fit.seed ?? FIT_DEFAULTS.seed;
  const rows = f.rows === undefined ? undefined : positiveInt('--rows', f.rows);
  const target = checkOutputs(f);
  const { frame } = builtinDataset('separation', seed, rows);
  const description = frame.source;
  if (!f.quiet) say(`data: ${description}, ${frame.nRows} sessions`);
  const progress = progressByModel(Boolean(f.quiet || f.json));
  await withStagedOut(target, async (out) => {
    const analysis = await analyzeSeparation(frame, {
      fit,
      dataDescription: description,
      onProgress: progress.onProgress,
      onFit: (model, fitted) => {
        progress.finish();
        if (out !== null) {
          writeRun(join(out, model), fitted, runMeta(fitted, { source: 'sim:separation', seed, rows: frame.nRows }, packageVersion()));
        }
      },
      onStep: f.quiet || f.json ? undefined : (line) => say(`step: ${line}`),
    });
    progress.finish();
    const sections = separationSections(analysis);
    // results first, then the printout
    if (out !== null) writeFileSync(join(out, 'analysis.json'), JSON.stringify(separationJson(analysis), null, 2) + '\n');
    const runs = analysis.figures.map((m) => m.model);
    const pages = await writePages(sections, { title: 'Perfect separation: cities × lead sources', subtitle: description }, f.report, out, runs);
    if (f.json) process.stdout.write(JSON.stringify(separationJson(analysis), null, 2) + '\n');
    else printSections(sections);
    if (!f.quiet && pages.length > 0 && f.report !== undefined) say(`wrote the report to ${resolve(f.report)}`);
  });
  if (!f.quiet && target !== null) say(`wrote the four fits, analysis.json and report.html to ${target}`);
}

function samplingOptions(command: Command): Command {
  return command
    .option('--backend <name>', `${BACKEND_CHOICES.join(', ')}`, FIT_DEFAULTS.backend)
    .option('--threads <n>', `threads for the native backend (${rangeText(SETTING_RANGES.threads)}; default: all cores, one for a small model)`)
    .option('--chains <n>', `chains per fit (${rangeText(SETTING_RANGES.chains)})`, String(FIT_DEFAULTS.chains))
    .option('--warmup <n>', `warm-up iterations per chain (${rangeText(SETTING_RANGES.warmup)})`, String(FIT_DEFAULTS.warmup))
    .option('--draws <n>', `draws per chain (${rangeText(SETTING_RANGES.draws)})`, String(FIT_DEFAULTS.draws))
    .option('--seed <n>', `random seed for simulation, sampling, Monte Carlo (${rangeText(SETTING_RANGES.seed)})`, String(FIT_DEFAULTS.seed))
    .option('--rows <n>', 'rows to simulate (simulated data only)')
    .option('--out <dir>', 'keep each fit (DIR/<model>, as nutmeg fit --out writes it, with the report for nutmeg serve), analysis.json and report.html (new or empty dir)')
    .option('--overwrite', 'let --out replace an existing analysis directory')
    .option('--report <file>', 'write the whole analysis as one self-contained HTML page (every table and plot)')
    .option('--json', 'print the whole analysis as one JSON object')
    .option('--quiet', 'no progress or notes');
}

export function register(program: Command): void {
  const analyze = program.command('analyze').description('campaign analyses end to end: hillstrom, separation');
  samplingOptions(
    columnTypeOptions(
      analyze
        .command('hillstrom')
        .description('the Hillstrom e-mail campaign: raw rates, baseline, pooled and hierarchical fits, uplift by segment, decision table, spend models and revenue')
        .option('--data <file>', 'the Hillstrom CSV (default: built-in simulated data with the same schema)'),
    )
      .option('--target-prob <p>', 'P(effect > 0) at or above which a segment is targeted', String(DEFAULT_THRESHOLDS.target))
      .option('--test-prob <p>', 'P(effect > 0) at or above which a segment is tested more (below: deprioritised)', String(DEFAULT_THRESHOLDS.test))
      .option('--value-per-conversion <v>', 'value of one conversion (expected-value rule; with --cost-per-contact)')
      .option('--cost-per-contact <c>', 'cost of one e-mail: the revenue decision (default 0) and, with --value-per-conversion, the expected-value rule'),
  )
    .addHelpText(
      'after',
      `
Examples:
  nutmeg analyze hillstrom                                  simulated data, say so, full analysis
  nutmeg analyze hillstrom --data hillstrom.csv --out runs/hillstrom
  nutmeg analyze hillstrom --data hillstrom.csv --report report.html
  nutmeg analyze hillstrom --data hillstrom.csv --value-per-conversion 80 --cost-per-contact 0.15 --json`,
    )
    .action(runHillstrom);
  samplingOptions(
    analyze
      .command('separation')
      .description('perfect separation (10 cities, 7 never convert): four models by PSIS-LOO and stacking, shrunken vs ML rates'),
  ).action(runSeparation);
}
