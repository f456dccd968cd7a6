/**
 * Writes one chain of a sampling run as a CmdStan output CSV, laid out as CmdStan 2.3x writes it so that
 * rstan::read_stan_csv, cmdstanr / R posterior and ArviZ's from_cmdstan read it unchanged:
 *
 *   # configuration comments ("key = value", CmdStan's argument tree, plus nutmeg's own lines)
 *   lp__,accept_stat__,stepsize__,treedepth__,n_leapfrog__,divergent__,energy__,b_Intercept,…,r_g__t.3,…
 *   # Adaptation terminated
 *   # Step size = 0.41
 *   # Diagonal elements of inverse mass matrix:      (dense: "# Elements of inverse mass matrix:", d rows)
 *   # 0.9, 1.1, …
 *   one row per kept draw
 *   #
 *   #  Elapsed Time: … seconds (Warm-up)
 *   #                … seconds (Sampling)
 *   #                … seconds (Total)
 *   #
 *
 * Parameter columns are the constrained values, made from each unconstrained draw by the caller's `constrain`
 * function (for nutmeg models, layout.ts's constrain), so this module knows nothing of models. Indexed names are
 * written CmdStan's way (`r_g__t[3]` → `r_g__t.3`). Numbers are written with full (round-trip) precision. Written
 * in blocks, so memory stays small whatever the number of draws × parameters. No file access here (the browser build
 * makes a run's files with it); cmdstan-csv-write.ts writes the files in Node.
 */
import type { SampleResult } from '../sampler/run.js';
import { SAMPLER_STAT_NAMES } from '../sampler/run.js';
import { quote } from '../data/csv-quote.js';
import { toDottedName } from './variable-names.js';

export interface CmdStanCsvContent {
  readonly result: SampleResult;
  /** 0-based chain index into result. */
  readonly chain: number;
  /** Names of the constrained output columns, in order (`b_Intercept`, `r_g__t[3]`, …). */
  readonly names: readonly string[];
  /** Writes the constrained row (length names.length) for one unconstrained draw (length result.dim). */
  readonly constrain: (theta: Float64Array, out: Float64Array) => void;
  /**
   * When given, used in place of constrain: writes the output row of kept draw `draw` of chain `chain` (a density
   * model's rows, whose generated quantities were drawn once, at fit time, and must be written as drawn).
   */
  readonly row?: (chain: number, draw: number, out: Float64Array) => void;
  /** Model name for the `model =` line. Default "nutmeg_model". */
  readonly model?: string;
  /** Extra "# key = value" lines (e.g. backend, formula); keys must be single words. */
  readonly extra?: Readonly<Record<string, string | number>>;
}

/** A number as CmdStan writes it: round-trip precision, nan / inf / -inf for the non-finite. */
export function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

function configuration(o: CmdStanCsvContent): string[] {
  const s = o.result.settings;
  const a = s.adaptation;
  const kept = o.result.samplingDone;
  const lines = [
    'stan_version_major = 2',
    'stan_version_minor = 33',
    'stan_version_patch = 0',
    `model = ${o.model ?? 'nutmeg_model'}`,
    'method = sample (Default)',
    '  sample',
    `    num_samples = ${kept}`,
    `    num_warmup = ${s.warmup}`,
    '    save_warmup = 0 (Default)',
    `    thin = ${s.thin}`,
    '    adapt',
    `      engaged = ${s.warmup > 0 ? 1 : 0}`,
    `      gamma = ${a.gamma}`,
    `      delta = ${s.targetAccept}`,
    `      kappa = ${a.kappa}`,
    `      t0 = ${a.t0}`,
    `      init_buffer = ${a.initBuffer}`,
    `      term_buffer = ${a.termBuffer}`,
    `      window = ${a.baseWindow}`,
    '    algorithm = hmc (Default)',
    '      hmc',
    '        engine = nuts (Default)',
    '          nuts',
    `            max_depth = ${s.maxTreeDepth}`,
    `        metric = ${s.metric === 'dense' ? 'dense_e' : 'diag_e'}`,
    '        metric_file =  (Default)',
    `        stepsize = ${s.initialStepSize}`,
    '        stepsize_jitter = 0 (Default)',
    `    num_chains = ${s.chains}`,
    `id = ${o.chain + 1}`,
    `init = ${s.init === 'random' ? 2 : 'user'}`,
    'random',
    `  seed = ${s.seed}`,
    'output',
    '  sig_figs = 17',
    'nutmeg',
    `  chain_stream = ${o.chain}`,
    `  incomplete = ${o.result.incomplete ? 1 : 0}`,
    // what was asked for, so a reader of an interrupted run can say "312 of 1000" (num_samples is what was done)
    `  draws_requested = ${s.draws}`,
  ];
  for (const [key, value] of Object.entries(o.extra ?? {})) lines.push(`  ${key} = ${String(value).replace(/[\r\n]+/g, ' ')}`);
  return lines.map((l) => `# ${l}`);
}

