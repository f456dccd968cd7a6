/**
 * Writes one chain of a fit as a CmdStan-format CSV: the configuration as `#` comments (the keys rstan's
 * read_stan_csv and CmdStanPy/ArviZ look for), the header row (sampler statistics, then parameters with indexed names
 * written `name.i`), the adaptation block (`# Adaptation terminated`, step size, inverse metric), the draws, and the
 * elapsed-time footer. Numbers are written in the shortest form that reads back to the same double.
 */
import { toDottedName } from './variable-names.js';

export interface ChainCsvInput {
  readonly chain: number; // 1-based id
  readonly seed: number;
  readonly warmup: number;
  readonly draws: number; // post-warm-up iterations (num_samples)
  readonly thin: number;
  readonly targetAccept: number;
  readonly maxTreeDepth: number;
  readonly metric: 'diag' | 'dense';
  readonly initialStepSize: number;
  readonly stepSize: number;
  /** dim values (diag) or dim × dim row-major (dense). */
  readonly inverseMetric: Float64Array;
  readonly statNames: readonly string[];
  readonly paramNames: readonly string[];
  /** Kept draws of this chain: stats [draw][stat] and constrained parameters [draw][param]. */
  readonly nKept: number;
  readonly stat: (draw: number, s: number) => number;
  readonly param: (draw: number, v: number) => number;
  readonly warmupSeconds: number;
  readonly samplingSeconds: number;
  readonly extraComments?: readonly string[];
}

export function formatCsvNumber(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return String(x);
}

export function chainCsv(input: ChainCsvInput): string {
  const lines: string[] = [];
  const metricName = input.metric === 'dense' ? 'dense_e' : 'diag_e';
  lines.push(
    '# stan_version_major = 2',
    '# stan_version_minor = 26',
    '# stan_version_patch = 0',
    '# model = nutmeg_model',
    '# method = sample (Default)',
    '#   sample',
    `#     num_samples = ${input.draws}`,
    `#     num_warmup = ${input.warmup}`,
    '#     save_warmup = 0 (Default)',
    `#     thin = ${input.thin}`,
    '#     adapt',
    '#       engaged = 1 (Default)',
    `#       delta = ${input.targetAccept}`,
    '#       gamma = 0.05 (Default)',
    '#       kappa = 0.75 (Default)',
    '#       t0 = 10 (Default)',
    '#       init_buffer = 75 (Default)',
    '#       term_buffer = 50 (Default)',
    '#       window = 25 (Default)',
    '#     algorithm = hmc (Default)',
    '#       hmc',
    '#         engine = nuts (Default)',
    '#           nuts',
    `#             max_depth = ${input.maxTreeDepth}`,
    `#         metric = ${metricName}`,
    `#         stepsize = ${input.initialStepSize}`,
    '#         stepsize_jitter = 0 (Default)',
    `# id = ${input.chain}`,
    '# random',
    `#   seed = ${input.seed}`,
    '# output',
    '#   sig_figs = -1 (Default)',
    ...(input.extraComments ?? []).map((c) => `# ${c}`),
  );
  lines.push([...input.statNames, ...input.paramNames.map(toDottedName)].join(','));
  lines.push('# Adaptation terminated', `# Step size = ${formatCsvNumber(input.stepSize)}`);
  const dim = input.metric === 'dense' ? Math.round(Math.sqrt(input.inverseMetric.length)) : input.inverseMetric.length;
  if (input.metric === 'dense') {
    lines.push('# Elements of inverse mass matrix:');
    for (let i = 0; i < dim; i++) {
      lines.push('# ' + Array.from(input.inverseMetric.subarray(i * dim, (i + 1) * dim), formatCsvNumber).join(', '));
    }
  } else {
    lines.push('# Diagonal elements of inverse mass matrix:');
    lines.push('# ' + Array.from(input.inverseMetric, formatCsvNumber).join(', '));
  }
  const S = input.statNames.length;
  const V = input.paramNames.length;
  const row: string[] = new Array(S + V);
  for (let d = 0; d < input.nKept; d++) {
    for (let s = 0; s < S; s++) row[s] = formatCsvNumber(input.stat(d, s));
    for (let v = 0; v < V; v++) row[S + v] = formatCsvNumber(input.param(d, v));
    lines.push(row.join(','));
  }
  const total = input.warmupSeconds + input.samplingSeconds;
  lines.push(
    '# ',
    `#  Elapsed Time: ${input.warmupSeconds.toFixed(3)} seconds (Warm-up)`,
    `#                ${input.samplingSeconds.toFixed(3)} seconds (Sampling)`,
    `#                ${total.toFixed(3)} seconds (Total)`,
    '# ',
  );
  return lines.join('\n') + '\n';
}
