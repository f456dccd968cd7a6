/**
 * `nutmeg summary FILES… [--stats LIST] [--vars LIST] [--format table|markdown|csv|json] [--json] [--hdi-prob P]`:
 * the posterior summary of draws saved as CSV — CmdStan-format files (one per chain, ours or CmdStan's) or one
 * long-format file (chain, draw, one column per variable). Warnings (non-finite draws, divergences, tree depth,
 * E-BFMI, R-hat, ESS) go to stderr.
 */
import { priorGroupsText } from '../report/prior-groups.js';
import { termEfficiencyLine } from '../report/term-efficiency-text.js';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_MAX_TREEDEPTH, convergenceWarnings, samplerDiagnostics, samplerWarnings } from '../diagnostics/sampler-checks.js';
import { matchesFilter, selectVariables } from '../diagnostics/summary.js';
import { DEFAULT_SUMMARY_STATS, SUMMARY_STATS, resolveStats, summaryTable } from '../report/summary-table.js';
import { summarizeDrawsParallel } from '../diagnostics/summary-parallel.js';
import type { DiagnosticWarning, SummaryRow } from '../diagnostics/summary.js';
import { UserError } from '../errors.js';
import { readDrawsCsv, type DrawsModel, type IncompleteDraws } from '../io/draws-csv-read.js';
import type { TableFormat } from '../report/table.js';
import { TABLE_FORMATS, renderTable } from '../report/table.js';
import { readEffectsSummary } from '../io/effects-summary.js';
import { isPerLevelName, toBracketName } from '../io/variable-names.js';
import { refuseFailedWrite, type RunMeta } from '../io/run-dir.js';
import { condenseSummary, familiesFlag, hiddenEffectsLine, indexedFixedFamilies } from '../report/summary-condense.js';

interface SummaryOptions {
  stats?: string;
  vars?: string;
  format: string;
  json?: boolean;
  hdiProb: string;
  maxTreedepth?: string;
}

function commaList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function parseProbability(text: string): number {
  const p = Number(text);
  if (!(p > 0 && p < 1)) throw new UserError(`--hdi-prob must be a probability between 0 and 1 (e.g. 0.94), got "${text}"`);
  return p;
}

function parseFormat(text: string, json: boolean | undefined): TableFormat {
  if (json) return 'json';
  if (!(TABLE_FORMATS as readonly string[]).includes(text)) {
    throw new UserError(`--format must be one of ${TABLE_FORMATS.join(', ')}, got "${text}"`);
  }
  return text as TableFormat;
}

function parseDepth(text: string | undefined, fromFile: number | undefined): number {
  if (text === undefined) return fromFile ?? DEFAULT_MAX_TREEDEPTH;
  const d = Number(text);
  if (!Number.isInteger(d) || d < 1) throw new UserError(`--max-treedepth must be a positive whole number, got "${text}"`);
  return d;
}

/**
 * The JSON form: one record per variable with every statistic, null where R gives NA; records of an interrupted
 * run also carry `incomplete: true`.
 */
function summaryJson(rows: readonly SummaryRow[], incomplete: boolean): string {
  return JSON.stringify(incomplete ? rows.map((r) => ({ ...r, incomplete: true })) : rows, null, 2) + '\n';
}

/**
 * A run directory (nutmeg fit --out) given in place of files: its chain files, from its fit.json (`meta`, read once by
 * runMetaOf) or chain-*.csv.
 */
function expandRunDir(path: string, meta: Partial<RunMeta> | null): string[] {
  if (!existsSync(path) || !statSync(path).isDirectory()) return [path];
  const files = meta?.files;
  if (Array.isArray(files) && files.every((f) => typeof f === 'string')) return files.map((f: string) => join(path, f));
  const chains = readdirSync(path)
    .filter((f) => /^chain-\d+\.csv$/.test(f))
    .sort((a, b) => Number(a.slice(6, -4)) - Number(b.slice(6, -4)));
  if (chains.length === 0) throw new UserError(`${path}: is a directory with no fit.json and no chain-N.csv files; give the CSV files of the chains`);
  return chains.map((f) => join(path, f));
}