function adaptationComments(o: CmdStanCsvContent): string[] {
  const r = o.result;
  // no adaptation block when there was no warm-up or it was interrupted (then there are no draws either)
  if (r.settings.warmup === 0 || r.warmupDone < r.settings.warmup) return [];
  const inv = r.inverseMetric[o.chain];
  const d = r.dim;
  const lines = ['# Adaptation terminated', `# Step size = ${formatNumber(r.stepSize[o.chain])}`];
  if (r.settings.metric === 'dense') {
    lines.push('# Elements of inverse mass matrix:');
    for (let i = 0; i < d; i++) lines.push(`# ${Array.from(inv.subarray(i * d, (i + 1) * d), formatNumber).join(', ')}`);
  } else {
    lines.push('# Diagonal elements of inverse mass matrix:');
    lines.push(`# ${Array.from(inv, formatNumber).join(', ')}`);
  }
  return lines;
}

function timingComments(r: SampleResult): string[] {
  const { warmupSeconds: w, samplingSeconds: s } = r.timing;
  const f = (x: number): string => x.toFixed(3);
  return [
    '# ',
    `#  Elapsed Time: ${f(w)} seconds (Warm-up)`,
    `#                ${f(s)} seconds (Sampling)`,
    `#                ${f(w + s)} seconds (Total)`,
    '# ',
  ];
}

/**
 * The CSV of one chain, handed to `emit` in pieces of about `blockChars` characters (the whole file's text need never
 * be in memory at once).
 */
export function emitCmdStanCsv(o: CmdStanCsvContent, emit: (text: string) => void, blockChars = 1 << 20): void {
  const r = o.result;
  const { stats, nDraws, dim } = r;
  const nStats = SAMPLER_STAT_NAMES.length;
  let buffer = `${configuration(o).join('\n')}\n`;
  // names with a comma (poly(x, 2)1, a level such as "$1,000 +") are quoted, as RFC 4180 CSV readers expect
  buffer += `${[...SAMPLER_STAT_NAMES, ...o.names.map((n) => quote(toDottedName(n)))].join(',')}\n`;
  for (const line of adaptationComments(o)) buffer += `${line}\n`;
  const theta = new Float64Array(dim);
  const row = new Float64Array(o.names.length);
  const draws = r.draws[o.chain];
  const cells: string[] = new Array<string>(nStats + row.length);
  for (let s = 0; s < nDraws; s++) {
    for (let v = 0; v < nStats; v++) cells[v] = formatNumber(stats.values[(v * r.nChains + o.chain) * nDraws + s]);
    if (o.row !== undefined) o.row(o.chain, s, row);
    else {
      theta.set(draws.subarray(s * dim, (s + 1) * dim));
      o.constrain(theta, row);
    }
    for (let j = 0; j < row.length; j++) cells[nStats + j] = formatNumber(row[j]);
    buffer += `${cells.join(',')}\n`;
    if (buffer.length > blockChars) {
      emit(buffer);
      buffer = '';
    }
  }
  buffer += `${timingComments(r).join('\n')}\n`;
  emit(buffer);
}