interface SavedEffects {
  readonly path: string;
  readonly hdiProb: number;
  /** Names in the fit's spelling (r_g__t[3]). */
  readonly rows: SummaryRow[];
}

function runVariableName(name: string): string {
  return isPerLevelName(name) ? toBracketName(name) : name;
}

/** fit.json of a run directory, or null when the path is not one (or its fit.json is unreadable: loadRun says so). */
function runMetaOf(path: string): Partial<RunMeta> | null {
  const metaPath = join(path, 'fit.json');
  if (!existsSync(path) || !statSync(path).isDirectory() || !existsSync(metaPath)) return null;
  try {
    return JSON.parse(readFileSync(metaPath, 'utf8')) as Partial<RunMeta>;
  } catch {
    return null;
  }
}

/** The per-level summaries of a run saved with --save-effects summary (effects-summary.csv), or null. */
function savedEffects(path: string, meta: Partial<RunMeta> | null): SavedEffects | null {
  const saved = meta?.effectsSummary;
  if (saved === undefined) return null;
  const file = join(path, saved.file);
  const rows = readEffectsSummary(file);
  return { path: file, hdiProb: saved.hdiProb, rows };
}

/** A --vars entry for group effects of a run saved with --save-effects none: say why there are none. */
function refuseUnsavedEffects(path: string, meta: Partial<RunMeta> | null, filters: readonly string[], names: readonly string[]): void {
  if (meta?.saveEffects !== 'none') return;
  const missing = filters.find((f) => /^(?:r|z|e)_/.test(f) && !names.some((n) => matchesFilter(n, f)));
  if (missing !== undefined) {
    throw new UserError(`--vars ${missing}: ${path} was saved with --save-effects none, so it keeps no group effects; refit with --save-effects summary or all`);
  }
}

/** `model: negbinomial (log link): y ~ x` from nutmeg's comments in the chain files. */
function modelLine(m: DrawsModel): string {
  return `model: ${m.family}${m.link ? ` (${m.link} link)` : ''}${m.formula ? `: ${m.formula}` : ''}`;
}

function incompleteWarning(i: IncompleteDraws): string {
  const counted = i.requested === null ? `${i.done} draws per chain` : `${i.done} of ${i.requested} draws per chain`;
  return `warning: these draws are from an interrupted run (incomplete: ${counted}); estimates and diagnostics describe only what was drawn`;
}

export function register(program: Command): void {
  program
    .command('summary')
    .description('posterior summary of saved draws: mean, sd, HDI, MCSE, bulk/tail ESS, R-hat (as R posterior 1.4)')
    .argument('<files...>', 'CmdStan-format CSV files, one per chain, or one long-format CSV (chain, draw, variables), or a run directory (nutmeg fit --out)')
    .option('--stats <list>', `comma-separated statistics to show, from: hdi, ${SUMMARY_STATS.join(', ')}`, DEFAULT_SUMMARY_STATS.join(','))
    .option('--vars <list>', 'comma-separated variable names or prefixes (e.g. b_,sd_)')
    .option('--format <format>', `output format: ${TABLE_FORMATS.join(', ')}`, 'table')
    .option('--json', 'JSON records with every statistic: [{variable, mean, median, sd, …, hdi_low, hdi_high}]')
    .option('--hdi-prob <p>', 'probability of the highest-density interval', '0.94')
    .option('--max-treedepth <n>', "the fit's maximum tree depth, for the tree-depth check (default: from the files, else 10)")
    .action(async (files: string[], opts: SummaryOptions) => {
      const format = parseFormat(opts.format, opts.json);
      const hdiProb = parseProbability(opts.hdiProb);
      const stats = resolveStats(commaList(opts.stats));
      if (stats.length === 0) throw new UserError('--stats lists no statistics; e.g. --stats mean,sd,r_hat');
      const metas = files.map(runMetaOf);
      metas.forEach((m, i) => refuseFailedWrite(files[i], m));
      const read = readDrawsCsv(files.flatMap((f, i) => expandRunDir(f, metas[i])));
      // a nutmeg run's group effects under the names its fit printed (r_g__t[3], not the CSV column r_g__t.3); other
      // names as written, since a data column may itself be called x.1
      const input = metas.every((m) => m !== null) ? { ...read, draws: { ...read.draws, names: read.draws.names.map(runVariableName) } } : read;
      // the first line, before any other warning: nothing below describes the posterior the user asked for
      if (input.incomplete) process.stderr.write(incompleteWarning(input.incomplete) + '\n');
      const filters = commaList(opts.vars);
      // a run saved with --save-effects summary: its group effects come from effects-summary.csv, the rest from draws
      const meta = files.length === 1 ? metas[0] : null;
      refuseUnsavedEffects(files[0], meta, filters, input.draws.names);
      const effects = savedEffects(files[0], meta);
      let shownEffects: SummaryRow[] = [];
      let drawFilters = filters;
      if (effects !== null) {
        const names = [...input.draws.names, ...effects.rows.map((r) => r.variable)];
        const chosen = selectVariables(names, filters); // a filter that matches nothing at all is refused here
        shownEffects = chosen.filter((i) => i >= input.draws.names.length).map((i) => effects.rows[i - input.draws.names.length]);
        drawFilters = filters.filter((f) => input.draws.names.some((n) => matchesFilter(n, f)));
      }
      const onlyEffects = filters.length > 0 && drawFilters.length === 0;
      const drawn = onlyEffects ? { rows: [], warnings: [] } : await summarizeDrawsParallel(input.draws, { variables: drawFilters, hdiProb });
      const rows = [...drawn.rows, ...shownEffects];
      const warnings: DiagnosticWarning[] = [...drawn.warnings];
      if (effects !== null && shownEffects.length > 0 && effects.hdiProb !== hdiProb) {
        warnings.push({
          code: 'hdi',
          message: `the group effects' HDIs come from ${effects.path}, computed at the fit with probability ${effects.hdiProb}; --hdi-prob ${hdiProb} applies to the other rows`,
        });
      }
      if (input.samplerStats) {
        warnings.push(...samplerWarnings(samplerDiagnostics(input.samplerStats, parseDepth(opts.maxTreedepth, input.maxTreedepth))));
      }
      warnings.push(...convergenceWarnings(rows, input.draws.nChains));
      // which model the rows belong to (sigma and shape mean different things per family), for the human formats; only
      // once the variables asked for were found, so that a mistake stays one line
      if (input.model && (format === 'table' || format === 'markdown')) process.stderr.write(modelLine(input.model) + '\n');
      // the priors the fit used (fit.json of a run directory)
      if (meta?.priors && (format === 'table' || format === 'markdown')) {
        process.stderr.write(`priors: ${priorGroupsText(Object.entries(meta.priors).map(([parameter, prior]) => ({ parameter, prior })))}\n`);
      }
      // a run directory's per-term sampler efficiency, as the fit computed it over all its draws (fit.json)
      if (format === 'table' || format === 'markdown') for (const t of meta?.termEfficiency ?? []) process.stderr.write(termEfficiencyLine(t) + '\n');
      for (const w of warnings) process.stderr.write(`warning: ${w.message}\n`);
      // many group effects: the population-level rows and the extreme effects; CSV and JSON stay whole
      // a categorical fixed effect of many levels (fit.json fixedLayout): its coefficients condensed like group effects
      const fixedFamilies = indexedFixedFamilies(input.draws.names.filter((n) => n.startsWith('b_')), meta?.fixedLayout);
      const condensed = filters.length > 0 || format === 'csv' || format === 'json' ? null : condenseSummary(rows, undefined, undefined, fixedFamilies);
      process.stdout.write(
        format === 'json' ? summaryJson(rows, input.incomplete !== undefined) : renderTable(summaryTable(condensed ? condensed.rows : rows, stats, hdiProb), format),
      );
      // after a blank line: in markdown a line right under a table would be read as one more row
      if (condensed) process.stdout.write(`${format === 'markdown' ? '\n' : ''}${hiddenEffectsLine(condensed, `nutmeg summary ${files.join(' ')} ${familiesFlag(condensed)}`)}\n`);
    });
}
